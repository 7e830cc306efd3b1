package storetest

import (
	"errors"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// createEnrollmentWhileOpen: a second open enrollment on the track is a
// conflict that inserts nothing and leaves the transaction usable.
func createEnrollmentWhileOpen(e *env) {
	en, _ := e.enroll(T0)
	dup := newEnrollment(en.ContactID, "", T0)
	e.tx(func(tx engine.Tx) error {
		if err := tx.CreateEnrollment(e.ctx, &dup.Enrollment, &dup.First); !errors.Is(err, engine.ErrConflict) {
			e.t.Errorf("second open enrollment = %v, want ErrConflict", err)
		}
		ens, err := tx.Enrollments(e.ctx, en.ContactID, track)
		if err == nil && len(ens) != 1 {
			e.t.Errorf("enrollments after the conflict = %+v, want the first alone", ens)
		}
		return err
	})
}

// bulkEnrollReenroll: BulkEnroll applies engine.MayEnroll to each contact's
// past enrollments on the track and reports how many it created.
func bulkEnrollReenroll(e *env) {
	type past struct {
		ended  engine.EnrollmentState // "" for none; active for one still open
		policy tracks.Reenroll
		want   bool
	}
	cases := []past{
		{"", tracks.ReenrollNever, true},
		{engine.EnrollmentActive, tracks.ReenrollAfterEnd, false},
		{engine.EnrollmentPaused, tracks.ReenrollAfterEnd, false},
		{engine.EnrollmentCompleted, tracks.ReenrollNever, false},
		{engine.EnrollmentExited, tracks.ReenrollNever, false},
		{engine.EnrollmentExited, tracks.ReenrollAfterExit, true},
		{engine.EnrollmentCompleted, tracks.ReenrollAfterExit, false},
		{engine.EnrollmentCompleted, tracks.ReenrollAfterEnd, true},
		{engine.EnrollmentCanceled, tracks.ReenrollAfterEnd, true},
		{engine.EnrollmentCompleted, "", true}, // chaining through then: only an open one refuses
	}
	var batch []engine.NewEnrollment
	want := 0
	contacts := make([]int64, len(cases))
	for i, c := range cases {
		contacts[i] = e.contact(fmt.Sprintf("c%d@example.com", i))
		if c.ended != "" {
			first := newEnrollment(contacts[i], "", T0)
			if n, err := e.s.BulkEnroll(e.ctx, []engine.NewEnrollment{first}); err != nil || n != 1 {
				e.t.Fatalf("case %d: first BulkEnroll = %d, %v", i, n, err)
			}
			if c.ended != engine.EnrollmentActive {
				e.endLatest(contacts[i], c.ended)
			}
		}
		batch = append(batch, newEnrollment(contacts[i], c.policy, T0.Add(time.Hour)))
		if c.want {
			want++
		}
	}
	n, err := e.s.BulkEnroll(e.ctx, batch)
	if err != nil || n != want {
		e.t.Fatalf("BulkEnroll = %d, %v; want %d", n, err, want)
	}
	for i, c := range cases {
		var ens []engine.Enrollment
		e.tx(func(tx engine.Tx) (err error) { ens, err = tx.Enrollments(e.ctx, contacts[i], track); return err })
		before := 0
		if c.ended != "" {
			before = 1
		}
		created := len(ens) == before+1
		if created != c.want {
			e.t.Errorf("after %q with policy %q: enrolled again = %v, want %v (%+v)", c.ended, c.policy, created, c.want, ens)
		}
	}
}

// endLatest ends the contact's newest enrollment on the track in state.
func (e *env) endLatest(contact int64, state engine.EnrollmentState) {
	e.t.Helper()
	e.tx(func(tx engine.Tx) error {
		ens, err := tx.Enrollments(e.ctx, contact, track)
		if err != nil {
			return err
		}
		return tx.SetEnrollmentState(e.ctx, ens[0].ID, state, "ended", T0)
	})
}

// saveTrackVersions: a new hash is the next version, a known one keeps its
// version, and stillOnOld counts open enrollments on the other versions.
func saveTrackVersions(e *env) {
	save := func(hash string, wantVersion, wantOld int) {
		e.t.Helper()
		v, old, err := e.s.SaveTrack(e.ctx, track, hash, []byte("# "+hash), hash+".yaml")
		if err != nil || v != wantVersion || old != wantOld {
			e.t.Fatalf("SaveTrack(%s) = v%d, %d on old, %v; want v%d, %d", hash, v, old, err, wantVersion, wantOld)
		}
	}
	save("hash-1", 1, 0)
	en, _ := e.enroll(T0) // on v1
	save("hash-2", 2, 1)
	save("hash-2", 2, 1)
	e.endLatest(en.ContactID, engine.EnrollmentCompleted)
	save("hash-3", 3, 0)
	onTwo := newEnrollment(e.contact(""), "", T0)
	onTwo.Enrollment.TrackVersion, onTwo.First.TrackVersion = 2, 2
	if n, err := e.s.BulkEnroll(e.ctx, []engine.NewEnrollment{onTwo}); err != nil || n != 1 {
		e.t.Fatalf("BulkEnroll on v2 = %d, %v", n, err)
	}
	save("hash-1", 1, 1) // back to v1: the v2 enrollment is on another version
	src, file, err := e.s.TrackSource(e.ctx, track, 2)
	if err != nil || string(src) != "# hash-2" || file != "hash-2.yaml" {
		e.t.Fatalf("TrackSource v2 = %q, %q, %v", src, file, err)
	}
	if _, _, err := e.s.TrackSource(e.ctx, track, 4); !errors.Is(err, engine.ErrNotFound) {
		e.t.Fatalf("TrackSource of a missing version = %v, want ErrNotFound", err)
	}
	err = e.s.Tx(e.ctx, func(tx engine.Tx) error { // the same inside a transaction
		if src, file, err := tx.TrackSource(e.ctx, track, 2); err != nil || string(src) != "# hash-2" || file != "hash-2.yaml" {
			return fmt.Errorf("Tx.TrackSource v2 = %q, %q, %v", src, file, err)
		}
		if _, _, err := tx.TrackSource(e.ctx, track, 4); !errors.Is(err, engine.ErrNotFound) {
			return fmt.Errorf("Tx.TrackSource of a missing version = %v, want ErrNotFound", err)
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// moveEnrollments: an open enrollment whose pending touch is at a step the
// version has moves with it, due unchanged; one with a running touch, one
// whose step is gone and ended ones stay.
func moveEnrollments(e *env) {
	e.saveTrack(track, "hash-2")
	moving, mt := e.enroll(T0.Add(time.Hour))
	_, running := e.claimed()
	gone := newEnrollment(e.contact(""), "", T0.Add(time.Hour))
	gone.First.StepID = "gone"
	e.tx(func(tx engine.Tx) error { return tx.CreateEnrollment(e.ctx, &gone.Enrollment, &gone.First) })
	ended, _ := e.enroll(T0.Add(time.Hour))
	e.endLatest(ended.ContactID, engine.EnrollmentExited)

	moved, stayed, err := e.s.MoveEnrollments(e.ctx, track, 2, map[string]int{"intro": 0, "welcome": 1})
	if err != nil || moved != 1 || stayed != 2 {
		e.t.Fatalf("MoveEnrollments = %d moved, %d stayed, %v; want 1 and 2", moved, stayed, err)
	}
	if got := e.enrollment(moving.ID); got.TrackVersion != 2 {
		e.t.Errorf("moved enrollment on v%d, want v2", got.TrackVersion)
	}
	if got := e.touch(mt.ID); got.TrackVersion != 2 || got.StepIndex != 1 || got.StepID != "welcome" || !got.Due.Equal(mt.Due) {
		e.t.Errorf("moved touch = %+v; want v2 step 1 welcome due %s", got, mt.Due)
	}
	for _, id := range []int64{running.ID, gone.First.ID} {
		if got := e.touch(id); got.TrackVersion != 1 {
			e.t.Errorf("touch %d moved to v%d; want it left on v1", id, got.TrackVersion)
		}
	}
	if got := e.enrollment(ended.ID); got.TrackVersion != 1 {
		e.t.Errorf("ended enrollment moved to v%d", got.TrackVersion)
	}
}
