package email

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// recorder is an Unsubscriber and Bouncer that remembers its calls.
type recorder struct {
	mu    sync.Mutex
	calls []string
	err   error
}

func (r *recorder) Unsubscribe(_ context.Context, email, detail string) error {
	return r.add("unsubscribe " + email + " (" + detail + ")")
}

func (r *recorder) Bounce(_ context.Context, email, kind, detail string) error {
	return r.add("bounce " + kind + " " + email + " (" + detail + ")")
}

func (r *recorder) add(call string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call)
	return r.err
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

func newWeb(t *testing.T, edit func(*Handlers)) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{}
	h := &Handlers{Secrets: [][]byte{secret}, Unsubscriber: rec, Bouncer: rec, BusinessName: "Summit Ridge Technology", WebhookToken: webhookToken}
	if edit != nil {
		edit(h)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, rec
}

// webhookToken is the bounce webhook's token in newWeb's handlers.
const webhookToken = "t0ken"

// postBounce posts body to the bounce webhook with webhookToken.
func postBounce(t *testing.T, srv *httptest.Server, body string) (int, string) {
	t.Helper()
	req := request(t, http.MethodPost, srv.URL+"/webhooks/bounce", "application/json", body)
	req.Header.Set("Authorization", "Bearer "+webhookToken)
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func request(t *testing.T, method, url, contentType, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

func TestUnsubscribeGetOnlyAsks(t *testing.T) {
	srv, rec := newWeb(t, nil)
	url := srv.URL + "/u/" + Sign(secret, "dana@harborview.example")
	for range 3 { // a mail scanner following the link, twice, then the person
		code, body := do(t, request(t, http.MethodGet, url, "", ""))
		if code != http.StatusOK || !strings.Contains(body, `<form method="post">`) || !strings.Contains(body, "dana@harborview.example") {
			t.Fatalf("GET: %d\n%s", code, body)
		}
	}
	if calls := rec.got(); len(calls) != 0 {
		t.Fatalf("GET unsubscribed: %v", calls)
	}
}

func TestUnsubscribePost(t *testing.T) {
	srv, rec := newWeb(t, nil)
	url := srv.URL + "/u/" + Sign(secret, "dana@harborview.example")
	oneClick := request(t, http.MethodPost, url, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click")
	code, body := do(t, oneClick)
	if code != http.StatusOK || !strings.Contains(body, "will get no more marketing email from Summit Ridge Technology") {
		t.Fatalf("one-click POST: %d\n%s", code, body)
	}
	// The page's button posts an empty form; doing it again is harmless.
	for range 2 {
		code, body := do(t, request(t, http.MethodPost, url, "application/x-www-form-urlencoded", ""))
		if code != http.StatusOK || !strings.Contains(body, "Unsubscribed") {
			t.Fatalf("button POST: %d\n%s", code, body)
		}
	}
	want := []string{
		"unsubscribe dana@harborview.example (one-click (RFC 8058))",
		"unsubscribe dana@harborview.example (unsubscribe page)",
		"unsubscribe dana@harborview.example (unsubscribe page)",
	}
	if got := rec.got(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestUnsubscribeBadToken(t *testing.T) {
	srv, rec := newWeb(t, nil)
	forged := Sign([]byte("another secret"), "dana@harborview.example")
	for _, tok := range []string{forged, "garbage", "ZGFuYQ.AAAA"} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			code, body := do(t, request(t, method, srv.URL+"/u/"+tok, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click"))
			if code != http.StatusBadRequest || !strings.Contains(body, "invalid") {
				t.Errorf("%s %s: %d\n%s", method, tok, code, body)
			}
		}
	}
	if calls := rec.got(); len(calls) != 0 {
		t.Fatalf("a bad token unsubscribed: %v", calls)
	}
}

func TestUnsubscribeFailure(t *testing.T) {
	srv, rec := newWeb(t, nil)
	rec.err = errors.New("database down")
	code, body := do(t, request(t, http.MethodPost, srv.URL+"/u/"+Sign(secret, "dana@harborview.example"), "", ""))
	if code != http.StatusInternalServerError || strings.Contains(body, "database down") || !strings.Contains(body, "try again") {
		t.Fatalf("failure: %d\n%s", code, body)
	}
}

func TestUnsubscribePageEscapes(t *testing.T) {
	srv, _ := newWeb(t, nil)
	code, body := do(t, request(t, http.MethodGet, srv.URL+"/u/"+Sign(secret, `"<script>alert(1)</script>"@x.example`), "", ""))
	if code != http.StatusOK || strings.Contains(body, "<script>") {
		t.Fatalf("%d\n%s", code, body)
	}
}

func TestBounceWebhook(t *testing.T) {
	srv, rec := newWeb(t, nil)
	post := func(body string) (int, string) { return postBounce(t, srv, body) }
	for _, tt := range []struct{ body, want string }{
		{`{"email":"gone@x.example","type":"hard","detail":"550 5.1.1 user unknown"}`, `"suppressed"`},
		{`{"email":"angry@x.example","type":"complaint","provider":"ses"}`, `"suppressed"`},
		{`{"email":" spaced@x.example ","type":"hard"}`, `"suppressed"`},
		{`{"email":"full@x.example","type":"soft","detail":"mailbox full"}`, `"ignored"`},
	} {
		if code, body := post(tt.body); code != http.StatusOK || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %s", tt.body, code, body)
		}
	}
	want := "bounce hard gone@x.example (550 5.1.1 user unknown)\nbounce complaint angry@x.example ()\nbounce hard spaced@x.example ()"
	if got := strings.Join(rec.got(), "\n"); got != want {
		t.Fatalf("calls:\n%s\nwant:\n%s", got, want)
	}
	rec.err = errors.New("database down")
	if code, body := post(`{"email":"gone@x.example","type":"hard"}`); code != http.StatusInternalServerError || strings.Contains(body, "database") {
		t.Fatalf("failure: %d %s", code, body)
	}
}

func TestBounceWebhookBadInput(t *testing.T) {
	srv, rec := newWeb(t, nil)
	tests := []struct{ body, want string }{
		{``, "body: empty"},
		{`{"email":`, "body: JSON ends too early"},
		{`{"email" "x"}`, "body: invalid JSON at byte"},
		{`[1]`, "body: got array, want a JSON object"},
		{`{"email":42,"type":"hard"}`, `field \"email\": got number, want a string`},
		{`{"type":"hard"}`, `field \"email\": required`},
		{`{"email":"Dana <d@x.example>","type":"hard"}`, `field \"email\"`},
		{`{"email":"nobody","type":"hard"}`, `field \"email\"`},
		{`{"email":"d@x.example"}`, `field \"type\": required`},
		{`{"email":"d@x.example","type":"bounce"}`, `field \"type\": \"bounce\", want hard, soft or complaint`},
		{`{"email":"d@x.example","type":"hard"} {}`, "more than one JSON value"},
	}
	for _, tt := range tests {
		code, body := postBounce(t, srv, tt.body)
		if code != http.StatusBadRequest || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %s, want 400 containing %s", tt.body, code, body, tt.want)
		}
	}
	if calls := rec.got(); len(calls) != 0 {
		t.Fatalf("bad input reached the bouncer: %v", calls)
	}
}

func TestBounceWebhookToken(t *testing.T) {
	srv, rec := newWeb(t, nil)
	body := `{"email":"gone@x.example","type":"hard"}`
	for _, auth := range []string{"", "Bearer wrong", "t0ken"} {
		req := request(t, http.MethodPost, srv.URL+"/webhooks/bounce", "application/json", body)
		req.Header.Set("Authorization", auth)
		if code, _ := do(t, req); code != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %d, want 401", auth, code)
		}
	}
	req := request(t, http.MethodPost, srv.URL+"/webhooks/bounce", "application/json", body)
	req.Header.Set("Authorization", "Bearer t0ken")
	if code, _ := do(t, req); code != http.StatusOK || len(rec.got()) != 1 {
		t.Fatalf("with the token: %d, calls %v", code, rec.got())
	}
}

func FuzzDecodeBounce(f *testing.F) {
	for _, s := range []string{
		`{"email":"a@x.example","type":"hard","detail":"x"}`, `{"email":1}`, `[]`, `{`, ``,
		`{"email":"a@x.example","type":"soft"} 1`, `{"detail":"` + strings.Repeat("é", 700) + `","email":"a@b.c","type":"hard"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeBounce(strings.NewReader(s))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "body") && !strings.HasPrefix(err.Error(), "field") {
				t.Fatalf("error %q names neither the body nor a field", err)
			}
			return
		}
		if b.Email == "" || (b.Type != "hard" && b.Type != "soft" && b.Type != "complaint") || len(b.Detail) > maxDetail {
			t.Fatalf("accepted %+v", b)
		}
	})
}
