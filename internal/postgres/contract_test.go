package postgres_test

import (
	"testing"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/engine/storetest"
)

// TestContract runs the store contract that memory keeps too, each case on
// its own database.
func TestContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) storetest.Harness {
		s := setup(t)
		return storetest.Harness{
			Store: s,
			AddContact: func(c engine.Contact) int64 {
				t.Helper()
				if err := s.CreateContact(t.Context(), &c); err != nil {
					t.Fatal(err)
				}
				return c.ID
			},
			AddRep: func(r engine.Rep) int64 {
				t.Helper()
				if err := s.CreateRep(t.Context(), &r); err != nil {
					t.Fatal(err)
				}
				return r.ID
			},
		}
	})
}
