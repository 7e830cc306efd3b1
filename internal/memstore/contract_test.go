package memstore_test

import (
	"testing"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/engine/storetest"
	"github.com/dripline/dripline/internal/memstore"
)

// TestContract runs the store contract that PostgreSQL keeps too.
func TestContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) storetest.Harness {
		s := memstore.New()
		return storetest.Harness{
			Store:      s,
			AddContact: func(c engine.Contact) int64 { return s.AddContact(c) },
			AddRep:     func(r engine.Rep) int64 { return s.AddRep(r) },
		}
	})
}
