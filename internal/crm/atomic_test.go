package crm_test

import (
	"context"
	"errors"
	"testing"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
)

// failingSink is an engine whose event handling fails, as it would when the
// database drops the connection halfway.
type failingSink struct{}

func (failingSink) HandleEvent(context.Context, engine.Event) (engine.EventResult, error) {
	return engine.EventResult{}, errors.New("connection lost")
}

func (failingSink) HandleEventIn(context.Context, engine.Tx, engine.Event) (engine.EventResult, error) {
	return engine.EventResult{}, errors.New("connection lost")
}

func TestChangeAndItsEventCommitTogether(t *testing.T) {
	t.Parallel()
	_, pool := setup(t)
	store, err := crm.New(pool, crm.Options{Sink: failingSink{}})
	if err != nil {
		t.Fatal(err)
	}
	email := "ann@example.com"
	if _, err := store.CreateContact(context.Background(), crm.ContactFields{Email: &email}); err == nil {
		t.Fatal("CreateContact succeeded though its contact.created failed")
	}
	if n := count(t, pool, `SELECT count(*) FROM contacts`); n != 0 {
		t.Fatalf("%d contacts stored without their contact.created; the change must roll back", n)
	}
}
