package crm

import "github.com/dripline/dripline/internal/fieldcheck"

// checked returns a problem internal/fieldcheck found as the
// *ValidationError the API shows, naming the same field.
func checked(err error) error {
	if e, ok := fieldcheck.AsError(err); ok {
		return invalid(e.Field, "%s", e.Msg)
	}
	return err
}
