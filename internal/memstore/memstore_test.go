package memstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/memstore"
)

var t0 = time.Date(2026, 1, 5, 17, 0, 0, 0, time.UTC)

func enrollment(contact int64, policy string) engine.NewEnrollment {
	return engine.NewEnrollment{
		Enrollment: engine.Enrollment{ContactID: contact, TrackID: "gi", TrackVersion: 1, State: engine.EnrollmentActive, Anchor: t0},
		First:      engine.Touch{ContactID: contact, TrackID: "gi", TrackVersion: 1, StepID: "welcome", Due: t0, State: engine.TouchScheduled},
		Reenroll:   policy,
	}
}

func TestBulkEnrollRulesAndTheOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := memstore.New()
	a, b := s.AddContact(engine.Contact{Email: "a@example.com"}), s.AddContact(engine.Contact{Email: "b@example.com"})

	if n, err := s.BulkEnroll(ctx, []engine.NewEnrollment{enrollment(a, "never"), enrollment(b, "after-end")}); err != nil || n != 2 {
		t.Fatalf("BulkEnroll = %d, %v; want 2", n, err)
	}
	if n, _ := s.BulkEnroll(ctx, []engine.NewEnrollment{enrollment(a, "after-end")}); n != 0 {
		t.Fatalf("an open enrollment let %d more in", n)
	}
	due, ok := s.NextDue()
	if !ok || !due.Equal(t0) {
		t.Fatalf("NextDue = %v, %v; want %v", due, ok, t0)
	}
	queued, err := s.QueueDue(ctx, t0, t0.Add(time.Second), 10)
	if err != nil || len(queued) != 2 {
		t.Fatalf("QueueDue = %v, %v; want both touches", queued, err)
	}
	claimed, ok, err := s.Claim(ctx, queued[0].ID, t0, t0.Add(time.Minute))
	if err != nil || !ok || claimed.Attempts != 1 {
		t.Fatalf("Claim = %+v, %v, %v", claimed, ok, err)
	}
	if _, ok, _ := s.Claim(ctx, queued[0].ID, t0, t0.Add(time.Minute)); ok {
		t.Fatal("a touch under lease was claimed twice")
	}
	if err := s.Release(ctx, claimed.ID, 2, engine.TouchQueued, "stale"); err == nil {
		t.Fatal("Release with another claim's attempt succeeded")
	}
	again, err := s.Requeue(ctx, t0, t0.Add(2*time.Minute), 10)
	if err != nil || len(again) != 1 || again[0].ID != claimed.ID {
		t.Fatalf("Requeue after the lease = %v, %v; want the claimed touch back", again, err)
	}
}

func TestMoveEnrollmentsKeepsTheStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := memstore.New()
	a := s.AddContact(engine.Contact{Email: "a@example.com"})
	if _, err := s.BulkEnroll(ctx, []engine.NewEnrollment{enrollment(a, "never")}); err != nil {
		t.Fatal(err)
	}
	moved, stayed, err := s.MoveEnrollments(ctx, "gi", 2, map[string]int{"intro": 0, "welcome": 1})
	if err != nil || moved != 1 || stayed != 0 {
		t.Fatalf("MoveEnrollments = %d moved, %d stayed, %v", moved, stayed, err)
	}
	if moved, stayed, _ = s.MoveEnrollments(ctx, "gi", 3, map[string]int{"other": 0}); moved != 0 || stayed != 1 {
		t.Fatalf("a version without the pending step moved %d, kept %d; want 0 and 1", moved, stayed)
	}
	touches := s.Touches()
	if len(touches) != 1 || touches[0].TrackVersion != 2 || touches[0].StepIndex != 1 {
		t.Fatalf("touch after the move = %+v; want v2 step 1", touches)
	}
}
