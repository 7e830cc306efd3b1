package crm

import (
	"errors"
	"fmt"

	"github.com/dripline/dripline/engine"
)

// ValidationError is bad input: Field names the field (as the API spells it)
// and Message says what is wrong with it, in words a user can act on.
type ValidationError struct {
	Field   string
	Message string
}

// Error says which field is bad and why.
func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// invalid returns a *ValidationError for field.
func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// AsValidation returns the *ValidationError in err's chain, if any.
func AsValidation(err error) (*ValidationError, bool) {
	var v *ValidationError
	ok := errors.As(err, &v)
	return v, ok
}

// ConflictError is a value that another row already holds, such as a taken
// email: Field names the field (as the API spells it). It wraps
// engine.ErrConflict.
type ConflictError struct {
	Field   string
	Message string
}

// Error says which field's value is taken.
func (e *ConflictError) Error() string { return e.Field + " " + e.Message }

// Unwrap makes the error an engine.ErrConflict.
func (e *ConflictError) Unwrap() error { return engine.ErrConflict }

// AsConflict returns the *ConflictError in err's chain, if any.
func AsConflict(err error) (*ConflictError, bool) {
	var c *ConflictError
	ok := errors.As(err, &c)
	return c, ok
}
