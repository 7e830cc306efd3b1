package httpapi_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestFollowImport: a client accepting application/x-ndjson gets a progress
// line per MiB read and the summary last; a failed import ends with the
// error line.
func TestFollowImport(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var sb strings.Builder
	sb.WriteString("external_id,email,first_name,notes,more\n")
	pad := strings.Repeat("x", 190)
	for i := 0; sb.Len() < 5<<19; i++ { // 2.5 MiB
		fmt.Fprintf(&sb, "f-%d,f%d@example.com,F,%s,%s\n", i, i, pad, pad)
	}
	sb.WriteString("bad,not-an-address,B,,\n")
	lines := e.follow("/api/contacts/import", sb.String())
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 2 progress lines and the summary: %v", len(lines), lines)
	}
	for i, l := range lines[:2] {
		p, _ := l["progress"].(map[string]any)
		if p == nil || p["bytes"].(float64) < float64((i+1)<<20) || p["total"] != float64(sb.Len()) {
			t.Errorf("line %d = %v, want progress past %d MiB of %d bytes", i+1, l, i+1, sb.Len())
		}
	}
	last := lines[2]
	if last["created"] == nil || last["created"].(float64) < 1000 || len(last["errors"].([]any)) != 1 {
		t.Errorf("summary = %v, want the contacts created and the bad row", last)
	}
	lines = e.follow("/api/contacts/import", "first_name\nAnn\n")
	if len(lines) != 1 || lines[0]["created"] != 0.0 || len(lines[0]["errors"].([]any)) != 1 {
		t.Errorf("a file without email or external_id answers %v, want its header error", lines)
	}
}

// follow posts a CSV asking to follow the import and returns its lines.
func (e *env) follow(path, body string) []map[string]any {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Accept", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || ct != "application/x-ndjson" {
		e.t.Fatalf("status %d, Content-Type %q; want 200 application/x-ndjson", resp.StatusCode, ct)
	}
	var out []map[string]any
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			e.t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}
