package httpapi_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/httpapi"
)

// everything is a span every report row of a test falls in.
const everything = "from=2000-01-01T00:00:00Z&until=2100-01-01T00:00:00Z"

// rep creates a rep through the API and returns it as the actor it acts as.
func (e *env) rep(username, role string, quota int) crm.Actor {
	e.t.Helper()
	out := e.must(http.StatusCreated, "POST", "/api/reps", map[string]any{
		"username": username, "role": role, "monthly_quota": quota})
	return crm.Actor{RepID: int64(out["id"].(float64)), Role: crm.Role(role)}
}

// as serves the API to requests acting for who.
func (e *env) as(who crm.Actor) *httptest.Server {
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{CRM: e.crm, Engine: e.eng, Reports: e.reports,
		Actor: func(*http.Request) (crm.Actor, error) { return who, nil }}))
	e.t.Cleanup(srv.Close)
	return srv
}

// report gets a report in JSON lines from srv (nil for the system's API).
func (e *env) report(srv *httptest.Server, name, query string) []map[string]any {
	e.t.Helper()
	if srv == nil {
		srv = e.srv
	}
	resp, err := http.Get(fmt.Sprintf("%s/api/reports/%s?%s", srv.URL, name, query))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		e.t.Fatalf("GET report %s?%s: status %d %v", name, query, resp.StatusCode, body)
	}
	rows := []map[string]any{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			e.t.Fatalf("report %s: line %q: %v", name, sc.Text(), err)
		}
		rows = append(rows, row)
	}
	return rows
}

// row is a report row as JSON decodes it; numbers are float64.
type row = map[string]any

// sameRows fails the test unless got holds exactly want, in order.
func sameRows(t *testing.T, what string, got, want []row) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s rows:\n got %v\nwant %v", what, got, want)
	}
}
