package letters_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/dripline/dripline/letters"
)

func ExampleRender() {
	opts := letters.Options{Sender: letters.Sender{
		Name:    "Bright Byte IT",
		Address: letters.Address{Street: "100 Main St", City: "Springfield", Region: "IL", PostalCode: "62701"},
		Phone:   "(217) 555-0100",
	}}
	batch := []letters.Letter{{
		Date: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
		To:   letters.Address{Name: "Dana O'Neil", Street: "12 Elm St", City: "Peoria", Region: "IL", PostalCode: "61602"},
		Body: "Dear Dana,\n\nThank you for your business.",
		From: letters.Signer{Name: "Ana Ruiz", Title: "Account Manager"},
	}}
	var pdf bytes.Buffer
	pages, err := letters.Render(&pdf, opts, batch)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v, %d pages\n", pages, pages.Total())
	fmt.Printf("%q\n", batch[0].To.Mailing(opts.Sender.Address.Country))
	// Output:
	// {Letters:1 Envelopes:1 Labels:1}, 3 pages
	// ["DANA ONEIL" "12 ELM ST" "PEORIA IL 61602"]
}
