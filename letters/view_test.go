package letters

import (
	"os"
	"testing"
)

func TestView(t *testing.T) {
	f, _ := os.Create("/tmp/view.pdf")
	p, err := Render(f, Options{Sender: testSender}, []Letter{longLetter(), utf8Letter()})
	f.Close()
	t.Log(p, err)
}
