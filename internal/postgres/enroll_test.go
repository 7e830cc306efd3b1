package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestBulkEnrollRules(t *testing.T) {
	t.Parallel()
	// Each case: the state the contact's previous enrollment on the track
	// ended in ("" for none; active/paused stay open), the policy, and
	// whether a new enrollment is created.
	cases := []struct {
		name     string
		previous engine.EnrollmentState
		policy   string
		want     bool
	}{
		{"first enrollment", "", "never", true},
		{"open enrollment blocks never", engine.EnrollmentActive, "never", false},
		{"open enrollment blocks after-exit", engine.EnrollmentActive, "after-exit", false},
		{"paused enrollment blocks chaining", engine.EnrollmentPaused, "", false},
		{"never blocks after completion", engine.EnrollmentCompleted, "never", false},
		{"never blocks after exit", engine.EnrollmentExited, "never", false},
		{"after-exit blocks after completion", engine.EnrollmentCompleted, "after-exit", false},
		{"after-exit blocks after cancel", engine.EnrollmentCanceled, "after-exit", false},
		{"after-exit allows after exit", engine.EnrollmentExited, "after-exit", true},
		{"chaining allows after completion", engine.EnrollmentCompleted, "", true},
	}
	s := setup(t)
	ctx := context.Background()
	version := saveTrack(t, s, "gi")
	ids := addContacts(t, s, len(cases))
	for i, c := range cases {
		if c.previous == "" {
			continue
		}
		if n, err := s.BulkEnroll(ctx, []engine.NewEnrollment{newEnrollment(ids[i], "gi", version, "never", t0)}); err != nil || n != 1 {
			t.Fatalf("%s: first enrollment: %d, %v", c.name, n, err)
		}
		setLatest(t, s, ids[i], c.previous)
	}
	for i, c := range cases {
		n, err := s.BulkEnroll(ctx, []engine.NewEnrollment{newEnrollment(ids[i], "gi", version, c.policy, t0)})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := n == 1; got != c.want {
			t.Errorf("%s: enrolled = %v, want %v", c.name, got, c.want)
		}
	}
}

// setLatest moves the contact's newest enrollment on "gi" to state.
func setLatest(t *testing.T, s *postgres.Store, contactID int64, state engine.EnrollmentState) {
	t.Helper()
	inTx(t, s, func(ctx context.Context, tx engine.Tx) error {
		ens, err := tx.Enrollments(ctx, contactID, "gi")
		if err != nil {
			return err
		}
		return tx.SetEnrollmentState(ctx, ens[0].ID, state, "test", t0)
	})
}

func TestBulkEnrollCreatesFirstTouches(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	version := saveTrack(t, s, "gi")
	ids := addContacts(t, s, 3)
	es := []engine.NewEnrollment{
		newEnrollment(ids[0], "gi", version, "never", t0),
		newEnrollment(ids[1], "gi", version, "never", t0.Add(time.Minute)),
		newEnrollment(ids[0], "gi", version, "never", t0.Add(2*time.Minute)), // a second entry for ids[0] counts for nothing
		newEnrollment(ids[2], "gi", version, "never", t0.Add(3*time.Minute)),
	}
	n, err := s.BulkEnroll(ctx, es)
	if err != nil || n != 3 {
		t.Fatalf("BulkEnroll = %d, %v; want 3", n, err)
	}
	for i, id := range ids {
		ts := pendingOf(t, s, id)
		if len(ts) != 1 {
			t.Fatalf("contact %d has %d pending touches, want 1", id, len(ts))
		}
		got, want := ts[0], es[[]int{0, 1, 3}[i]].First
		want.ID, want.EnrollmentID = got.ID, got.EnrollmentID
		if got != want {
			t.Errorf("contact %d touch\n got %+v\nwant %+v", id, got, want)
		}
	}
}

func TestBulkEnrollConcurrentlyEnrollsOnce(t *testing.T) {
	t.Parallel()
	s := setup(t)
	version := saveTrack(t, s, "gi")
	ids := addContacts(t, s, 500)
	es := make([]engine.NewEnrollment, len(ids))
	for i, id := range ids {
		es[i] = newEnrollment(id, "gi", version, "", t0)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
	)
	for range 4 {
		wg.Go(func() {
			n, err := s.BulkEnroll(context.Background(), es)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if total != len(ids) {
		t.Errorf("four concurrent bulk enrollments created %d, want %d", total, len(ids))
	}
}

func TestBulkEnrollRefusesBadInput(t *testing.T) {
	t.Parallel()
	s := setup(t)
	version := saveTrack(t, s, "gi")
	ids := addContacts(t, s, 1)
	bad := newEnrollment(ids[0], "gi", version, "sometimes", t0)
	if _, err := s.BulkEnroll(context.Background(), []engine.NewEnrollment{bad}); err == nil {
		t.Error("unknown reenroll policy accepted")
	}
	ended := newEnrollment(ids[0], "gi", version, "never", t0)
	ended.Enrollment.State = engine.EnrollmentCompleted
	if _, err := s.BulkEnroll(context.Background(), []engine.NewEnrollment{ended}); err == nil {
		t.Error("an ended new enrollment accepted")
	}
	unknownTrack := newEnrollment(ids[0], "gi", version+1, "never", t0)
	if _, err := s.BulkEnroll(context.Background(), []engine.NewEnrollment{unknownTrack}); err == nil {
		t.Error("an enrollment on an unsaved track version accepted")
	}
}

func TestCreateEnrollment(t *testing.T) {
	t.Parallel()
	s := setup(t)
	version := saveTrack(t, s, "gi")
	ids := addContacts(t, s, 1)
	ne := newEnrollment(ids[0], "gi", version, "", t0)
	inTx(t, s, func(ctx context.Context, tx engine.Tx) error {
		if err := tx.CreateEnrollment(ctx, &ne.Enrollment, &ne.First); err != nil {
			return err
		}
		got, err := tx.Enrollment(ctx, ne.Enrollment.ID)
		if err != nil {
			return err
		}
		if got != ne.Enrollment || ne.First.EnrollmentID != got.ID || ne.First.ID == 0 {
			t.Errorf("stored %+v\nwant %+v (first touch %+v)", got, ne.Enrollment, ne.First)
		}
		return nil
	})
	inTx(t, s, func(ctx context.Context, tx engine.Tx) error {
		again := newEnrollment(ids[0], "gi", version, "", t0)
		if err := tx.CreateEnrollment(ctx, &again.Enrollment, &again.First); !errors.Is(err, engine.ErrConflict) {
			t.Errorf("second open enrollment: %v, want ErrConflict", err)
		}
		// The transaction goes on after the conflict.
		_, err := tx.Enrollments(ctx, ids[0], "gi")
		return err
	})
}

func TestSetEnrollmentState(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ids := addContacts(t, s, 1)
	enrollAll(t, s, "gi", ids, func(int) time.Time { return t0 })
	end := t0.Add(time.Hour)
	inTx(t, s, func(ctx context.Context, tx engine.Tx) error {
		ens, err := tx.Enrollments(ctx, ids[0], "")
		if err != nil {
			return err
		}
		id := ens[0].ID
		steps := []struct {
			state  engine.EnrollmentState
			reason string
		}{{engine.EnrollmentPaused, "on hold"}, {engine.EnrollmentActive, ""}, {engine.EnrollmentExited, "exit: opportunity.won"}}
		for _, st := range steps {
			if err := tx.SetEnrollmentState(ctx, id, st.state, st.reason, end); err != nil {
				return err
			}
		}
		got, err := tx.Enrollment(ctx, id)
		if err != nil {
			return err
		}
		if got.State != engine.EnrollmentExited || !got.EndedAt.Equal(end) || got.Reason != "exit: opportunity.won" {
			t.Errorf("ended enrollment = %+v", got)
		}
		if err := tx.SetEnrollmentState(ctx, id, engine.EnrollmentPaused, "", end); !errors.Is(err, engine.ErrConflict) {
			t.Errorf("pausing an exited enrollment: %v, want ErrConflict", err)
		}
		if err := tx.SetEnrollmentState(ctx, id+1000, engine.EnrollmentPaused, "", end); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("pausing a missing enrollment: %v, want ErrNotFound", err)
		}
		return nil
	})
}

// TestBulkEnrollAcrossChunks: the rules hold in every chunk of a bulk
// enrollment (10,000 entries each), the first entry for a contact counts
// even when a later chunk holds another, each first touch goes to its own
// enrollment, and a failing chunk undoes the ones before it.
func TestBulkEnrollAcrossChunks(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	version := saveTrack(t, s, "gi")
	ids := addContacts(t, s, 20_500)
	refused, open, last := ids[0], ids[len(ids)-1], ids[len(ids)-2]
	for _, id := range []int64{refused, open} {
		if n, err := s.BulkEnroll(ctx, []engine.NewEnrollment{newEnrollment(id, "gi", version, "never", t0)}); err != nil || n != 1 {
			t.Fatalf("first enrollment of %d: %d, %v", id, n, err)
		}
	}
	setLatest(t, s, refused, engine.EnrollmentCompleted)
	es := make([]engine.NewEnrollment, len(ids))
	for i, id := range ids {
		es[i] = newEnrollment(id, "gi", version, "never", t0.Add(time.Duration(i)*time.Second))
	}
	es = append(es, newEnrollment(refused, "gi", version, "", t0)) // would be allowed, but the first entry counts
	n, err := s.BulkEnroll(ctx, es)
	if err != nil || n != len(ids)-2 {
		t.Fatalf("BulkEnroll = %d, %v; want %d", n, err, len(ids)-2)
	}
	if got := countRows(t, s.Pool(), `SELECT count(*) FROM enrollments WHERE contact_id = $1`, refused); got != 1 {
		t.Errorf("contact refused by its first entry has %d enrollments, want 1", got)
	}
	if ts := pendingOf(t, s, last); len(ts) != 1 || !ts[0].Due.Equal(es[len(ids)-2].First.Due) {
		t.Errorf("last chunk's contact has touches %+v, want one due %v", ts, es[len(ids)-2].First.Due)
	}

	other := saveTrack(t, s, "gi2")
	for i, id := range ids {
		es[i] = newEnrollment(id, "gi2", other, "never", t0)
	}
	es[len(ids)-1].Enrollment.TrackVersion = other + 1 // unsaved: the third chunk fails
	if _, err := s.BulkEnroll(ctx, es[:len(ids)]); err == nil {
		t.Fatal("an enrollment on an unsaved track version accepted")
	}
	if got := countRows(t, s.Pool(), `SELECT count(*) FROM enrollments WHERE track_id = $1`, "gi2"); got != 0 {
		t.Errorf("a failed bulk enrollment left %d enrollments", got)
	}
}

// TestStoreAfterDiscardAll: with default_query_exec_mode=cache_describe in
// the URL, as the README advises behind PgBouncer in transaction mode, the
// store keeps no prepared statement on a connection, so a pooler's reset
// between transactions (DISCARD ALL) takes nothing from it: not from bulk
// enrollment, which sends its own statement unnamed, nor from the other
// queries.
func TestStoreAfterDiscardAll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := setup(t).Pool().Config().Copy()
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe // what the URL's setting sets
	cfg.MaxConns = 1
	one, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	s := postgres.New(one)
	version := saveTrack(t, s, "gi")
	ids := addContacts(t, s, 2)
	for _, id := range ids {
		if n, err := s.BulkEnroll(ctx, []engine.NewEnrollment{newEnrollment(id, "gi", version, "never", t0)}); err != nil || n != 1 {
			t.Fatalf("BulkEnroll of contact %d = %d, %v", id, n, err)
		}
		if _, _, err := s.TrackSource(ctx, "gi", version); err != nil {
			t.Fatalf("TrackSource: %v", err)
		}
		if _, err := one.Exec(ctx, "DISCARD ALL"); err != nil {
			t.Fatal(err)
		}
	}
}
