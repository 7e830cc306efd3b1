package csvio

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkParseContacts parses 100,000 contact rows per iteration.
func BenchmarkParseContacts(b *testing.B) {
	const rows = 100_000
	var buf bytes.Buffer
	buf.WriteString("external_id,email,first_name,last_name,company,status,time_zone,birthday,city,owner,shoe_size\n")
	zones := []string{"America/New_York", "America/Chicago", "Europe/Paris", ""}
	for i := range rows {
		fmt.Fprintf(&buf, "c-%d,user%d@example.com,First%d,Last%d,Company %d,customer,%s,1980-01-%02d,City,rep%d,%d\n",
			i, i, i, i, i%500, zones[i%len(zones)], i%28+1, i%20, i%15)
	}
	in := buf.Bytes()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		cs, errs := ParseContacts("bench.csv", bytes.NewReader(in))
		if len(errs) != 0 || len(cs) != rows {
			b.Fatalf("%d contacts, errors %v", len(cs), errs)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
