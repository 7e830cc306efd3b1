package httpapi

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/dripline/dripline/internal/crm"
)

// ndjson is the media type of an import followed while it runs.
const ndjson = "application/x-ndjson"

// progressEvery is how many bytes of a followed import's body are read
// between two progress lines.
const progressEvery = 1 << 20

// progressJSON is a followed import's line saying how far it has read.
type progressJSON struct {
	Progress struct {
		Bytes int64 `json:"bytes"`
		Total int64 `json:"total,omitempty"` // the body's length when the client sent it
	} `json:"progress"`
}

// follows reports whether the client asked to follow the import: Accept
// names application/x-ndjson.
func follows(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == ndjson {
			return true
		}
	}
	return false
}

// followImport runs an import whose answer is application/x-ndjson: a
// progress line each time another MiB of the body is read, then the summary
// (the JSON a plain import answers) or the error ({"error": …}) as the last
// line. The status is 200 once the first line is out.
func (a *api) followImport(w http.ResponseWriter, r *http.Request, body io.Reader,
	run func(io.Reader) (crm.ImportResult, error)) {
	rc := http.NewResponseController(w)
	_ = rc.EnableFullDuplex() // HTTP/1.1: answer while the body is still being read
	w.Header().Set("Content-Type", ndjson)
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	line := func(v any) {
		_ = enc.Encode(v) // the client is gone when this fails
		_ = rc.Flush()
	}
	var p progressJSON
	p.Progress.Total = max(r.ContentLength, 0)
	counted := &countingReader{r: body, every: progressEvery, fn: func(n int64) {
		p.Progress.Bytes = n
		line(p)
	}}
	res, err := run(counted)
	if err != nil {
		status, out := classify(err)
		if status == http.StatusInternalServerError {
			a.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		line(out)
		return
	}
	line(toImportJSON(res))
}

// countingReader reads r and calls fn with the bytes read so far each time
// another every bytes have gone through.
type countingReader struct {
	r     io.Reader
	every int64
	fn    func(read int64)
	read  int64
	next  int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	if c.next == 0 {
		c.next = c.every
	}
	for c.read >= c.next {
		c.fn(c.read)
		c.next += c.every
	}
	return n, err
}
