package httpapi

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"math"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dripline/dripline/internal/crm"
)

// LeadCapturer stores a lead from a website's form (crm.Leads).
type LeadCapturer interface {
	Capture(ctx context.Context, f crm.LeadForm) (crm.LeadResult, error)
}

var _ LeadCapturer = (*crm.Leads)(nil)

// LeadFormConfig configures POST /forms/lead. Leads is required; zero
// fields take the documented defaults.
type LeadFormConfig struct {
	Leads LeadCapturer
	// PublicURL is this server's base URL: `redirect` may go to its origin.
	PublicURL string
	// Origins are the other origins (https://www.example.com) `redirect`
	// may go to: the sites the forms are on.
	Origins []string
	// BusinessName signs the thank-you page.
	BusinessName string
	// MaxBody limits a form's body; default 16 KiB.
	MaxBody int64
	// PerMinute is how many forms one client address may post a minute;
	// default 10.
	PerMinute int
	Clock     interface{ Now() time.Time } // default the wall clock
	Logger    *slog.Logger                 // default discards
}

// leadForm serves POST /forms/lead.
type leadForm struct {
	cfg     LeadFormConfig
	origins map[string]bool
	limit   *addressLimit
}

// NewLeadForm returns the public lead form handler (no token): a form post
// (form-encoded or multipart, from an HTML form on any site) or JSON with
// the crm.LeadForm fields, plus `redirect` (where to send the browser
// after, on this origin or one of cfg.Origins) and the honeypot `website`
// (a field people never see: filled in, the post is thanked and dropped).
// It answers a thank-you page, a 303 to `redirect`, or for JSON
// {"status":"received"}; bad input 400 naming the field, too many posts
// from one address 429 with Retry-After, a body too large 413.
func NewLeadForm(cfg LeadFormConfig) (http.Handler, error) {
	if cfg.Leads == nil {
		return nil, errors.New("httpapi: the lead form needs lead capture")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 16 << 10
	}
	if cfg.PerMinute <= 0 {
		cfg.PerMinute = 10
	}
	if cfg.Clock == nil {
		cfg.Clock = wallClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h := &leadForm{cfg: cfg, origins: map[string]bool{}, limit: newAddressLimit(cfg.PerMinute, time.Minute)}
	for _, o := range append([]string{cfg.PublicURL}, cfg.Origins...) {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		origin, ok := originOf(o)
		if !ok {
			return nil, fmt.Errorf("form origin %q: want a URL such as https://www.example.com", o)
		}
		h.origins[origin] = true
	}
	mux := http.NewServeMux()
	mux.Handle("POST /forms/lead", h)
	return mux, nil
}

// wallClock is the default clock.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

// leadPost is a lead form as posted.
type leadPost struct {
	crm.LeadForm
	Redirect string `json:"redirect"`
	Website  string `json:"website"` // the honeypot
}

// ServeHTTP handles one post.
func (h *leadForm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	asJSON := isJSON(r)
	if ok, wait := h.limit.allow(clientAddr(r), h.cfg.Clock.Now()); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		h.refuse(w, asJSON, http.StatusTooManyRequests, "", "too many forms from your address; try again in a minute")
		return
	}
	post, err := h.read(w, r, asJSON)
	if err == nil && post.Redirect != "" && !h.allowedRedirect(post.Redirect) {
		err = badRequest("redirect", "%q is not on this site or an allowed origin", post.Redirect)
	}
	if err == nil && strings.TrimSpace(post.Website) == "" {
		_, err = h.cfg.Leads.Capture(r.Context(), post.LeadForm)
	}
	if err != nil {
		status, body := classify(err)
		if status == http.StatusInternalServerError {
			h.cfg.Logger.ErrorContext(r.Context(), "lead form failed", "err", err)
		}
		h.refuse(w, asJSON, status, body.Field, body.Error)
		return
	}
	switch {
	case post.Redirect != "":
		http.Redirect(w, r, post.Redirect, http.StatusSeeOther)
	case asJSON:
		writeJSON(w, http.StatusOK, map[string]string{"status": "received"})
	default:
		h.page(w, http.StatusOK, "Thank you", "Thank you: we received your message and will be in touch soon.")
	}
}

// isJSON reports whether the request's body is JSON.
func isJSON(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/json"
}

// read decodes the post, JSON or a form, at most MaxBody bytes.
func (h *leadForm) read(w http.ResponseWriter, r *http.Request, asJSON bool) (leadPost, error) {
	var p leadPost
	r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxBody)
	if asJSON {
		dec := &api{maxBody: h.cfg.MaxBody}
		return p, dec.decode(w, r, &p)
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch mt {
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	case "multipart/form-data":
		err = r.ParseMultipartForm(h.cfg.MaxBody)
	default:
		return p, &requestError{status: http.StatusUnsupportedMediaType, msg: "post the form as application/x-www-form-urlencoded, multipart/form-data or application/json"}
	}
	if err != nil {
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			return p, err
		}
		return p, badRequest("", "malformed form: %v", err)
	}
	f := r.PostForm
	p.LeadForm = crm.LeadForm{Email: f.Get("email"), Phone: f.Get("phone"), FirstName: f.Get("first_name"),
		LastName: f.Get("last_name"), Company: f.Get("company"), Message: f.Get("message"),
		LeadSource: f.Get("lead_source"), Campaign: f.Get("campaign"), Region: f.Get("region"),
		PostalCode: f.Get("postal_code")}
	p.Redirect, p.Website = f.Get("redirect"), f.Get("website")
	return p, nil
}

// allowedRedirect reports whether target is a path on this site or a URL
// on this origin or an allowed one.
func (h *leadForm) allowedRedirect(target string) bool {
	if strings.HasPrefix(target, "/") && !strings.HasPrefix(target, "//") && !strings.HasPrefix(target, "/\\") {
		return !strings.ContainsAny(target, "\r\n\t")
	}
	origin, ok := originOf(target)
	return ok && h.origins[origin]
}

// originOf is the scheme://host[:port] of an absolute http(s) URL.
func originOf(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", false
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), true
}

// clientAddr is the address the request came from (the TCP peer; a proxy in
// front counts as one client unless it passes the peer's address on).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// refuse answers a failed post as JSON or as a page.
func (h *leadForm) refuse(w http.ResponseWriter, asJSON bool, status int, field, msg string) {
	if asJSON {
		writeJSON(w, status, errorBody{Error: msg, Field: field})
		return
	}
	if field != "" {
		msg = field + ": " + msg
	}
	h.page(w, status, "Your form was not sent", msg)
}

// pageTemplate is the small page a form post answers with.
var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 3em auto; padding: 0 1em">
<h1>{{.Title}}</h1><p>{{.Message}}</p>{{with .Business}}<p>{{.}}</p>{{end}}
</body></html>
`))

// page writes the small HTML page.
func (h *leadForm) page(w http.ResponseWriter, status int, title, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = pageTemplate.Execute(w, map[string]string{"Title": title, "Message": msg, "Business": h.cfg.BusinessName})
}
