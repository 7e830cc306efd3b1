package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

var _ crm.LetterStore = (*Letters)(nil)

// Letters is the pile of printed letters in PostgreSQL: crm.LetterStore.
type Letters struct {
	pool *pgxpool.Pool
}

// NewLetters returns the pile kept in pool's database.
func NewLetters(pool *pgxpool.Pool) *Letters { return &Letters{pool: pool} }

// waiting selects the letters (l) not yet printed, emailed or purged.
const waiting = ` l.printed_at IS NULL AND l.purged_at IS NULL AND l.emailed_at IS NULL `

// notAWaitingLetter leaves out activity a when its letter waits in the pile:
// it is the managers' to print, not the rep's to do.
const notAWaitingLetter = ` AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.activity_id = a.id AND` + waiting + `)`

// letterColumns are the columns scanLetter reads, from letters l.
const letterColumns = `l.id, l.contact_id, coalesce(l.touch_id, 0), coalesce(l.activity_id, 0),
	coalesce(l.rep_id, 0), l.template, l.body, l.created_at, l.time_zone, l.to_name, l.to_company,
	l.street, l.city, l.region, l.postal_code, l.country, l.signer_name, l.signer_title,
	l.signer_phone, l.unmailable`

// letterTargets are the scan destinations of letterColumns.
func letterTargets(l *engine.Letter) []any {
	return []any{&l.ID, &l.ContactID, &l.TouchID, &l.ActivityID, &l.RepID, &l.Template, &l.Body,
		&l.CreatedAt, &l.TimeZone, &l.To.Name, &l.To.Company, &l.To.Street, &l.To.City, &l.To.Region,
		&l.To.PostalCode, &l.To.Country, &l.Signer.Name, &l.Signer.Title, &l.Signer.Phone, &l.Unmailable}
}

// scanLetter reads one row of letterColumns.
func scanLetter(row pgx.Row) (engine.Letter, error) {
	var l engine.Letter
	err := row.Scan(letterTargets(&l)...)
	l.CreatedAt = l.CreatedAt.UTC()
	return l, err
}

// filedSelect reads letterColumns, then the contact, the signing rep and
// the suppression of the contact's address, for scanFiled.
const filedSelect = `SELECT ` + letterColumns + `, coalesce(c.external_id, ''), c.email, c.first_name,
	c.last_name, coalesce(sr.username, ''), coalesce(sr.name, ''), coalesce(sr.email, ''), coalesce(s.reason, '')
	FROM letters l JOIN contacts c ON c.id = l.contact_id LEFT JOIN reps sr ON sr.id = l.rep_id
	LEFT JOIN suppressions s ON s.email = lower(btrim(c.email)) AND c.email <> '' `

// scanFiled reads one row of filedSelect.
func scanFiled(row pgx.Row) (engine.FiledLetter, error) {
	var f engine.FiledLetter
	c, r := &f.Contact, &f.Rep
	err := row.Scan(append(letterTargets(&f.Letter), &c.ExternalID, &c.Email, &c.FirstName, &c.LastName,
		&r.Username, &r.Name, &r.Email, &f.Suppressed)...)
	c.ID, r.ID = f.Letter.ContactID, f.Letter.RepID
	f.Letter.CreatedAt = f.Letter.CreatedAt.UTC()
	return f, err
}

// CreateLetter files a letter with its address snapshot and sets its ID. A
// zero CreatedAt means the database's time.
func (x *tx) CreateLetter(ctx context.Context, l *engine.Letter) error {
	a, s := l.To, l.Signer
	err := x.q.QueryRow(ctx, `INSERT INTO letters (contact_id, touch_id, activity_id, rep_id, template, body,
			created_at, time_zone, to_name, to_company, street, city, region, postal_code, country,
			signer_name, signer_title, signer_phone, unmailable)
		VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, now()), $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		RETURNING id, created_at`,
		l.ContactID, nullID(l.TouchID), nullID(l.ActivityID), nullID(l.RepID), l.Template, l.Body,
		nullTime(l.CreatedAt), l.TimeZone, a.Name, a.Company, a.Street, a.City, a.Region, a.PostalCode,
		a.Country, s.Name, s.Title, s.Phone, l.Unmailable).Scan(&l.ID, &l.CreatedAt)
	if err != nil {
		return fmt.Errorf("create letter %s for contact %d: %w", l.Template, l.ContactID, err)
	}
	l.CreatedAt = l.CreatedAt.UTC()
	return nil
}

// addressFixed holds when the contact (c) of an unmailable letter now has a
// street, a city and a postal code, as engine.MissingAddress reads them: the
// letter counts as pending and is refiled with that address.
const addressFixed = ` (c.street ~ '[^[:space:]]' AND c.city ~ '[^[:space:]]' AND c.postal_code ~ '[^[:space:]]') `

// refile is the one refiling of unmailable letters: it puts back on the
// pile, with the contact's address as it is now, the waiting unmailable
// letters (l) the SQL condition selects picks (with args) whose contact (c)
// now has a usable address, and notes it on their open activities. It locks
// the letters it refiles, skipping those another transaction holds, and
// says how many.
func refile(ctx context.Context, q querier, selects string, args ...any) (int, error) {
	var n int
	err := q.QueryRow(ctx, `WITH r AS (
			UPDATE letters l SET unmailable = '', street = c.street, city = c.city,
				region = c.region, postal_code = c.postal_code, country = c.country
			FROM contacts c WHERE c.id = l.contact_id AND l.id IN (
				SELECT l.id FROM letters l JOIN contacts c ON c.id = l.contact_id
				WHERE`+waiting+`AND l.unmailable <> '' AND`+addressFixed+`AND`+selects+`
				FOR UPDATE OF l SKIP LOCKED)
			RETURNING l.activity_id),
		a AS (UPDATE activities SET notes = `+appendNote(`'Address fixed: back on the pile to print'`)+`
			WHERE id IN (SELECT activity_id FROM r) AND status = 'open')
		SELECT count(*) FROM r`, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("refile letters: %w", err)
	}
	return n, nil
}

// Counts lists the waiting letters by kind, printable or not, of the
// contacts owner owns (0 for every contact). An unmailable letter whose
// contact's address was fixed counts as pending: Print refiles it.
// Counting changes nothing.
func (s *Letters) Counts(ctx context.Context, owner int64) ([]engine.LetterCount, error) {
	return collect(ctx, s.pool, "count letters", func(r pgx.Row) (engine.LetterCount, error) {
		var c engine.LetterCount
		err := r.Scan(&c.Kind, &c.Pending, &c.Unmailable, &c.Oldest)
		c.Oldest = c.Oldest.UTC()
		return c, err
	}, `SELECT l.template, count(*) FILTER (WHERE l.unmailable = '' OR`+addressFixed+`),
			count(*) FILTER (WHERE l.unmailable <> '' AND NOT`+addressFixed+`), min(l.created_at)
		FROM letters l JOIN contacts c ON c.id = l.contact_id WHERE`+waiting+`AND`+ownedBy+`
		GROUP BY l.template ORDER BY l.template`, owner)
}

// Unmailable lists the waiting letters without a usable address, of kind
// ("" for every kind) and of the contacts owner owns (0 for every contact),
// oldest first: not those whose contact's address was fixed since, which
// wait to be printed.
func (s *Letters) Unmailable(ctx context.Context, owner int64, kind string) ([]engine.FiledLetter, error) {
	return collect(ctx, s.pool, "unmailable letters", scanFiled, filedSelect+`WHERE`+waiting+`AND l.unmailable <> '' AND NOT`+addressFixed+`
		AND ($2 = '' OR l.template = $2) AND`+ownedBy+`ORDER BY l.created_at, l.id`, owner, kind)
}

// ownedBy selects the contacts (c) the rep $1 owns, or every contact when
// $1 is 0.
const ownedBy = ` ($1::bigint = 0 OR c.owner_id = $1) `

// Purge discards the waiting letters of kind and cancels their open
// activities, noting the reason.
func (s *Letters) Purge(ctx context.Context, kind, reason string, at time.Time) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `WITH p AS (
			UPDATE letters l SET purged_at = $3, purge_reason = $2 WHERE`+waiting+`AND l.template = $1
			RETURNING l.activity_id),
		a AS (UPDATE activities SET status = 'canceled', notes = `+appendNote("$4")+`
			WHERE id IN (SELECT activity_id FROM p) AND status = 'open')
		SELECT count(*) FROM p`, kind, reason, at, "Purged: "+reason).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("purge %s letters: %w", kind, err)
	}
	return n, nil
}

// appendNote is the SQL expression adding the text parameter p to an
// activity's notes, on a line of its own.
func appendNote(p string) string {
	return `CASE WHEN notes = '' THEN ` + p + ` ELSE notes || E'\n' || ` + p + ` END`
}

// finishActivity marks a letter's open activity done at at, noting how the
// letter left.
func finishActivity(ctx context.Context, q querier, activityIDs []int64, at time.Time, note string) error {
	_, err := q.Exec(ctx, `UPDATE activities SET status = 'done', completed_at = $2, notes = `+appendNote("$3")+`
		WHERE id = ANY($1) AND status = 'open'`, activityIDs, at, note)
	return err
}
