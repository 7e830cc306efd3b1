package email_test

import (
	"fmt"

	"github.com/dripline/dripline/internal/email"
)

func ExampleParseURL() {
	c, err := email.ParseURL("smtp://apikey:s3cret@smtp.example.com?tls=starttls")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Host, c.Port, c.TLS, c.Username)
	fmt.Println(c) // the password is hidden

	_, err = email.ParseURL("smtp://smtp.example.com:2525?tls=ssl")
	fmt.Println(err)
	// Output:
	// smtp.example.com 587 starttls apikey
	// smtp://apikey:xxxxx@smtp.example.com:587?tls=starttls
	// smtp url: tls="ssl": want none, starttls or tls
}

func ExampleSign() {
	secret := []byte("from DRIPLINE_SECRET")
	token := email.Sign(secret, "dana@harborview.example")
	addr, err := email.Verify(secret, token)
	fmt.Println(addr, err)

	_, err = email.Verify([]byte("another secret"), token)
	fmt.Println(err)
	// Output:
	// dana@harborview.example <nil>
	// invalid unsubscribe token
}

func ExampleMessageID() {
	fmt.Println(email.MessageID(42, "summitridge.example"))
	// Output: touch-42@summitridge.example
}
