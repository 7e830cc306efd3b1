// Package csviotest helps tests measure imports: it writes large contacts
// CSV files and reads the process's peak memory.
package csviotest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/dripline/dripline/internal/benchmeter"
)

// WriteContacts writes a contacts CSV of about size bytes to a file in dir,
// row by row (never all in memory), and returns its path and row count.
func WriteContacts(tb testing.TB, dir string, size int) (string, int) {
	tb.Helper()
	path := filepath.Join(dir, "contacts.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	n, rows := 0, 0
	write := func(s string) {
		k, err := f.WriteString(s)
		if err != nil {
			tb.Fatal(err)
		}
		n += k
	}
	write("external_id,email,first_name,last_name,company,title,phone,city,status,owner,seats\n")
	for n < size {
		write(fmt.Sprintf("m-%d,user%d@example.com,First%d,Last%d,Company %d,Office Manager,(559) 555-%04d,Fresno,prospect,rep%d,%d\n",
			rows, rows, rows, rows, rows%500, rows%10000, rows%20, rows%50))
		rows++
	}
	return path, rows
}

// PeakRSS returns the process's peak resident memory (VmHWM), in bytes.
func PeakRSS(tb testing.TB) int {
	tb.Helper()
	n := benchmeter.PeakRSS()
	if n == 0 {
		tb.Fatal("no VmHWM in /proc/self/status")
	}
	return int(n)
}
