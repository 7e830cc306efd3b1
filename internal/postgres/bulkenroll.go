package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
	"github.com/jackc/pgx/v5"
)

// bulkEnrollSQL enrolls every input row the rules allow and schedules its
// first touch, in one statement. The latest enrollment (by start) on the
// track decides: none → enroll; open → skip; ended → enroll when the policy
// is "" (chaining) or "after-end", or "after-exit" and it exited; "never" → skip. ON
// CONFLICT on the one-open-enrollment index covers enrollments that a
// concurrent transaction creates.
const bulkEnrollSQL = `WITH input AS (
	SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::timestamptz[],
		$6::timestamptz[], $7::text[], $8::int[], $9::text[], $10::text[], $11::timestamptz[], $12::text[],
		$13::text[], $14::timestamptz[], $15::text[], $16::text[])
		AS i(contact_id, track_id, track_version, state, anchor, started_at,
			reenroll, step_index, step_id, channel, due, touch_state,
			event_name, event_at, event_item, event_amount)
), allowed AS (
	SELECT i.* FROM input i
	LEFT JOIN LATERAL (
		SELECT e.state FROM enrollments e
		WHERE e.contact_id = i.contact_id AND e.track_id = i.track_id
		ORDER BY e.started_at DESC, e.id DESC LIMIT 1) latest ON true
	WHERE latest.state IS NULL
	   OR (latest.state NOT IN ('active', 'paused')
	       AND (i.reenroll IN ('', 'after-end') OR (i.reenroll = 'after-exit' AND latest.state = 'exited')))
), ins AS (
	INSERT INTO enrollments (contact_id, track_id, track_version, state, anchor, started_at,
		event_name, event_at, event_item, event_amount)
	SELECT contact_id, track_id, track_version, state, anchor, started_at,
		event_name, event_at, event_item, event_amount FROM allowed
	ON CONFLICT (contact_id, track_id) WHERE state IN ('active', 'paused') DO NOTHING
	RETURNING id, contact_id, track_id
), first_touches AS (
	INSERT INTO touches (enrollment_id, contact_id, track_id, track_version, step_index, step_id,
		channel, due, state)
	SELECT ins.id, a.contact_id, a.track_id, a.track_version, a.step_index, a.step_id,
		a.channel, a.due, a.touch_state
	FROM ins JOIN allowed a USING (contact_id, track_id)
)
SELECT contact_id, track_id FROM ins`

// bulkChunk is how many entries go in one statement: small enough that the
// server keeps each statement's rows in memory (work_mem).
const bulkChunk = 10_000

// bulkColumns holds BulkEnroll's input as one array per column.
type bulkColumns struct {
	contactID                   []int64
	trackID, state, reenroll    []string
	version, stepIndex          []int
	anchor, startedAt, due      []time.Time
	stepID, channel, touchState []string
	eventName, eventItem        []string
	eventAmount                 []string
	eventAt                     []*time.Time
}

// BulkEnroll creates each enrollment with its first touch, skipping those the
// rules refuse: an open enrollment on the track exists, or the latest one
// ended and the policy (Reenroll) forbids a new one: "never" always,
// "after-exit" unless it exited; "" (chaining) allows it. Only the first of
// several entries for one contact and track counts. Everything happens in one
// transaction and one round trip, a statement per 10,000 entries. It returns
// how many enrollments it created.
func (s *Store) BulkEnroll(ctx context.Context, es []engine.NewEnrollment) (int, error) {
	var created []bool
	err := inTx(ctx, s.pool, func(_ pgx.Tx, x *tx) error {
		var err error
		created, err = x.EnrollAll(ctx, es)
		return err
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ok := range created {
		if ok {
			n++
		}
	}
	return n, nil
}

// EnrollAll is BulkEnroll inside this transaction; created[i] reports
// whether es[i] was made.
func (x *tx) EnrollAll(ctx context.Context, es []engine.NewEnrollment) ([]bool, error) {
	created := make([]bool, len(es))
	chunks, err := chunksOf(es)
	if err != nil {
		return nil, fmt.Errorf("bulk enroll: %w", err)
	}
	if len(chunks) == 0 {
		return created, nil
	}
	at := make(map[enrollKey]int, len(es)) // the entry each contact and track stands for
	for i := len(es) - 1; i >= 0; i-- {
		at[enrollKey{es[i].Enrollment.ContactID, es[i].Enrollment.TrackID}] = i
	}
	b := &pgx.Batch{}
	// A generic plan, blind to the arrays' sizes, may join the chunk's
	// rows in a nested loop: quadratic. Plan each chunk for its data.
	b.Queue("SET LOCAL plan_cache_mode = force_custom_plan")
	for _, c := range chunks {
		b.Queue(bulkEnrollSQL, c.contactID, c.trackID, c.version, c.state, c.anchor, c.startedAt,
			c.reenroll, c.stepIndex, c.stepID, c.channel, c.due, c.touchState,
			c.eventName, c.eventAt, c.eventItem, c.eventAmount).
			Query(func(rows pgx.Rows) error {
				var k enrollKey
				_, err := pgx.ForEachRow(rows, []any{&k.contact, &k.track}, func() error {
					created[at[k]] = true
					return nil
				})
				return err
			})
	}
	if err := x.q.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("bulk enroll %d contacts: %w", len(es), err)
	}
	return created, nil
}

// enrollKey is a contact and a track: one open enrollment at most.
type enrollKey struct {
	contact int64
	track   string
}

// chunksOf checks the entries, drops all but the first for each contact and
// track, and turns them into columns, bulkChunk entries at a time.
func chunksOf(es []engine.NewEnrollment) ([]bulkColumns, error) {
	seen := make(map[enrollKey]bool, len(es))
	var chunks []bulkColumns
	for i, ne := range es {
		if err := checkEntry(ne); err != nil {
			return nil, fmt.Errorf("entry %d (contact %d): %w", i, ne.Enrollment.ContactID, err)
		}
		p := enrollKey{ne.Enrollment.ContactID, ne.Enrollment.TrackID}
		if seen[p] {
			continue
		}
		seen[p] = true
		if len(chunks) == 0 || len(chunks[len(chunks)-1].contactID) == bulkChunk {
			chunks = append(chunks, bulkColumns{})
		}
		chunks[len(chunks)-1].add(ne)
	}
	return chunks, nil
}

func checkEntry(ne engine.NewEnrollment) error {
	if st := ne.Enrollment.State; st != "" && !st.Open() {
		return fmt.Errorf("a new enrollment cannot be %s", st)
	}
	switch tracks.Reenroll(ne.Reenroll) {
	case "", tracks.ReenrollNever, tracks.ReenrollAfterExit, tracks.ReenrollAfterEnd:
		return nil
	}
	return fmt.Errorf("unknown reenroll policy %q", ne.Reenroll)
}

// add appends one entry; empty states mean active and scheduled.
func (c *bulkColumns) add(ne engine.NewEnrollment) {
	e, t := ne.Enrollment, ne.First
	if e.State == "" {
		e.State = engine.EnrollmentActive
	}
	if t.State == "" {
		t.State = engine.TouchScheduled
	}
	c.contactID = append(c.contactID, e.ContactID)
	c.trackID = append(c.trackID, e.TrackID)
	c.version = append(c.version, e.TrackVersion)
	c.state = append(c.state, string(e.State))
	c.anchor = append(c.anchor, e.Anchor)
	c.startedAt = append(c.startedAt, e.StartedAt)
	c.reenroll = append(c.reenroll, ne.Reenroll)
	c.stepIndex = append(c.stepIndex, t.StepIndex)
	c.stepID = append(c.stepID, t.StepID)
	c.channel = append(c.channel, string(t.Channel))
	c.due = append(c.due, t.Due)
	c.touchState = append(c.touchState, string(t.State))
	ev := e.Trigger
	c.eventName, c.eventItem, c.eventAmount = append(c.eventName, ev.Name), append(c.eventItem, ev.Item), append(c.eventAmount, ev.Amount)
	c.eventAt = append(c.eventAt, nullTime(ev.At))
}
