package templates

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"maps"
	"regexp"
	"slices"
	"strings"
	"text/template"
)

// part is which file of a template a file is, from its name.
type part string

const (
	partSubject part = "subject"
	partText    part = "txt"
	partHTML    part = "html"
	partLetter  part = "letter"
)

var parts = []part{partSubject, partText, partHTML, partLetter}

var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// splitName splits "gi-welcome.txt.tmpl" into "gi-welcome" and partText.
// The part is "" when the name ends in no known part.
func splitName(base string) (string, part) {
	stem := strings.TrimSuffix(base, ".tmpl")
	i := strings.LastIndexByte(stem, '.')
	if i < 0 || !slices.Contains(parts, part(stem[i+1:])) {
		return stem, ""
	}
	return stem[:i], part(stem[i+1:])
}

// add parses and checks files and, when all are good, adds their templates
// to s, replacing those of the same kind and name. On any problem it returns
// all of them joined, one per line, and leaves s as it was.
func (s *Set) add(files []file) error {
	var errs []error
	emails := map[string]map[part]file{}
	var letters []file
	for _, f := range files {
		switch {
		case f.part == "":
			errs = append(errs, &Error{File: f.path, Msg: "unknown kind of template file: expected NAME.subject.tmpl, NAME.txt.tmpl, NAME.html.tmpl or NAME.letter.tmpl"})
		case !validName.MatchString(f.name):
			errs = append(errs, &Error{File: f.path, Msg: fmt.Sprintf("template name %q: expected lowercase letters, digits, - and _", f.name)})
		case f.part == partLetter:
			letters = append(letters, f)
		default:
			if emails[f.name] == nil {
				emails[f.name] = map[part]file{}
			}
			emails[f.name][f.part] = f
		}
	}
	newEmails := map[string]*emailTemplate{}
	for _, name := range slices.Sorted(maps.Keys(emails)) {
		t, tErrs := buildEmail(name, emails[name])
		errs = append(errs, tErrs...)
		if t != nil {
			newEmails[name] = t
		}
	}
	newLetters := map[string]*template.Template{}
	for _, f := range letters {
		t, err := buildLetter(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		newLetters[f.name] = t
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	maps.Copy(s.emails, newEmails)
	maps.Copy(s.letters, newLetters)
	return nil
}

// buildEmail parses and checks the files of one email template.
func buildEmail(name string, files map[part]file) (*emailTemplate, []error) {
	subject, hasSubject := files[partSubject]
	text, hasText := files[partText]
	if !hasSubject || !hasText {
		some := slices.SortedFunc(maps.Values(files), func(a, b file) int { return strings.Compare(a.path, b.path) })[0]
		var missing []string
		if !hasSubject {
			missing = append(missing, name+".subject.tmpl")
		}
		if !hasText {
			missing = append(missing, name+".txt.tmpl (every email needs a plain-text part)")
		}
		return nil, []error{&Error{File: some.path, Msg: fmt.Sprintf("email %q has no %s", name, strings.Join(missing, " and no "))}}
	}
	var errs []error
	t := &emailTemplate{}
	t.subject = parseText(subject, &errs)
	t.text = parseText(text, &errs)
	if html, ok := files[partHTML]; ok {
		t.html = parseHTML(html, &errs)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	t.reads = readsOf(t.subject.Tree, t.text.Tree, htmlTree(t.html)) // before html/template rewrites its tree
	check(func(d Data) error { _, err := renderSubject(t.subject, d); return err }, &errs)
	check(func(d Data) error { _, err := renderBody(t.text, d); return err }, &errs)
	if t.html != nil {
		check(func(d Data) error { _, err := renderBody(t.html, d); return err }, &errs)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

// buildLetter parses and checks one letter template.
func buildLetter(f file) (*template.Template, error) {
	var errs []error
	t := parseText(f, &errs)
	if t != nil {
		check(func(d Data) error { _, err := renderLetter(t, d); return err }, &errs)
	}
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return t, nil
}

func parseText(f file, errs *[]error) *template.Template {
	t, err := parseStraight(f.path, f.text)
	if err != nil {
		*errs = append(*errs, err)
		return nil
	}
	return t
}

// parseStraight parses text as a text/template named name that passes straight.
func parseStraight(name, text string) (*template.Template, error) {
	if len(text) > MaxSource {
		return nil, &Error{File: name, Msg: fmt.Sprintf("larger than %d bytes", MaxSource)}
	}
	t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fileError(name, err)
	}
	if e := straight(name, t.Tree, len(t.Templates())); e != nil {
		return nil, e
	}
	return t, nil
}

func parseHTML(f file, errs *[]error) *htmltemplate.Template {
	if len(f.text) > MaxSource {
		*errs = append(*errs, &Error{File: f.path, Msg: fmt.Sprintf("larger than %d bytes", MaxSource)})
		return nil
	}
	t, err := htmltemplate.New(f.path).Funcs(htmltemplate.FuncMap(funcs)).Option("missingkey=error").Parse(f.text)
	if err != nil {
		*errs = append(*errs, fileError(f.path, err))
		return nil
	}
	if e := straight(f.path, t.Tree, len(t.Templates())); e != nil {
		*errs = append(*errs, e)
		return nil
	}
	return t
}

// check runs render against Sample() and then against empty data, so that
// both sides of an {{if}} or {{with}} on a merge field run at least once and a
// missing field, a bad call or an empty subject shows at load time, not when
// a touch is sent.
func check(render func(Data) error, errs *[]error) {
	if err := render(Sample()); err != nil {
		*errs = append(*errs, err)
		return
	}
	if err := render(Data{}); err != nil {
		e := *fileError("", err)
		e.Msg += " (with empty merge data: a contact, rep or business missing this field)"
		*errs = append(*errs, &e)
	}
}
