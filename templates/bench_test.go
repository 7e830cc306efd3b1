package templates

import "testing"

func BenchmarkEmail(b *testing.B) {
	s, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	d := Sample()
	for b.Loop() {
		if _, err := s.Email("gi-welcome", d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderText(b *testing.B) {
	d := Sample()
	for b.Loop() {
		if _, err := RenderText("day-4", "4-day check-in with {{.Contact.FirstName}}", d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadDefault parses and checks every embedded template, as the
// daemon does once at start.
func BenchmarkLoadDefault(b *testing.B) {
	for b.Loop() {
		if _, err := loadDefault(); err != nil {
			b.Fatal(err)
		}
	}
}
