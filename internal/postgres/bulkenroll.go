package postgres

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// bulkEnrollSQL enrolls every input row the rules allow. The latest
// enrollment (by start) on the track decides: none → enroll; open → skip;
// ended → enroll when the policy is "" (chaining) or "after-end", or
// "after-exit" and it exited; "never" → skip. ON CONFLICT on the
// one-open-enrollment index covers enrollments that a concurrent transaction
// creates. Nothing joins the inserted rows afterwards: the planner, blind to
// how many the lookup lets through, once joined them to the input in a
// nested loop, quadratic in the chunk (600 µs a row at 10,000).
const bulkEnrollSQL = `INSERT INTO enrollments (contact_id, track_id, track_version, state, anchor, started_at,
	event_name, event_at, event_item, event_amount)
SELECT i.contact_id, i.track_id, i.track_version, i.state, i.anchor, i.started_at,
	i.event_name, i.event_at, i.event_item, i.event_amount
FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::timestamptz[],
	$6::timestamptz[], $7::text[], $8::text[], $9::timestamptz[], $10::text[], $11::text[])
	AS i(contact_id, track_id, track_version, state, anchor, started_at,
		reenroll, event_name, event_at, event_item, event_amount)
LEFT JOIN LATERAL (
	SELECT e.state FROM enrollments e
	WHERE e.contact_id = i.contact_id AND e.track_id = i.track_id
	ORDER BY e.started_at DESC, e.id DESC LIMIT 1) latest ON true
WHERE latest.state IS NULL
   OR (latest.state NOT IN ('active', 'paused')
       AND (i.reenroll IN ('', 'after-end') OR (i.reenroll = 'after-exit' AND latest.state = 'exited')))
ON CONFLICT (contact_id, track_id) WHERE state IN ('active', 'paused') DO NOTHING
RETURNING id, contact_id, track_id`

// firstTouchColumns are the columns of touches the first touches of the
// enrollments bulkEnrollSQL created are copied into (binary COPY: a
// microsecond of the server's CPU a row less than INSERT … SELECT unnest).
// The statement trigger touches_refs_inserted checks them as it checks an
// INSERT's rows.
var firstTouchColumns = []string{"enrollment_id", "contact_id", "track_id", "track_version", "step_index",
	"step_id", "channel", "due", "state"}

// bulkChunk is how many entries go in one statement: small enough that the
// server keeps each statement's rows in memory (work_mem).
const bulkChunk = 10_000

// BulkEnroll creates each enrollment with its first touch, skipping those the
// rules refuse: an open enrollment on the track exists, or the latest one
// ended and the policy (Reenroll) forbids a new one: "never" always,
// "after-exit" unless it exited; "" (chaining) allows it. Only the first of
// several entries for one contact and track counts. Everything happens in one
// transaction, a statement and a COPY per 10,000 entries. It returns how many
// enrollments it created.
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
	for i, ne := range es {
		if err := checkEntry(ne); err != nil {
			return nil, fmt.Errorf("bulk enroll: entry %d (contact %d): %w", i, ne.Enrollment.ContactID, err)
		}
	}
	if len(es) == 0 { // events that enroll nobody: no round trip
		return created, nil
	}
	at := make(map[enrollKey]int, len(es)) // the entry each contact and track stands for
	for i := len(es) - 1; i >= 0; i-- {
		at[enrollKey{es[i].Enrollment.ContactID, es[i].Enrollment.TrackID}] = i
	}
	// A chunk's estimated cost crosses jit_above_cost, and compiling it
	// took 0.6 s, longer than running it. (Each chunk is sent unnamed, so
	// it is planned for its own arrays.) The setting lasts to the end of the
	// caller's transaction.
	if _, err := x.q.Exec(ctx, "SET LOCAL jit = off"); err != nil {
		return nil, fmt.Errorf("bulk enroll: %w", err)
	}
	conn, ok := x.q.(interface{ Conn() *pgx.Conn })
	if !ok {
		return nil, fmt.Errorf("bulk enroll: %T is not a connection's transaction", x.q)
	}
	done := make(chan struct{})
	defer close(done)
	for ch := range encodeChunks(es, at, done) {
		if ch.err == nil {
			ch.err = x.enrollChunk(ctx, conn.Conn().PgConn(), ch.params, es, at, created)
		}
		if ch.err != nil {
			return nil, fmt.Errorf("bulk enroll %d contacts: %w", len(es), ch.err)
		}
	}
	return created, nil
}

// encodedChunk is one chunk of entries as bulkEnrollSQL's arguments,
// encoded in binary.
type encodedChunk struct {
	params [][]byte
	err    error
}

// encodeChunks gathers the entries of es that count (at) in chunks of
// bulkChunk and encodes each for bulkEnrollSQL in a goroutine of its own:
// the next chunk is ready while the server works on this one. It stops
// after an error or when done is closed; a panic is an error.
func encodeChunks(es []engine.NewEnrollment, at map[enrollKey]int, done <-chan struct{}) <-chan encodedChunk {
	out := make(chan encodedChunk, 1)
	go func() {
		defer close(out)
		defer func() {
			if r := recover(); r != nil {
				select {
				case out <- encodedChunk{err: fmt.Errorf("encoding a chunk panicked: %v", r)}:
				case <-done:
				}
			}
		}()
		m := pgtype.NewMap() // a Map is not safe for concurrent use: the connection's is the caller's
		var c bulkColumns
		for lo := 0; lo < len(es); {
			c.reset()
			for ; lo < len(es) && len(c.contactID) < bulkChunk; lo++ {
				if at[enrollKey{es[lo].Enrollment.ContactID, es[lo].Enrollment.TrackID}] == lo {
					c.add(es[lo])
				}
			}
			if len(c.contactID) == 0 { // the rest were later entries for contacts already seen
				return
			}
			var ch encodedChunk
			ch.params, ch.err = c.encode(m)
			select {
			case out <- ch:
			case <-done:
				return
			}
			if ch.err != nil {
				return
			}
		}
	}()
	return out
}

// The types of bulkEnrollSQL's parameters, and the binary formats of them
// and of its results: written out, so that a goroutine can encode a chunk
// off the connection and the statement goes unnamed (the store keeps no
// prepared statement of its own; see TestStoreAfterDiscardAll).
var (
	bulkParamOIDs = []uint32{pgtype.Int8ArrayOID, pgtype.TextArrayOID, pgtype.Int4ArrayOID, pgtype.TextArrayOID,
		pgtype.TimestamptzArrayOID, pgtype.TimestamptzArrayOID, pgtype.TextArrayOID, pgtype.TextArrayOID,
		pgtype.TimestamptzArrayOID, pgtype.TextArrayOID, pgtype.TextArrayOID}
	bulkParamFormats  = slices.Repeat([]int16{pgtype.BinaryFormatCode}, len(bulkParamOIDs))
	bulkResultFormats = slices.Repeat([]int16{pgtype.BinaryFormatCode}, 3)
)

// enrollChunk runs bulkEnrollSQL with a chunk's encoded arguments, then
// copies in the first touches of the enrollments it created.
func (x *tx) enrollChunk(ctx context.Context, pg *pgconn.PgConn, params [][]byte, es []engine.NewEnrollment, at map[enrollKey]int, created []bool) error {
	rr := pg.ExecParams(ctx, bulkEnrollSQL, params, bulkParamOIDs, bulkParamFormats, bulkResultFormats)
	var t firstTouches
	for rr.NextRow() {
		v := rr.Values() // id, contact_id, track_id
		if len(v[0]) != 8 || len(v[1]) != 8 {
			rr.Close()
			return fmt.Errorf("bulk enroll: unexpected result row")
		}
		i := at[enrollKey{int64(binary.BigEndian.Uint64(v[1])), string(v[2])}]
		created[i] = true
		t.add(int64(binary.BigEndian.Uint64(v[0])), es[i])
	}
	if _, err := rr.Close(); err != nil || len(t.enrollmentID) == 0 {
		return err
	}
	_, err := x.q.CopyFrom(ctx, pgx.Identifier{"touches"}, firstTouchColumns, &t)
	return err
}

// bulkColumns holds a chunk of BulkEnroll's enrollments as one array per
// column.
type bulkColumns struct {
	contactID                         []int64
	trackID, state, reenroll          []string
	version                           []int
	anchor, startedAt                 []time.Time
	eventName, eventItem, eventAmount []string
	eventAt                           []*time.Time
}

// encode encodes the columns in binary as bulkEnrollSQL's arguments.
func (c *bulkColumns) encode(m *pgtype.Map) ([][]byte, error) {
	args := []any{c.contactID, c.trackID, c.version, c.state, c.anchor, c.startedAt,
		c.reenroll, c.eventName, c.eventAt, c.eventItem, c.eventAmount}
	params := make([][]byte, len(args))
	for i, a := range args {
		var err error
		if params[i], err = m.Encode(bulkParamOIDs[i], pgtype.BinaryFormatCode, a, nil); err != nil {
			return nil, fmt.Errorf("encode parameter %d: %w", i+1, err)
		}
	}
	return params, nil
}

// reset empties the columns, keeping their memory.
func (c *bulkColumns) reset() {
	*c = bulkColumns{c.contactID[:0], c.trackID[:0], c.state[:0], c.reenroll[:0], c.version[:0],
		c.anchor[:0], c.startedAt[:0], c.eventName[:0], c.eventItem[:0], c.eventAmount[:0], c.eventAt[:0]}
}

// add appends one entry; an empty state means active.
func (c *bulkColumns) add(ne engine.NewEnrollment) {
	e := ne.Enrollment
	if e.State == "" {
		e.State = engine.EnrollmentActive
	}
	c.contactID = append(c.contactID, e.ContactID)
	c.trackID = append(c.trackID, e.TrackID)
	c.version = append(c.version, e.TrackVersion)
	c.state = append(c.state, string(e.State))
	c.anchor = append(c.anchor, e.Anchor)
	c.startedAt = append(c.startedAt, e.StartedAt)
	c.reenroll = append(c.reenroll, ne.Reenroll)
	ev := e.Trigger
	c.eventName, c.eventItem, c.eventAmount = append(c.eventName, ev.Name), append(c.eventItem, ev.Item), append(c.eventAmount, ev.Amount)
	c.eventAt = append(c.eventAt, nullTime(ev.At))
}

// firstTouches holds the first touches of a chunk's new enrollments. It is
// the pgx.CopyFromSource of their COPY, row by row in firstTouchColumns'
// order.
type firstTouches struct {
	enrollmentID, contactID  []int64
	trackID, stepID, channel []string
	state                    []string
	version, stepIndex       []int
	due                      []time.Time

	next int   // the row Values returns is next-1
	row  []any // Values' result, reused
}

// Next implements pgx.CopyFromSource.
func (t *firstTouches) Next() bool {
	t.next++
	return t.next <= len(t.enrollmentID)
}

// Values implements pgx.CopyFromSource.
func (t *firstTouches) Values() ([]any, error) {
	i := t.next - 1
	t.row = append(t.row[:0], t.enrollmentID[i], t.contactID[i], t.trackID[i], t.version[i], t.stepIndex[i],
		t.stepID[i], t.channel[i], t.due[i], t.state[i])
	return t.row, nil
}

// Err implements pgx.CopyFromSource.
func (t *firstTouches) Err() error { return nil }

// add appends the first touch of entry ne, created as enrollment id; an
// empty state means scheduled.
func (t *firstTouches) add(id int64, ne engine.NewEnrollment) {
	e, f := ne.Enrollment, ne.First
	if f.State == "" {
		f.State = engine.TouchScheduled
	}
	t.enrollmentID = append(t.enrollmentID, id)
	t.contactID = append(t.contactID, e.ContactID)
	t.trackID = append(t.trackID, e.TrackID)
	t.version = append(t.version, e.TrackVersion)
	t.stepIndex = append(t.stepIndex, f.StepIndex)
	t.stepID = append(t.stepID, f.StepID)
	t.channel = append(t.channel, string(f.Channel))
	t.due = append(t.due, f.Due)
	t.state = append(t.state, string(f.State))
}

// enrollKey is a contact and a track: one open enrollment at most.
type enrollKey struct {
	contact int64
	track   string
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
