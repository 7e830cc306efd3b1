package templates

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// tenTimes is a printf that repeats its one argument ten times.
func tenTimes(v string) string {
	return `printf "` + strings.Repeat("%s", 10) + `"` + strings.Repeat(" "+v, 10)
}

// nestedPrintf is the attack of issue 9: under 1.5 KB of template whose
// variables multiply a 900 KB string by ten at each level, in memory, before
// anything is written.
func nestedPrintf(levels int) string {
	text := `{{$v0 := printf "%900000s" "x"}}`
	for i := 1; i <= levels; i++ {
		text += "{{$v" + string(rune('0'+i)) + " := " + tenTimes("$v"+string(rune('0'+i-1))) + "}}"
	}
	return text + "{{$v" + string(rune('0'+levels)) + "}}"
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestRenderWorkBounded: templates that build large strings in memory are
// refused before they do, whatever writes them.
func TestRenderWorkBounded(t *testing.T) {
	const budget = 32 << 20
	attacks := map[string]string{
		"nested printf":           nestedPrintf(2),
		"printf widths":           `{{printf "` + strings.Repeat("%999999[1]s", 40) + `" "x"}}`,
		"printf precisions":       `{{printf "` + strings.Repeat("%.999999[1]f", 40) + `" 1.5}}`,
		"printf zero padding":     `{{printf "` + strings.Repeat("%0999999[1]d", 40) + `" 1}}`,
		"printf width arguments":  `{{printf "` + strings.Repeat("%[1]*[2]s", 40) + `" 999999 "x"}}`,
		"printf negative widths":  `{{printf "` + strings.Repeat("%[1]*[2]s", 40) + `" -999999 "x"}}`,
		"printf hex of a big one": `{{$a := printf "%900000s" "x"}}{{printf "% #x" $a}}`,
		"printf reused argument":  `{{$a := printf "%900000s" "x"}}{{printf "` + strings.Repeat("%[1]s", 40) + `" $a}}`,
		"print repeated":          `{{$a := printf "%900000s" "x"}}{{$b := print ` + strings.Repeat("$a ", 40) + `}}{{$b}}`,
		"println repeated":        `{{$a := printf "%900000s" "x"}}{{$b := println ` + strings.Repeat("$a ", 40) + `}}{{$b}}`,
		"html of html":            `{{$a := printf "%900000s" "<"}}{{$b := html (html (html (html $a)))}}{{$b}}`,
		"js of js":                `{{$a := printf "%900000s" "<"}}{{$b := js (js (js (js $a)))}}{{$b}}`,
		"urlquery of urlquery":    `{{$a := printf "%900000s" "<"}}{{$b := urlquery (urlquery (urlquery $a))}}{{$b}}`,
		"nested printf, one call": `{{printf "%s%s%s%s" (printf "%s%s%s%s" (printf "%900000s" "a") (printf "%900000s" "a") (printf "%900000s" "a") (printf "%900000s" "a")) "b" "c" "d"}}`,
	}
	for name, text := range attacks {
		var err error
		n := allocated(func() { _, err = RenderText(name, text, Sample()) })
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: err = %v, want ErrTooLarge", name, err)
		}
		if n > budget {
			t.Errorf("%s: allocated %d MB rendering %d bytes of template, want at most %d MB", name, n>>20, len(text), budget>>20)
		}
	}
}

// TestFormattingStillWorks: the bounded functions give what the builtins give.
func TestFormattingStillWorks(t *testing.T) {
	for text, want := range map[string]string{
		`{{printf "%s has %d seats (%.1f%%)" .Contact.FirstName 12 37.5}}`: "Dana has 12 seats (37.5%)",
		`{{printf "%5s|%-5s|%05d" "a" "b" 42}}`:                            "    a|b    |00042",
		`{{printf "%[2]s %[1]s" "world" "hello"}}`:                         "hello world",
		`{{printf "%*d" 4 7}}`:                                             "   7",
		`{{printf "%q" "x\"y"}}`:                                           `"x\"y"`,
		`{{printf "%d"}}`:                                                  "%!d(MISSING)",
		`{{print "a" 1 2 "b"}}`:                                            "a1 2b",
		`{{println "a" "b"}}`:                                              "a b\n",
		`{{html "<a href='x'>"}}`:                                          "&lt;a href=&#39;x&#39;&gt;",
		`{{js "</script>"}}`:                                               `\u003C/script\u003E`,
		`{{urlquery "a b&c"}}`:                                             "a+b%26c",
		`{{"<b>" | html}}`:                                                 "&lt;b&gt;",
	} {
		got, err := RenderText("ok", text, Sample())
		if err != nil || got != want {
			t.Errorf("RenderText(%s) = %q, %v; want %q", text, got, err, want)
		}
	}
}

// TestTemplateSourceCap: a template file larger than MaxSource is refused
// with its name, without being parsed.
func TestTemplateSourceCap(t *testing.T) {
	dir := t.TempDir()
	big := "Hello {{.Contact.FirstName}}\n" + strings.Repeat("padding ", MaxSource/8+1)
	for name, text := range map[string]string{"huge.subject.tmpl": "Hi", "huge.txt.tmpl": big} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Load(dir)
	want := filepath.Join(dir, "huge.txt.tmpl") + ": larger than 65536 bytes"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Load = %v, want %q", err, want)
	}
}

// BenchmarkNestedPrintf renders the nested-printf attack: see its B/op.
func BenchmarkNestedPrintf(b *testing.B) {
	text := nestedPrintf(2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RenderText("attack", text, Sample()); err == nil {
			b.Fatal("rendered")
		}
	}
}

// FuzzPrintfSize: printfSize never under-estimates what fmt.Sprintf builds.
func FuzzPrintfSize(f *testing.F) {
	for _, format := range []string{"%s", "%5.2f|%-8q", "%[2]*[1]d", "%% #x %+q %#v", "%[3]s%[1]s%!", "%.*[1]s", "%[0]d%[x]s", "%999999s%999999s"} {
		f.Add(format, "x\x00é", 7)
	}
	f.Fuzz(func(t *testing.T, format, s string, n int) {
		if len(format) > 64 {
			return
		}
		args := []any{s, n, 2.5, []byte(s), Sample().Contact}
		if got, bound := len(fmt.Sprintf(format, args...)), printfSize(format, args); got > bound {
			t.Fatalf("printf %q: %d bytes, estimated %d", format, got, bound)
		}
	})
}
