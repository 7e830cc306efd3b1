package templates

import (
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/template"
	"text/template/parse"
)

// Kind is the kind of a template. A template-based channel registered in the
// track language names the kind its steps use (tracks.ChannelSpec.TemplateKind).
type Kind string

// The kinds of template.
const (
	KindEmail  Kind = "email"
	KindLetter Kind = "letter"
)

// Set is a loaded, checked collection of email and letter templates. It does
// not change once loaded and is safe for concurrent use.
type Set struct {
	emails  map[string]*emailTemplate
	letters map[string]*template.Template
}

type emailTemplate struct {
	subject *template.Template
	text    *template.Template
	html    *htmltemplate.Template // nil when the email has no html file
	reads   reads                  // what the three read of the data
}

// htmlTree is t's parse tree, nil when t is.
func htmlTree(t *htmltemplate.Template) *parse.Tree {
	if t == nil {
		return nil
	}
	return t.Tree
}

//go:embed default/*.tmpl
var defaultFS embed.FS

var defaults = sync.OnceValues(loadDefault)

// loadDefault parses and checks the embedded templates.
func loadDefault() (*Set, error) {
	sub, err := fs.Sub(defaultFS, "default")
	if err != nil {
		return nil, err
	}
	files, err := readFiles(sub, func(name string) string { return path.Join("default", name) })
	if err != nil {
		return nil, fmt.Errorf("default templates: %w", err)
	}
	s := &Set{emails: map[string]*emailTemplate{}, letters: map[string]*template.Template{}}
	if err := s.add(files); err != nil {
		return nil, fmt.Errorf("default templates: %w", err)
	}
	return s, nil
}

// Default returns the templates embedded in the binary (templates/default).
func Default() (*Set, error) { return defaults() }

// Load returns the default templates plus those in dir, where a template
// overrides the default of the same kind and name as a whole: an email given
// in dir without an html file has no HTML part. dir "" means defaults only.
// Files not ending in .tmpl, hidden files and subfolders are ignored.
//
// Every template in dir is parsed and executed against Sample() and against
// empty data before Load returns; any problem makes Load return every
// problem found, each naming its file, and no set.
func Load(dir string) (*Set, error) {
	base, err := Default()
	if err != nil || dir == "" {
		return base, err
	}
	files, err := readFiles(os.DirFS(dir), func(name string) string { return filepath.Join(dir, name) })
	if err != nil {
		return nil, fmt.Errorf("templates %s: %w", dir, err)
	}
	s := &Set{emails: maps.Clone(base.emails), letters: maps.Clone(base.letters)}
	if err := s.add(files); err != nil {
		return nil, err
	}
	return s, nil
}

// Has reports whether the set has a template of that kind and name.
func (s *Set) Has(kind Kind, name string) bool {
	switch kind {
	case KindEmail:
		_, ok := s.emails[name]
		return ok
	case KindLetter:
		_, ok := s.letters[name]
		return ok
	}
	return false
}

// HasHTML reports whether the set has an email template name with an HTML part.
func (s *Set) HasHTML(name string) bool {
	t, ok := s.emails[name]
	return ok && t.html != nil
}

// Names returns the names of the templates of one kind, sorted.
func (s *Set) Names(kind Kind) []string {
	switch kind {
	case KindEmail:
		return slices.Sorted(maps.Keys(s.emails))
	case KindLetter:
		return slices.Sorted(maps.Keys(s.letters))
	}
	return nil
}

// file is one template file as read.
type file struct {
	path string // as shown in errors
	name string // the template name
	part part
	text string
}

// readFiles reads the .tmpl files at the top of fsys, in name order. shown
// gives the path a file is shown as in errors.
func readFiles(fsys fs.FS, shown func(name string) string) ([]file, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var files []file
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tmpl") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		src, err := readAtMost(fsys, e.Name(), MaxSource+1)
		if err != nil {
			return nil, err
		}
		name, p := splitName(e.Name())
		files = append(files, file{path: shown(e.Name()), name: name, part: p, text: string(src)})
	}
	return files, nil
}

// readAtMost reads up to n bytes of the file name: enough to tell that a file
// is too large without reading all of it.
func readAtMost(fsys fs.FS, name string, n int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}
