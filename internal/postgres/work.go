package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dripline/dripline/engine"
)

// Work implements engine.Store: WorkAll for one touch, ErrNotFound when its
// enrollment or contact is gone.
func (s *Store) Work(ctx context.Context, t engine.Touch) (engine.Work, error) {
	ws, err := s.WorkAll(ctx, []engine.Touch{t})
	if err != nil {
		return engine.Work{}, err
	}
	w, ok := ws[t.ID]
	if !ok {
		return engine.Work{}, fmt.Errorf("work for touch %d: %w", t.ID, engine.ErrNotFound)
	}
	return w, nil
}

// Queries reading many rows by id, as WorkAll and the Tx's batch readers
// use them: $1 is the array of ids.
const (
	enrollmentsByID = `SELECT ` + enrollmentColumns + ` FROM enrollments e WHERE e.id = ANY($1)`
	contactsByID    = `SELECT ` + contactColumns + contactsFrom + `WHERE c.id = ANY($1)`
)

// WorkAll implements engine.Store: the enrollments, the contacts, their
// owners and their addresses' suppressions go to the server as one batch of
// four queries, one round trip for every touch.
func (s *Store) WorkAll(ctx context.Context, ts []engine.Touch) (map[int64]engine.Work, error) {
	enrollments, contacts := make([]int64, len(ts)), make([]int64, len(ts))
	for i, t := range ts {
		enrollments[i], contacts[i] = t.EnrollmentID, t.ContactID
	}
	var (
		ens        []engine.Enrollment
		cs         []engine.Contact
		reps       []engine.Rep
		suppressed []contactReason
	)
	b := &pgx.Batch{}
	queueCollect(b, &ens, scanEnrollment, enrollmentsByID, enrollments)
	queueCollect(b, &cs, scanContact, contactsByID, contacts)
	queueCollect(b, &reps, scanRep, `SELECT `+repColumns+` FROM reps r
		WHERE r.id IN (SELECT c.owner_id FROM contacts c WHERE c.id = ANY($1))`, contacts)
	queueCollect(b, &suppressed, scanContactReason, `SELECT c.id, s.reason FROM suppressions s
		JOIN contacts c ON s.email = lower(btrim(c.email)) WHERE c.id = ANY($1) AND c.email <> ''`, contacts)
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("work for %d touches: %w", len(ts), err)
	}
	return assembleWork(ts, ens, cs, reps, suppressed), nil
}

// assembleWork puts together each touch's work from the rows WorkAll read,
// leaving out the touches whose enrollment or contact was not among them.
func assembleWork(ts []engine.Touch, ens []engine.Enrollment, cs []engine.Contact, reps []engine.Rep, suppressed []contactReason) map[int64]engine.Work {
	enByID := byID(ens, func(e engine.Enrollment) int64 { return e.ID })
	cByID := byID(cs, func(c engine.Contact) int64 { return c.ID })
	repByID := byID(reps, func(r engine.Rep) int64 { return r.ID })
	why := make(map[int64]string, len(suppressed))
	for _, s := range suppressed {
		why[s.contact] = s.reason
	}
	out := make(map[int64]engine.Work, len(ts))
	for _, t := range ts {
		en, ok := enByID[t.EnrollmentID]
		c, ok2 := cByID[t.ContactID]
		if ok && ok2 {
			out[t.ID] = engine.Work{Enrollment: en, Contact: c, Owner: repByID[c.OwnerID], Suppressed: why[c.ID]}
		}
	}
	return out
}

// contactReason is a contact's id with a reason, such as why its address is suppressed.
type contactReason struct {
	contact int64
	reason  string
}

func scanContactReason(row pgx.Row) (contactReason, error) {
	var r contactReason
	err := row.Scan(&r.contact, &r.reason)
	return r, err
}

// byID indexes rows by the id that id reads off each.
func byID[T any](rows []T, id func(T) int64) map[int64]T {
	out := make(map[int64]T, len(rows))
	for _, r := range rows {
		out[id(r)] = r
	}
	return out
}

// queueCollect queues sql on b; when the batch runs, the rows it returns,
// read by scan, go to *out.
func queueCollect[T any](b *pgx.Batch, out *[]T, scan func(pgx.Row) (T, error), sql string, args ...any) {
	b.Queue(sql, args...).Query(func(rows pgx.Rows) (err error) {
		*out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
		return err
	})
}

// EnrollmentsByID implements engine.Tx.
func (x *tx) EnrollmentsByID(ctx context.Context, ids []int64) (map[int64]engine.Enrollment, error) {
	ens, err := collect(ctx, x.q, "read enrollments", scanEnrollment, enrollmentsByID, ids)
	if err != nil {
		return nil, err
	}
	return byID(ens, func(e engine.Enrollment) int64 { return e.ID }), nil
}

// FinishAllClaimed implements engine.Tx in one statement.
func (x *tx) FinishAllClaimed(ctx context.Context, fs []engine.ClaimedFinish, at time.Time) ([]bool, error) {
	var (
		ids                        = make([]int64, len(fs))
		attempts                   = make([]int32, len(fs))
		states, reasons, messageID = make([]string, len(fs)), make([]string, len(fs)), make([]string, len(fs))
	)
	for i, f := range fs {
		if !f.State.Final() {
			return nil, fmt.Errorf("finish touch %d: %q is not a final state", f.ID, f.State)
		}
		ids[i], attempts[i], states[i], reasons[i], messageID[i] = f.ID, int32(f.Attempt), string(f.State), f.Reason, f.MessageID
	}
	rows, err := x.q.Query(ctx, `UPDATE touches AS t
		SET state = u.state, reason = u.reason, finished_at = $6, lease_until = NULL,
			message_id = coalesce(nullif(u.message_id, ''), t.message_id)
		FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[]) AS u(id, attempt, state, reason, message_id)
		WHERE t.id = u.id AND t.state = 'running' AND t.attempts = u.attempt
		RETURNING t.id`, ids, attempts, states, reasons, messageID, at)
	if err != nil {
		return nil, fmt.Errorf("finish %d touches: %w", len(fs), err)
	}
	done, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("finish %d touches: %w", len(fs), err)
	}
	finished := make(map[int64]bool, len(done))
	for _, id := range done {
		finished[id] = true
	}
	ok := make([]bool, len(fs))
	for i, f := range fs {
		ok[i] = finished[f.ID]
	}
	return ok, nil
}
