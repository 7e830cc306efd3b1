package email

import (
	"net"
	"os"
	"strings"
)

// hostFQDN is this machine's fully qualified name, for EHLO when nothing
// better is configured: servers with reject_non_fqdn_helo_hostname refuse a
// short host name. It is "" when the name cannot be found or is not fully
// qualified, and go-mail falls back to the short name.
func hostFQDN() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return fqdn(h, net.LookupCNAME)
}

// fqdn is host when it is fully qualified, else its canonical name from
// lookup when that is, else "".
func fqdn(host string, lookup func(string) (string, error)) string {
	if qualified(host) {
		return host
	}
	if c, err := lookup(host); err == nil && qualified(strings.TrimSuffix(c, ".")) {
		return strings.TrimSuffix(c, ".")
	}
	return ""
}

// qualified reports whether name has a dot inside it, as a domain name must
// to be fully qualified; "localhost.localdomain" and the like do not count.
func qualified(name string) bool {
	name = strings.TrimSuffix(name, ".")
	return strings.Contains(strings.Trim(name, "."), ".") && !strings.HasPrefix(strings.ToLower(name), "localhost.")
}
