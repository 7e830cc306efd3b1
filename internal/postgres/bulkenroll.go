package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// bulkEnrollSQL enrolls every input row the rules allow and schedules its
// first touch, in one statement. Per (contact, track) only the first row
// counts. The latest enrollment (by start) decides: none → enroll; open →
// skip; ended → enroll when the policy is "" (chaining), or "after-exit" and
// it exited; "never" → skip. ON CONFLICT on the one-open-enrollment index
// covers enrollments that a concurrent transaction creates.
const bulkEnrollSQL = `WITH input AS (
	SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::timestamptz[],
		$6::timestamptz[], $7::text[], $8::int[], $9::text[], $10::text[], $11::timestamptz[], $12::text[])
		WITH ORDINALITY AS i(contact_id, track_id, track_version, state, anchor, started_at,
			reenroll, step_index, step_id, channel, due, touch_state, ord)
), first_of_pair AS (
	SELECT DISTINCT ON (contact_id, track_id) * FROM input ORDER BY contact_id, track_id, ord
), allowed AS (
	SELECT f.* FROM first_of_pair f
	LEFT JOIN LATERAL (
		SELECT e.state FROM enrollments e
		WHERE e.contact_id = f.contact_id AND e.track_id = f.track_id
		ORDER BY e.started_at DESC, e.id DESC LIMIT 1) latest ON true
	WHERE latest.state IS NULL
	   OR (latest.state NOT IN ('active', 'paused')
	       AND (f.reenroll = '' OR (f.reenroll = 'after-exit' AND latest.state = 'exited')))
), ins AS (
	INSERT INTO enrollments (contact_id, track_id, track_version, state, anchor, started_at)
	SELECT contact_id, track_id, track_version, state, anchor, started_at FROM allowed ORDER BY ord
	ON CONFLICT (contact_id, track_id) WHERE state IN ('active', 'paused') DO NOTHING
	RETURNING id, contact_id, track_id
), first_touches AS (
	INSERT INTO touches (enrollment_id, contact_id, track_id, track_version, step_index, step_id,
		channel, due, state)
	SELECT ins.id, a.contact_id, a.track_id, a.track_version, a.step_index, a.step_id,
		a.channel, a.due, a.touch_state
	FROM ins JOIN allowed a USING (contact_id, track_id)
)
SELECT count(*) FROM ins`

// bulkColumns holds BulkEnroll's input as one array per column.
type bulkColumns struct {
	contactID                   []int64
	trackID, state, reenroll    []string
	version, stepIndex          []int
	anchor, startedAt, due      []time.Time
	stepID, channel, touchState []string
}

// BulkEnroll creates each enrollment with its first touch in one statement,
// skipping those the rules refuse: an open enrollment on the track exists, or
// the latest one ended and the policy (Reenroll) forbids a new one: "never"
// always, "after-exit" unless it exited; "" (chaining) allows it. Only the
// first of several entries for one contact and track counts. It returns how
// many enrollments it created.
func (s *Store) BulkEnroll(ctx context.Context, es []engine.NewEnrollment) (int, error) {
	if len(es) == 0 {
		return 0, nil
	}
	cols, err := columnsOf(es)
	if err != nil {
		return 0, fmt.Errorf("bulk enroll: %w", err)
	}
	var n int
	err = s.pool.QueryRow(ctx, bulkEnrollSQL, cols.contactID, cols.trackID, cols.version, cols.state,
		cols.anchor, cols.startedAt, cols.reenroll, cols.stepIndex, cols.stepID, cols.channel,
		cols.due, cols.touchState).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("bulk enroll %d contacts: %w", len(es), err)
	}
	return n, nil
}

// columnsOf checks the entries and turns them into columns.
func columnsOf(es []engine.NewEnrollment) (bulkColumns, error) {
	c := bulkColumns{}
	for i, ne := range es {
		e, t := ne.Enrollment, ne.First
		if e.State == "" {
			e.State = engine.EnrollmentActive
		}
		if t.State == "" {
			t.State = engine.TouchScheduled
		}
		switch {
		case !e.State.Open():
			return c, fmt.Errorf("entry %d (contact %d): a new enrollment cannot be %s", i, e.ContactID, e.State)
		case ne.Reenroll != "" && ne.Reenroll != string(tracks.ReenrollNever) && ne.Reenroll != string(tracks.ReenrollAfterExit):
			return c, fmt.Errorf("entry %d (contact %d): unknown reenroll policy %q", i, e.ContactID, ne.Reenroll)
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
	}
	return c, nil
}
