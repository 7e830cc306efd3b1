package engine_test

import (
	"context"
	"testing"

	"github.com/dripline/dripline/engine"
)

func TestReachable(t *testing.T) {
	t.Parallel()
	postal := engine.Contact{Street: "12 Oak St", City: "Fresno", PostalCode: "93650"}
	noCity, noCode, noStreet := postal, postal, postal
	noCity.City, noCode.PostalCode, noStreet.Street = "", " ", ""
	for _, tc := range []struct {
		name string
		ch   engine.Channel
		c    engine.Contact
		why  string // "" when reachable
	}{
		{"call or task: anyone", engine.TaskChannel{}, engine.Contact{}, ""},
		{"email", emailOnly{}, engine.Contact{Email: "pat@example.com"}, ""},
		{"email without an address", emailOnly{}, engine.Contact{Email: "  "}, "no email address"},
		{"letter", engine.LetterChannel{}, postal, ""},
		// A letter without a usable address is filed on the unmailable list.
		{"letter without a city", engine.LetterChannel{}, noCity, ""},
		{"letter without a postal code", engine.LetterChannel{}, noCode, ""},
		{"letter without a street", engine.LetterChannel{}, noStreet, ""},
	} {
		ok, why := tc.ch.Reachable(tc.c)
		if ok != (tc.why == "") || why != tc.why {
			t.Errorf("%s: Reachable = %v, %q; want %q", tc.name, ok, why, tc.why)
		}
	}
	if _, ok := engine.Channel(emailOnly{}).(engine.Emailer); !ok {
		t.Error("a channel embedding EmailReach is not an Emailer")
	}
	if _, ok := engine.Channel(engine.LetterChannel{}).(engine.Emailer); ok {
		t.Error("the letter channel is an Emailer: suppressed addresses would lose their letters")
	}
}

// emailOnly is a channel that reaches contacts by email and does nothing.
type emailOnly struct{ engine.EmailReach }

func (emailOnly) Deliver(context.Context, engine.Dispatch) (engine.Outcome, error) {
	return engine.Outcome{}, nil
}
