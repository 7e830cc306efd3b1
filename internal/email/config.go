package email

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"
)

// TLSPolicy is how the SMTP connection is encrypted.
type TLSPolicy string

// The TLS policies SMTP_URL accepts in its tls parameter.
const (
	TLSNone     TLSPolicy = "none"     // plain text; for loopback relays and tests
	TLSStartTLS TLSPolicy = "starttls" // STARTTLS, required (the connection fails without it)
	TLSImplicit TLSPolicy = "tls"      // TLS from the first byte (SMTPS, usually port 465)
)

// Default ports per policy when SMTP_URL names none.
var defaultPorts = map[TLSPolicy]int{TLSNone: 25, TLSStartTLS: 587, TLSImplicit: 465}

// Config is how to reach one SMTP server. ParseURL fills the connection
// fields; the rest come from their own settings. Zero values take the
// documented defaults.
type Config struct {
	Host     string
	Port     int
	TLS      TLSPolicy
	Username string // empty: no SMTP AUTH
	Password string

	RatePerSecond float64       // messages per second to this server; 0: no limit
	MaxConns      int           // connections kept open and used at once; default 4
	HELO          string        // name sent in EHLO; default the machine's fully qualified name, else its host name
	Timeout       time.Duration // per SMTP command and dial; default 30s

	TLSConfig   *tls.Config   // optional; default verifies the server as Host against CAFile or the system's CAs
	CAFile      string        // PEM file of the CAs trusted for the server's certificate (DRIPLINE_SMTP_CA_FILE)
	Insecure    bool          // encrypt but accept any certificate: a private relay (insecure=1, DRIPLINE_SMTP_INSECURE)
	IdleTimeout time.Duration // an idle connection is closed with QUIT after this; default 30s
	Limiter     Limiter       // optional; replaces the limiter built from RatePerSecond
	Logger      *slog.Logger  // optional; default discards
	Clock       Clock         // optional; times the backoff while the server refuses our sessions; default real time
	// Replies, when set, hears the SMTP reply code that ended each message:
	// 250 when it was delivered, else the failing reply's code. A message
	// that failed without a reply (a dropped connection) is not heard.
	Replies ReplyObserver
	// Resumed, when set, hears each time the server accepts our sessions
	// again after an outage, so the touches the outage held back can be
	// retried now rather than after their backoff.
	Resumed ResumeObserver
}

// ResumeObserver hears the end of an outage of the transport.
type ResumeObserver interface {
	// Resumed is called when the server accepts our sessions again, by the
	// send that found so, before it returns: keep it short.
	Resumed()
}

// ReplyObserver hears SMTP reply codes; metrics.Metrics is one.
type ReplyObserver interface {
	SMTPReply(code int)
}

// String shows the configuration as an SMTP_URL with the password hidden.
func (c Config) String() string {
	u := url.URL{Scheme: "smtp", Host: c.Host + ":" + strconv.Itoa(c.Port), RawQuery: "tls=" + string(c.TLS)}
	if c.Username != "" {
		u.User = url.UserPassword(c.Username, "xxxxx")
	}
	return u.String()
}

// ParseURL reads an SMTP_URL: smtp://user:pass@host:port?tls=none|starttls|tls.
// User, password and port are optional; the port defaults to 25, 587 or 465
// by policy, and the policy to starttls (tls on port 465). Errors name the
// part of the URL that is wrong and never echo the password.
func ParseURL(s string) (Config, error) {
	if s == "" {
		return Config{}, errors.New("smtp url: empty (want smtp://user:pass@host:port?tls=none|starttls|tls)")
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the whole URL, password included
		}
		return Config{}, fmt.Errorf("smtp url: malformed: %v", err)
	}
	if err := checkShape(u); err != nil {
		return Config{}, fmt.Errorf("smtp url: %w", err)
	}
	c := Config{Host: u.Hostname()}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if c.TLS, err = parseTLS(u.RawQuery, u.Port()); err != nil {
		return Config{}, fmt.Errorf("smtp url: %w", err)
	}
	if c.Insecure, err = parseInsecure(u.Query()); err != nil {
		return Config{}, fmt.Errorf("smtp url: %w", err)
	}
	if c.Port, err = parsePort(u.Port(), c.TLS); err != nil {
		return Config{}, fmt.Errorf("smtp url: %w", err)
	}
	return c, nil
}

// checkShape refuses everything but smtp://[userinfo@]host[:port][/][?query].
func checkShape(u *url.URL) error {
	switch {
	case u.Scheme != "smtp":
		return fmt.Errorf("scheme %q: want smtp", u.Scheme)
	case u.Opaque != "":
		return errors.New("want smtp://host:port, not smtp:host")
	case u.Hostname() == "":
		return errors.New("host: missing")
	case u.Path != "" && u.Path != "/":
		return fmt.Errorf("path %q: want none", u.Path)
	case u.Fragment != "":
		return fmt.Errorf("fragment %q: want none", u.Fragment)
	}
	return nil
}

// parseTLS reads the query: only tls is allowed, at most once.
func parseTLS(rawQuery, port string) (TLSPolicy, error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", fmt.Errorf("query: %v", err)
	}
	for k := range q {
		if k != "tls" && k != "insecure" {
			return "", fmt.Errorf("query parameter %q: unknown (want tls or insecure)", k)
		}
	}
	switch v := q["tls"]; {
	case len(v) > 1:
		return "", errors.New("tls: given more than once")
	case len(v) == 0 && port == "465":
		return TLSImplicit, nil
	case len(v) == 0:
		return TLSStartTLS, nil
	}
	p := TLSPolicy(q.Get("tls"))
	if _, ok := defaultPorts[p]; !ok {
		return "", fmt.Errorf("tls=%q: want none, starttls or tls", string(p))
	}
	return p, nil
}

// parseInsecure reads insecure=1 (or 0), which turns off certificate checks.
func parseInsecure(q url.Values) (bool, error) {
	switch v := q["insecure"]; {
	case len(v) == 0:
		return false, nil
	case len(v) > 1:
		return false, errors.New("insecure: given more than once")
	case v[0] == "1":
		return true, nil
	case v[0] == "0":
		return false, nil
	}
	return false, fmt.Errorf("insecure=%q: want 1 or 0", q.Get("insecure"))
}

// parsePort reads the port, or picks the policy's default.
func parsePort(port string, p TLSPolicy) (int, error) {
	if port == "" {
		return defaultPorts[p], nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("port %q: want 1-65535", port)
	}
	return n, nil
}
