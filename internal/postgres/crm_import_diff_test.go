package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dripline/dripline/internal/crm"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestImportInBatchesAsInPieces imports random contacts files two ways into
// two databases holding the same contacts: whole, a few rows a batch (so
// that two batches are at the store at once), and one Import a batch's
// rows, one after the other. The contacts, companies, reps, enrollments and
// counts must come out the same.
func TestImportInBatchesAsInPieces(t *testing.T) {
	t.Parallel()
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			importBothWays(t, seed, 4)
		})
	}
}

// importBothWays imports the same population into two fresh databases,
// then rounds random files, each whole into one and in pieces into the
// other, comparing the two after each.
func importBothWays(t *testing.T, seed uint64, rounds int) {
	ctx := context.Background()
	g := newContactsGen(seed)
	var stores [2]*crm.Service
	var pools [2]*pgxpool.Pool
	for i := range stores { // a file, or a piece of one, is one batch
		stores[i], pools[i] = crmSetup(t, func(o *crm.Options) { o.ImportBatch = 1000 })
	}
	header, population := g.file(14, 14)
	for i, s := range stores {
		if res, err := s.Import(ctx, crm.System, "population.csv", strings.NewReader(csvFile(header, population))); err != nil || len(res.Errors) > 0 {
			t.Fatalf("population into database %d = %+v, %v", i, res, err)
		}
	}
	for round := range rounds {
		k := 2 + g.r.IntN(4)
		header, rows := g.file(24+g.r.IntN(12), k)
		whole := importWhole(t, pools[0], header, rows, k)
		pieces := importPieces(t, stores[1], header, rows, k)
		if whole != pieces {
			t.Errorf("created, updated, unchanged, events, enrolled, exited: whole %v, in pieces %v", whole, pieces)
		}
		for _, q := range importDiffQueries {
			if a, b := queryColumn[string](t, pools[0], q), queryColumn[string](t, pools[1], q); !slices.Equal(a, b) {
				t.Errorf("%s\n%s", q, lineDiff(a, b))
			}
		}
		if t.Failed() {
			t.Fatalf("seed %d, round %d, %d rows a batch, file:\n%s", seed, round, k, csvFile(header, rows))
		}
	}
	if n := countRows(t, pools[0], `SELECT count(*) FROM (SELECT FROM contacts WHERE email <> ''
		GROUP BY lower(email) HAVING count(*) > 1) s`); n == 0 {
		t.Error("no two contacts share an email: the files test little")
	}
	if n := countRows(t, pools[0], `SELECT count(*) FROM contacts WHERE email = ''`); n == 0 {
		t.Error("no contact lost its email: the files test little")
	}
}

// importWhole imports the file in one Import, k rows a batch, through a
// service of its own on the database.
func importWhole(t *testing.T, pool *pgxpool.Pool, header string, rows []string, k int) importCounts {
	t.Helper()
	s, _ := crmOn(t, pool, func(s crm.Store) crm.Store { return s }, func(o *crm.Options) { o.ImportBatch = k })
	res, err := s.Import(context.Background(), crm.System, "whole.csv", strings.NewReader(csvFile(header, rows)))
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("whole import = %+v, %v", res, err)
	}
	return countsOf(res)
}

// importPieces imports the file one Import each k rows, and sums the
// counts.
func importPieces(t *testing.T, s *crm.Service, header string, rows []string, k int) importCounts {
	t.Helper()
	var sum importCounts
	for piece := range slices.Chunk(rows, k) {
		res, err := s.Import(context.Background(), crm.System, "piece.csv", strings.NewReader(csvFile(header, piece)))
		if err != nil || len(res.Errors) > 0 {
			t.Fatalf("piece import = %+v, %v", res, err)
		}
		for i, n := range countsOf(res) {
			sum[i] += n
		}
	}
	return sum
}

// importCounts are an ImportResult's counts: created, updated, unchanged,
// events, enrolled, exited.
type importCounts [6]int

// countsOf returns r's counts.
func countsOf(r crm.ImportResult) importCounts {
	return importCounts{r.Created, r.Updated, r.Unchanged, r.Events, r.Enrolled, r.Exited}
}

// importDiffQueries read what an import leaves, in an order both ways
// share: contacts (with their company's and owner's names) by id, the
// companies and reps by id, the enrollments by contact.
var importDiffQueries = []string{
	`SELECT concat_ws(' | ', coalesce(c.external_id, '-'), c.email, c.first_name, c.last_name, c.company,
		coalesce(co.name, '-'), coalesce(r.username, '-'), c.phone, c.status, c.custom::text)
	FROM contacts c LEFT JOIN companies co ON co.id = c.company_id LEFT JOIN reps r ON r.id = c.owner_id
	ORDER BY c.id`,
	`SELECT name FROM companies ORDER BY id`,
	`SELECT username FROM reps ORDER BY id`,
	`SELECT concat_ws(' | ', coalesce(c.external_id, '-'), c.email, e.track_id, e.state)
	FROM enrollments e JOIN contacts c ON c.id = e.contact_id ORDER BY c.id, e.id`,
}

// lineDiff shows the lines where whole and pieces differ, by position.
func lineDiff(whole, pieces []string) string {
	var sb strings.Builder
	for i := range max(len(whole), len(pieces)) {
		a, b := "(none)", "(none)"
		if i < len(whole) {
			a = whole[i]
		}
		if i < len(pieces) {
			b = pieces[i]
		}
		if a != b {
			fmt.Fprintf(&sb, "line %d:\n\twhole:     %s\n\tin pieces: %s\n", i+1, a, b)
		}
	}
	return sb.String()
}

// csvFile joins a header and rows into a file.
func csvFile(header string, rows []string) string {
	return header + "\n" + strings.Join(rows, "\n") + "\n"
}

// contactsGen makes random contacts files whose rows often find the same
// contacts: a few emails in varying case, external_ids from a small pool
// used again from file to file, owners and companies from small pools. A
// row often echoes an earlier one's email a batch or so later: the address
// a contact was just given, or the one it was just moved off.
type contactsGen struct {
	r       *rand.Rand
	emails  []string          // the addresses rows reuse; grows
	ids     int               // the external_ids x0 … x(ids-1) are in use
	emailOf map[string]string // the email each external_id was last given, lower-case
}

// echo is a row to come without an external_id: its email and its index.
type echo struct {
	row   int
	email string
}

// newContactsGen makes the generator of seed.
func newContactsGen(seed uint64) *contactsGen {
	g := &contactsGen{r: rand.New(rand.NewPCG(seed, 0x1d1f)), emailOf: map[string]string{}}
	for i := range 5 {
		g.emails = append(g.emails, fmt.Sprintf("p%d@example.com", i))
	}
	return g
}

// file makes a file of n rows for batches of k: its header (external_id,
// email and a random choice of the other columns) and rows.
func (g *contactsGen) file(n, k int) (string, []string) {
	cols := []string{"external_id", "email"}
	for _, col := range []string{"first_name", "last_name", "company", "owner", "phone", "tier"} {
		if g.r.IntN(4) > 0 {
			cols = append(cols, col)
		}
	}
	used := map[string]bool{}
	var echoes []echo
	rows := make([]string, n)
	for i := range rows {
		if j := slices.IndexFunc(echoes, func(e echo) bool { return e.row <= i }); j >= 0 {
			rows[i] = g.row(cols, "", g.mixCase(echoes[j].email))
			echoes = slices.Delete(echoes, j, j+1)
			continue
		}
		id, email, echoed := g.next(used)
		if echoed != "" && g.r.IntN(3) > 0 { // in the next batch
			echoes = append(echoes, echo{(i/k+1)*k + g.r.IntN(k), echoed})
		}
		rows[i] = g.row(cols, id, email)
	}
	return strings.Join(cols, ","), rows
}

// next picks a row's external_id (blank for none) and email, and the email
// a later row might echo.
func (g *contactsGen) next(used map[string]bool) (id, email, echoed string) {
	if g.r.IntN(2) == 0 {
		email, fresh := g.email()
		if fresh {
			echoed = email
		}
		return "", email, echoed
	}
	id = g.externalID(used)
	old := g.emailOf[id]
	switch {
	case old != "" && g.r.IntN(3) == 0: // moves the address off, to a new one or none
		echoed = old
		if g.r.IntN(2) == 0 {
			email = g.fresh()
		}
	case g.r.IntN(6) > 0:
		var fresh bool
		if email, fresh = g.email(); fresh {
			echoed = email
		}
	}
	g.emailOf[id] = strings.ToLower(email)
	return id, email, echoed
}

// row joins a row's cells, picking those of the other columns.
func (g *contactsGen) row(cols []string, id, email string) string {
	cells := make([]string, len(cols))
	for i, col := range cols {
		switch col {
		case "external_id":
			cells[i] = id
		case "email":
			cells[i] = email
		default:
			cells[i] = g.pick(importDiffValues[col])
		}
	}
	return strings.Join(cells, ",")
}

// importDiffValues are the values of the other columns, blank among them.
var importDiffValues = map[string][]string{
	"first_name": {"Ann", "Bo", "Cy", ""},
	"last_name":  {"Lee", "Moe", ""},
	"company":    {"Acme", "ACME", "Globex", "Initech", ""},
	"owner":      {"alice", "bob", "carol", ""},
	"phone":      {"555-0100", "555-0101", ""},
	"tier":       {"gold", "silver", ""},
}

// externalID picks an external_id the file has not used: mostly one in use
// already, else a new one.
func (g *contactsGen) externalID(used map[string]bool) string {
	for range 4 {
		if g.ids == 0 || g.r.IntN(3) == 0 {
			break
		}
		if id := fmt.Sprint("x", g.r.IntN(g.ids)); !used[id] {
			used[id] = true
			return id
		}
	}
	id := fmt.Sprint("x", g.ids)
	g.ids++
	used[id] = true
	return id
}

// email picks an email, in random case: a new one at times (fresh), else
// mostly a recent one.
func (g *contactsGen) email() (email string, fresh bool) {
	if g.r.IntN(10) < 4 {
		return g.fresh(), true
	}
	i := len(g.emails) - 1 - g.r.IntN(min(len(g.emails), 6))
	if g.r.IntN(3) == 0 {
		i = g.r.IntN(len(g.emails))
	}
	return g.mixCase(g.emails[i]), false
}

// fresh makes a new email, in random case.
func (g *contactsGen) fresh() string {
	g.emails = append(g.emails, fmt.Sprintf("n%d@example.com", len(g.emails)))
	return g.mixCase(g.emails[len(g.emails)-1])
}

// mixCase upper-cases some letters of s.
func (g *contactsGen) mixCase(s string) string {
	b, up := []byte(s), strings.ToUpper(s) // ASCII: the same length
	for i := range b {
		if g.r.IntN(4) == 0 {
			b[i] = up[i]
		}
	}
	return string(b)
}

// pick picks one of vs.
func (g *contactsGen) pick(vs []string) string {
	return vs[g.r.IntN(len(vs))]
}
