package httpapi

import (
	"net/http"

	"github.com/dripline/dripline/internal/crm"
)

// Routes lists the patterns of every endpoint New registers, so the tests
// can check each one has an entry in their tables.
func Routes() []string {
	var rec patterns
	(&api{letters: &crm.Letters{}, reports: &crm.Reports{}}).routes(&rec)
	return rec
}

// patterns is a router noting the patterns registered.
type patterns []string

func (p *patterns) HandleFunc(pattern string, _ func(http.ResponseWriter, *http.Request)) {
	*p = append(*p, pattern)
}
