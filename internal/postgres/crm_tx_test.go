package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/tracks"
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

func (failingSink) HandleEventsIn(context.Context, engine.Tx, []engine.Event) ([]engine.EventOutcome, error) {
	return nil, errors.New("connection lost")
}

func TestChangeAndItsEventCommitTogether(t *testing.T) {
	t.Parallel()
	_, pool := crmSetup(t)
	store, err := crm.New(postgres.NewCRM(pool), crm.Options{Sink: failingSink{}})
	if err != nil {
		t.Fatal(err)
	}
	email := "ann@example.com"
	if _, err := store.CreateContact(context.Background(), crm.System, crm.ContactFields{Email: &email}); err == nil {
		t.Fatal("CreateContact succeeded though its contact.created failed")
	}
	if n := countRows(t, pool, `SELECT count(*) FROM contacts`); n != 0 {
		t.Fatalf("%d contacts stored without their contact.created; the change must roll back", n)
	}
}

// sameTxSink checks that each event reaches the sink inside the transaction
// of the change that caused it: what the change wrote is visible through
// the engine.Tx the sink is handed, before anything commits.
type sameTxSink struct{}

func (sameTxSink) HandleEvent(_ context.Context, ev engine.Event) (engine.EventResult, error) {
	return engine.EventResult{}, fmt.Errorf("%s handed over outside its change's transaction", ev.Name)
}

func (sameTxSink) HandleEventIn(ctx context.Context, tx engine.Tx, ev engine.Event) (engine.EventResult, error) {
	c, err := tx.Contact(ctx, ev.ContactID)
	if err != nil {
		return engine.EventResult{}, fmt.Errorf("%s: its contact is not visible in the transaction: %w", ev.Name, err)
	}
	switch {
	case ev.Name == tracks.EventContactUpdated && c.LastName != "Lee" && c.Status != engine.StatusCustomer:
		return engine.EventResult{}, fmt.Errorf("%s before the change: %+v", ev.Name, c)
	case ev.Name == tracks.EventSaleClosed && c.Status != engine.StatusCustomer:
		return engine.EventResult{}, fmt.Errorf("%s before its contact became a customer", ev.Name)
	}
	_, err = tx.RecordEvent(ctx, ev)
	return engine.EventResult{}, err
}

func (s sameTxSink) HandleEventsIn(ctx context.Context, tx engine.Tx, evs []engine.Event) ([]engine.EventOutcome, error) {
	for _, ev := range evs {
		if _, err := s.HandleEventIn(ctx, tx, ev); err != nil {
			return nil, err
		}
	}
	return make([]engine.EventOutcome, len(evs)), nil
}

func TestEventsShareTheirChangesTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, pool := crmSetup(t)
	svc, err := crm.New(postgres.NewCRM(pool), crm.Options{Sink: sameTxSink{}})
	if err != nil {
		t.Fatal(err)
	}
	email, last := "ann@example.com", "Lee"
	if _, err := svc.CreateContact(ctx, crm.System, crm.ContactFields{Email: &email}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateContact(ctx, crm.System, email, crm.ContactFields{LastName: &last}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateSale(ctx, crm.System, crm.SaleFields{Contact: email, Amount: "10"}); err != nil {
		t.Fatal(err)
	}
	// The second contact.updated is the first again (same contact, name, time).
	var names string
	if err := pool.QueryRow(ctx, `SELECT string_agg(name, ' ' ORDER BY id) FROM events`).Scan(&names); err != nil {
		t.Fatal(err)
	}
	if names != "contact.created contact.updated sale.closed" {
		t.Errorf("events recorded: %s", names)
	}
}

// TestAwaitTurnDeadlockIsBroken: a transaction awaiting another's turn while
// that one waits for a row it holds is a deadlock the server breaks with a
// transient error, not a hang; and AwaitTurn waits for the turn's end.
func TestAwaitTurnDeadlockIsBroken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, pool := crmSetup(t)
	var id int64
	if err := pool.QueryRow(ctx, `INSERT INTO contacts (email) VALUES ('ann@example.com') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	store := postgres.NewCRM(pool)
	turnTaken, rowLocked := make(chan struct{}), make(chan struct{})
	errs := make(chan error, 2)
	go func() { // turn 1, then the row B holds
		errs <- store.Tx(ctx, func(tx crm.Tx) error {
			if err := tx.TakeTurn(ctx, 7, 1); err != nil {
				return err
			}
			close(turnTaken)
			<-rowLocked
			_, err := tx.LockContact(ctx, id)
			return err
		})
	}()
	go func() { // B: the row, then turn 1's end
		errs <- store.Tx(ctx, func(tx crm.Tx) error {
			if _, err := tx.LockContact(ctx, id); err != nil {
				return err
			}
			close(rowLocked)
			<-turnTaken
			return tx.AwaitTurn(ctx, 7, 1)
		})
	}()
	first, second := <-errs, <-errs
	if first != nil { // either may end first
		first, second = second, first
	}
	if first != nil || !errors.Is(second, engine.ErrTransient) {
		t.Errorf("errors = %v, %v; want one transaction broken by a transient deadlock, the other through", first, second)
	}
}
