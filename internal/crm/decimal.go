package crm

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// Decimal is an amount of money as a user sends it: a JSON number or a
// string. Whether it is a plain decimal number is checked with the rest of
// the input, so the error names its field.
type Decimal string

// UnmarshalJSON takes a JSON number or string as it is written.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = Decimal(s)
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		*d = Decimal(b)
	case string(b) == "null":
	default:
		return &json.UnmarshalTypeError{Value: "value " + string(b), Type: reflect.TypeFor[Decimal]()}
	}
	return nil
}
