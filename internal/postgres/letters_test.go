package postgres_test

import (
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/email"
	"github.com/dripline/dripline/internal/postgres"
)

// The letter pile's adapters implement the crm ports. The checks live in a
// test while crm still imports this package.
var (
	_ crm.LetterStore  = (*postgres.Letters)(nil)
	_ crm.LetterMailer = (*email.Channel)(nil)
)
