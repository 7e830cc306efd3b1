package httpapi

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
)

// contactJSON is a contact as the API shows it.
type contactJSON struct {
	ID         int64             `json:"id"`
	ExternalID string            `json:"external_id,omitempty"`
	Email      string            `json:"email,omitempty"`
	FirstName  string            `json:"first_name"`
	LastName   string            `json:"last_name"`
	Company    string            `json:"company"`
	Title      string            `json:"title"`
	Phone      string            `json:"phone"`
	TimeZone   string            `json:"time_zone"`
	Status     string            `json:"status"`
	Industry   string            `json:"industry"`
	Owner      string            `json:"owner"`
	LeadSource string            `json:"lead_source"`
	Campaign   string            `json:"campaign"`
	Birthday   string            `json:"birthday,omitempty"`
	Street     string            `json:"street"`
	City       string            `json:"city"`
	Region     string            `json:"region"`
	PostalCode string            `json:"postal_code"`
	Country    string            `json:"country"`
	Custom     map[string]string `json:"custom"`
}

func toContactJSON(c engine.Contact) contactJSON {
	j := contactJSON{ID: c.ID, ExternalID: c.ExternalID, Email: c.Email, FirstName: c.FirstName,
		LastName: c.LastName, Company: c.Company, Title: c.Title, Phone: c.Phone, TimeZone: c.TimeZone,
		Status: c.Status, Industry: c.Industry, Owner: c.Owner, LeadSource: c.LeadSource,
		Campaign: c.Campaign, Street: c.Street, City: c.City, Region: c.Region,
		PostalCode: c.PostalCode, Country: c.Country, Custom: c.Custom}
	if c.Birthday != nil {
		j.Birthday = c.Birthday.Format(time.DateOnly)
	}
	if j.Custom == nil {
		j.Custom = map[string]string{}
	}
	return j
}

// createContact is POST /api/contacts.
func (a *api) createContact(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var f crm.ContactFields
	if err := a.decode(w, r, &f); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.crm.CreateContact(r.Context(), who, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toContactJSON(c))
}

// updateContact is PATCH /api/contacts/{ref}: the fields sent change.
func (a *api) updateContact(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var f crm.ContactFields
	if err := a.decode(w, r, &f); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.crm.UpdateContact(r.Context(), who, r.PathValue("ref"), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toContactJSON(c))
}

// getContact is GET /api/contacts/{ref}.
func (a *api) getContact(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	c, err := a.crm.Contact(r.Context(), who, r.PathValue("ref"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toContactJSON(c))
}

// listContacts is GET /api/contacts?status=&owner=&after=&limit=.
func (a *api) listContacts(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	q := r.URL.Query()
	f := crm.ContactFilter{Status: q.Get("status"), Owner: q.Get("owner")}
	var err error
	if f.Limit, err = queryInt(r, "limit"); err != nil {
		a.fail(w, r, err)
		return
	}
	if v := q.Get("after"); v != "" {
		if f.After, err = strconv.ParseInt(v, 10, 64); err != nil {
			a.fail(w, r, badRequest("after", "%q is not an id", v))
			return
		}
	}
	page, err := a.crm.ListContacts(r.Context(), who, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := struct {
		Contacts []contactJSON `json:"contacts"`
		Next     int64         `json:"next,omitempty"`
	}{Contacts: make([]contactJSON, 0, len(page.Contacts)), Next: page.Next}
	for _, c := range page.Contacts {
		out.Contacts = append(out.Contacts, toContactJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
}

// importJSON is the answer to an import.
type importJSON struct {
	Created   int      `json:"created"`
	Updated   int      `json:"updated"`
	Unchanged int      `json:"unchanged"`
	Events    int      `json:"events"`
	Enrolled  int      `json:"enrolled"`
	Exited    int      `json:"exited"`
	Errors    []string `json:"errors"`
}

// importContacts is POST /api/contacts/import with a text/csv body; ?name=
// names the file in error messages.
func (a *api) importContacts(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	a.importCSV(w, r, who, "contacts.csv", a.crm.Import)
}

// importEvents is POST /api/events/import with a text/csv body.
func (a *api) importEvents(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	a.importCSV(w, r, who, "events.csv", a.crm.ImportEvents)
}

// importCSV runs an import over the request body. Bad rows are listed as
// `file:line: message`; the good ones go in and the status is 200. A client
// that accepts application/x-ndjson follows the import while it runs
// (followImport).
func (a *api) importCSV(w http.ResponseWriter, r *http.Request, who crm.Actor, name string,
	run func(context.Context, crm.Actor, string, io.Reader) (crm.ImportResult, error)) {
	if v := r.URL.Query().Get("name"); v != "" {
		name = v
	}
	body := http.MaxBytesReader(w, r.Body, a.maxImport)
	importing := func(body io.Reader) (crm.ImportResult, error) { return run(r.Context(), who, name, body) }
	if follows(r) {
		a.followImport(w, r, body, importing)
		return
	}
	res, err := importing(body)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toImportJSON(res))
}

// toImportJSON is the answer to an import that ran.
func toImportJSON(res crm.ImportResult) importJSON {
	out := importJSON{Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged,
		Events: res.Events, Enrolled: res.Enrolled, Exited: res.Exited, Errors: make([]string, 0, len(res.Errors))}
	for _, e := range res.Errors {
		out.Errors = append(out.Errors, e.Error())
	}
	return out
}

// timeline is GET /api/contacts/{ref}/timeline.
func (a *api) timeline(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	entries, err := a.crm.Timeline(r.Context(), who, r.PathValue("ref"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"timeline": entries})
}

// touches is GET /api/contacts/{ref}/touches: the shape simulate prints.
func (a *api) touches(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	ts, err := a.crm.Touches(r.Context(), who, r.PathValue("ref"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"touches": ts})
}

// enrollments is GET /api/contacts/{ref}/enrollments.
func (a *api) enrollments(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	es, err := a.crm.Enrollments(r.Context(), who, r.PathValue("ref"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"enrollments": es})
}
