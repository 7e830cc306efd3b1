package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
)

func TestSaveTrackVersions(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	ids := addContacts(t, s, 2)
	steps := []struct {
		hash       string
		wantV, old int
		enroll     bool // enroll a contact on the version just saved
	}{
		{hash: "a", wantV: 1, enroll: true},
		{hash: "a", wantV: 1},         // unchanged
		{hash: "b", wantV: 2, old: 1}, // changed: the enrollment stays on v1
		{hash: "b", wantV: 2, old: 1, enroll: true},
		{hash: "c", wantV: 3, old: 2},
		{hash: "a", wantV: 1, old: 1}, // back to the first text: its version again
	}
	enrolled := 0
	for i, st := range steps {
		src := []byte("id: gi\nname: v" + st.hash + "\n")
		v, old, err := s.SaveTrack(ctx, "gi", st.hash, src, "tracks/gi.yaml")
		if err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
		if v != st.wantV || old != st.old {
			t.Errorf("save %d (hash %s) = version %d, %d still on others; want %d, %d", i, st.hash, v, old, st.wantV, st.old)
		}
		if st.enroll {
			ne := newEnrollment(ids[enrolled], "gi", v, "never", t0)
			if n, err := s.BulkEnroll(ctx, []engine.NewEnrollment{ne}); n != 1 || err != nil {
				t.Fatalf("enroll on v%d: %d, %v", v, n, err)
			}
			enrolled++
		}
		got, file, err := s.TrackSource(ctx, "gi", v)
		if err != nil || string(got) != string(src) || file != "tracks/gi.yaml" {
			t.Errorf("TrackSource(gi, %d) = %q, %q, %v", v, got, file, err)
		}
	}
	if _, _, err := s.TrackSource(ctx, "gi", 9); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("TrackSource of a missing version: %v, want ErrNotFound", err)
	}
}

func TestSaveTrackConcurrently(t *testing.T) {
	t.Parallel()
	s := setup(t)
	const saves = 8
	versions := make([]int, saves)
	var wg sync.WaitGroup
	for i := range saves {
		wg.Go(func() {
			// Two savers per text: each text gets one version.
			hash := fmt.Sprint(i / 2)
			v, _, err := s.SaveTrack(context.Background(), "gi", hash, []byte("id: gi # "+hash), "gi.yaml")
			if err != nil {
				t.Error(err)
			}
			versions[i] = v
		})
	}
	wg.Wait()
	for i := 0; i < saves; i += 2 {
		if versions[i] != versions[i+1] {
			t.Errorf("one text saved twice got versions %d and %d", versions[i], versions[i+1])
		}
	}
	distinct := []int{versions[0], versions[2], versions[4], versions[6]}
	sort.Ints(distinct)
	for i, v := range distinct {
		if v != i+1 {
			t.Errorf("versions of four texts = %v, want 1 to 4", distinct)
			break
		}
	}
}

func TestBirthdaysOn(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	ids := addContacts(t, s, 4)
	_, err := s.Pool().Exec(ctx, `UPDATE contacts SET birthday = v.b
		FROM (VALUES ($1::bigint, '1980-03-07'::date), ($2, '1992-02-29'), ($3, '1975-02-28')) v(id, b)
		WHERE contacts.id = v.id`, ids[0], ids[1], ids[2])
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		day  time.Time
		want []int64
	}{
		{time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC), []int64{ids[0]}},
		{time.Date(2026, 3, 7, 23, 0, 0, 0, time.UTC), []int64{ids[0]}}, // again: the engine's event log keeps it once
		{time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC), ids[1:3]},        // Feb 29 birthdays too in a common year
		{time.Date(2028, 2, 28, 0, 0, 0, 0, time.UTC), []int64{ids[2]}}, // not in a leap year
		{time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC), []int64{ids[1]}},
		{time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), nil},
	}
	for _, c := range cases {
		got, err := s.BirthdaysOn(ctx, c.day)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("BirthdaysOn(%s) = %v, want %v", c.day.Format(time.RFC3339), got, c.want)
		}
	}
}
