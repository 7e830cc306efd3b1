package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// static serves the stylesheet and htmx from the binary.
func static() http.Handler {
	sub, _ := fs.Sub(staticFiles, "static") // the embedded folder exists
	h := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// views holds one parsed template set per page, each with the layout.
type views struct {
	pages map[string]*template.Template
}

// parseViews parses every page with the layout.
func parseViews() (*views, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// funcs are the helpers templates use.
var funcs = template.FuncMap{
	"percent": func(n, of int) int {
		if of <= 0 {
			return 0
		}
		return min(100, n*100/of)
	},
	"join":   strings.Join,
	"name":   contactName,
	"header": header,
	"last":   func(vs []engine.TrackVersion) int { return len(vs) - 1 },
}

// header writes a report's column name as a table heading: due_today as
// "Due today", roi as "ROI".
func header(col string) string {
	switch col {
	case "":
		return ""
	case "roi":
		return "ROI"
	}
	s := strings.ReplaceAll(col, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// pageData is what the layout and a page's template get.
type pageData struct {
	Title  string
	Viewer viewer
	Path   string
	Data   any
}

// When formats an instant in the viewer's zone, with the zone's name.
func (d pageData) When(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(d.zone()).Format("Mon Jan 2, 2006 3:04 PM MST")
}

// Day formats an instant's date in the viewer's zone.
func (d pageData) Day(t time.Time) string { return t.In(d.zone()).Format("Mon Jan 2, 2006") }

// WhenP formats an optional instant.
func (d pageData) WhenP(t *time.Time) string {
	if t == nil {
		return "no due time"
	}
	return d.When(*t)
}

// ISO is an instant as the machine-readable datetime attribute wants it.
func (d pageData) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ZoneName names the viewer's zone.
func (d pageData) ZoneName() string { return d.zone().String() }

// zone is the viewer's zone.
func (d pageData) zone() *time.Location {
	if d.Viewer.Zone == nil {
		return time.UTC
	}
	return d.Viewer.Zone
}

// render writes a page with the layout; a template failure is logged and
// answers 500.
func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, page string, v viewer, title string, data any) {
	var buf bytes.Buffer
	t := p.views.pages[page]
	if t == nil {
		p.log.ErrorContext(r.Context(), "no such page template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := t.Execute(&buf, pageData{Title: title, Viewer: v, Path: r.URL.Path, Data: data}); err != nil {
		p.log.ErrorContext(r.Context(), "render page", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w) // the browser is gone when this fails
}

// fragment writes one named template of a page, the part htmx swaps in.
func (p *Pages) fragment(w http.ResponseWriter, r *http.Request, page, name string, data any) {
	var buf bytes.Buffer
	if err := p.views.pages[page].ExecuteTemplate(&buf, name, data); err != nil {
		p.log.ErrorContext(r.Context(), "render fragment", "page", page, "fragment", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w) // the browser is gone when this fails
}

// Errors a page shows as itself.
var (
	errForbidden = errors.New("this page is for managers and admins")
	errBadForm   = errors.New("the form is out of date or not from this site: reload the page and try again")
)

// problem is what the error page says.
type problem struct {
	Status  int
	Heading string
	Message string
}

// fail shows err as a page with its status; internal failures are logged
// and show as "internal error".
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, v viewer, err error) {
	pr := classify(err)
	if pr.Status == http.StatusInternalServerError {
		p.log.ErrorContext(r.Context(), "page failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p.render(w, r, pr.Status, "problem", v, pr.Heading, pr)
}

// classify maps an error to the status and words its page shows, in one place.
func classify(err error) problem {
	if ve, ok := crm.AsValidation(err); ok {
		return problem{http.StatusBadRequest, "Please check the form", ve.Error()}
	}
	switch {
	case errors.Is(err, errForbidden), errors.Is(err, crm.ErrForbidden):
		return problem{http.StatusForbidden, "Not for your role", "This page is for managers and admins. Ask your manager if you need what is on it."}
	case errors.Is(err, errBadForm):
		return problem{http.StatusForbidden, "Please reload the page", errBadForm.Error()}
	case errors.Is(err, engine.ErrNotFound):
		return problem{http.StatusNotFound, "Not found", "There is nothing here, or it is not yours to see."}
	case errors.Is(err, engine.ErrConflict):
		return problem{http.StatusConflict, "Already changed", err.Error()}
	}
	return problem{http.StatusInternalServerError, "Something went wrong", "internal error: the failure was logged; try again in a moment"}
}
