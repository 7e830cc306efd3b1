package templates_test

import (
	"fmt"

	"github.com/dripline/dripline/templates"
)

func ExampleSet_Email() {
	set, err := templates.Load("") // the embedded defaults; pass a folder to add your own
	if err != nil {
		panic(err)
	}
	email, err := set.Email("gi-welcome", templates.Sample())
	if err != nil {
		panic(err)
	}
	fmt.Println(email.Subject)
	fmt.Println(email.HTML != "")
	// Output:
	// A quick hello from Summit Ridge Technology
	// true
}

func ExampleRenderText() {
	d := templates.Sample()
	subject, err := templates.RenderText("after-sale/day-4", "4-day check-in with {{.Contact.FirstName}}", d)
	fmt.Println(subject, err)

	_, err = templates.RenderText("after-sale/day-4", "4-day check-in with {{.Contact.Nickname}}", d)
	fmt.Println(err)
	// Output:
	// 4-day check-in with Dana <nil>
	// after-sale/day-4:1:30: at <.Contact.Nickname>: can't evaluate field Nickname in type templates.Contact
}
