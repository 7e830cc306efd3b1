package config

import (
	"flag"
	"strconv"
	"time"
)

// MailTransport are the SMTP transport's settings beyond SMTP_URL.
type MailTransport struct {
	SMTPCAFile   string        // DRIPLINE_SMTP_CA_FILE: PEM file of CAs trusted for the SMTP server's certificate
	SMTPInsecure bool          // DRIPLINE_SMTP_INSECURE: encrypt without checking the certificate (private relays)
	SMTPIdle     time.Duration // DRIPLINE_SMTP_IDLE: idle SMTP connections are closed with QUIT after this
}

// bindMailTransport registers the MailTransport settings on fs.
func (c *Config) bindMailTransport(fs *flag.FlagSet) {
	fs.StringVar(&c.SMTPCAFile, "smtp-ca-file", getenv("DRIPLINE_SMTP_CA_FILE", ""),
		"PEM file of the CAs that sign the SMTP server's certificate (default: the system's) (env DRIPLINE_SMTP_CA_FILE)")
	fs.BoolVar(&c.SMTPInsecure, "smtp-insecure", lookup(c, "DRIPLINE_SMTP_INSECURE", false, strconv.ParseBool, "true or false"),
		"encrypt without checking the SMTP server's certificate, for a private relay; same as insecure=1 in SMTP_URL (env DRIPLINE_SMTP_INSECURE)")
	fs.DurationVar(&c.SMTPIdle, "smtp-idle", lookup(c, "DRIPLINE_SMTP_IDLE", 30*time.Second, time.ParseDuration, "a duration like 30s"),
		"idle SMTP connections are closed with QUIT after this, before the server times them out (Postfix: 300s) (env DRIPLINE_SMTP_IDLE)")
}
