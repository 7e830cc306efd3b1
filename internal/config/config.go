// Package config holds Dripline's settings. Every setting is a flag and an
// environment variable; a flag given on the command line wins over the
// environment, which wins over the default.
package config

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/dripline/dripline/templates"
)

// DevSecret is the unsubscribe signing key used when DRIPLINE_SECRET is not
// set. Anyone can read it here, so `serve` refuses it unless --dev is given.
const DevSecret = "dripline-development-secret"

// Config is every setting of the daemon and the commands.
type Config struct {
	DatabaseURL  string // DATABASE_URL: PostgreSQL connection string
	RedisURL     string // REDIS_URL: Redis for asynq, redis://host:port/db
	SMTPURL      string // SMTP_URL: smtp://user:pass@host:port?tls=none|starttls|tls; empty writes .eml files
	MailDir      string // DRIPLINE_MAIL_DIR: where the file transport writes .eml files
	HTTPAddr     string // DRIPLINE_HTTP_ADDR: API, unsubscribe and metrics
	PublicURL    string // DRIPLINE_PUBLIC_URL: base of links in emails
	TracksDir    string // DRIPLINE_TRACKS: folder of tracks replacing the embedded library
	TemplatesDir string // DRIPLINE_TEMPLATES: folder of templates added to the embedded ones
	Secret       string // DRIPLINE_SECRET: comma-separated keys; the first signs unsubscribe links, all verify
	Dev          bool   // --dev: development mode, the public DevSecret allowed
	From         string // DRIPLINE_SENDER: sender when a contact has no owner rep
	MailDomain   string // DRIPLINE_MAIL_DOMAIN: domain of Message-IDs; keep it stable
	SMTPHelo     string // DRIPLINE_SMTP_HELO: name sent in EHLO
	Bounce       string // DRIPLINE_BOUNCE_ADDRESS: envelope sender, VERP-tagged with the touch id
	MailTransport
	WebhookToken string        // DRIPLINE_WEBHOOK_TOKEN: bearer token the bounce webhook requires
	BusinessName string        // DRIPLINE_BUSINESS_NAME: merge field .Business.Name
	BusinessAddr string        // DRIPLINE_BUSINESS_ADDRESS: postal address in every email footer
	BusinessTel  string        // DRIPLINE_BUSINESS_PHONE
	Paper        string        // DRIPLINE_PAPER: letter (default) or a4, for letters and label sheets
	LabelOffset  string        // DRIPLINE_LABEL_OFFSET: "x,y" in millimetres, shifts label sheets to fit a printer
	Tick         time.Duration // DRIPLINE_TICK: how often the scheduler looks for due touches
	Horizon      time.Duration // DRIPLINE_HORIZON: how far ahead touches are handed to Redis
	SMTPRate     float64       // DRIPLINE_SMTP_RATE: messages per second to the SMTP server
	SMTPConns    int           // DRIPLINE_SMTP_CONNS: SMTP connections kept open at most
	Stages       string        // DRIPLINE_STAGE_PROBABILITIES: the pipeline's stages, "Prospect=0.1,Discovery=0.6,…"; empty for the defaults
	Territories  string        // DRIPLINE_TERRITORIES: web leads' owners, "CA=alice,981=carol"; empty for round robin only
	FormOrigins  string        // DRIPLINE_FORM_ORIGINS: comma-separated origins the lead form may redirect to
	FormRate     int           // DRIPLINE_FORM_RATE: lead forms one client address may post a minute
	Operations

	bad []string // malformed environment values, reported by Check
}

// Group is a set of settings that a command takes together. A command
// binds the groups it uses, so its --help lists only its own flags.
type Group uint

// The groups of settings.
const (
	Database  Group = 1 << iota // --database-url
	Tracks                      // --tracks
	Templates                   // --templates
	Business                    // --business-name, --business-address, --business-phone
	Email                       // --public-url, --secret, --sender, --mail-domain: building messages
	Daemon                      // Redis, SMTP, the mail folder, HTTP, the webhook token, tick, horizon, Operations
	Letters                     // --paper, --label-offset: printing letters
	Reports                     // --stage-probabilities
	Leads                       // --territories, --form-origins, --form-rate

	Library = Tracks | Templates
	All     = Database | Library | Business | Email | Daemon | Letters | Reports | Leads
)

// Bind registers the settings of groups on fs (every setting when none is
// given), with defaults taken from the environment. Settings outside groups
// take the environment or their defaults too, but a malformed environment
// value of one is ignored rather than reported by Check. Read the values
// after fs.Parse.
func Bind(fs *flag.FlagSet, groups ...Group) *Config {
	var g Group
	for _, x := range groups {
		g |= x
	}
	if g == 0 {
		g = All
	}
	c := &Config{}
	unbound := flag.NewFlagSet("unbound", flag.ContinueOnError)
	for _, one := range []Group{Database, Tracks, Templates, Business, Email, Daemon, Letters, Reports, Leads} {
		if g&one != 0 {
			c.bind(fs, one)
			continue
		}
		bad := len(c.bad)
		c.bind(unbound, one)
		c.bad = c.bad[:bad]
	}
	for _, name := range []string{"database-url", "redis-url", "smtp-url"} {
		if f := fs.Lookup(name); f != nil {
			f.DefValue = RedactURL(f.DefValue)
		}
	}
	return c
}

// bind registers the settings of one group on fs.
func (c *Config) bind(fs *flag.FlagSet, g Group) {
	str := func(p *string, name, env, def, usage string) {
		fs.StringVar(p, name, getenv(env, def), usage+" (env "+env+")")
	}
	switch g {
	case Database:
		str(&c.DatabaseURL, "database-url", "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dripline?sslmode=disable", "PostgreSQL connection string")
	case Tracks:
		str(&c.TracksDir, "tracks", "DRIPLINE_TRACKS", "", "folder of track YAML replacing the embedded library")
	case Templates:
		str(&c.TemplatesDir, "templates", "DRIPLINE_TEMPLATES", "", "folder of templates added to the embedded ones")
	case Business:
		str(&c.BusinessName, "business-name", "DRIPLINE_BUSINESS_NAME", "Summit Technology Partners", "business name in letters and emails")
		str(&c.BusinessAddr, "business-address", "DRIPLINE_BUSINESS_ADDRESS", "1600 Mill Rock Way, Bakersfield, CA 93311", "postal address in every email footer")
		str(&c.BusinessTel, "business-phone", "DRIPLINE_BUSINESS_PHONE", "(661) 555-0140", "business phone in letters and emails")
	case Email:
		str(&c.PublicURL, "public-url", "DRIPLINE_PUBLIC_URL", "http://127.0.0.1:8080", "base of links in emails")
		secret(fs, &c.Secret, "secret", "DRIPLINE_SECRET", "comma-separated keys for unsubscribe links: the first signs, all verify; required by serve without --dev")
		str(&c.From, "sender", "DRIPLINE_SENDER", "Dripline <marketing@example.com>", "sender when a contact has no owner rep")
		str(&c.MailDomain, "mail-domain", "DRIPLINE_MAIL_DOMAIN", "", "domain of Message-IDs (default: the sender's domain); keep it stable across restarts")
		str(&c.Bounce, "bounce-address", "DRIPLINE_BOUNCE_ADDRESS", "", "envelope sender of every email, tagged with the touch id (bounces@example.com → bounces+t123@example.com); empty: the From address")
	case Daemon:
		c.bindDaemon(fs, str)
	case Letters:
		str(&c.Paper, "paper", "DRIPLINE_PAPER", "letter", "paper letters print on: letter or a4")
		str(&c.LabelOffset, "label-offset", "DRIPLINE_LABEL_OFFSET", "0,0", `printer calibration of label sheets: "x,y" in millimetres, right and down`)
	case Reports:
		str(&c.Stages, "stage-probabilities", "DRIPLINE_STAGE_PROBABILITIES", "", "the pipeline's sales stages in order with their probabilities, such as \"Prospect=0.1,Discovery=60%\" (default CharTec's six stages)")
	case Leads:
		str(&c.Territories, "territories", "DRIPLINE_TERRITORIES", "", "owners of web leads by region or postal code prefix, such as \"CA=alice,981=carol\"; others go round robin to the sales reps")
		str(&c.FormOrigins, "form-origins", "DRIPLINE_FORM_ORIGINS", "", "comma-separated origins besides the public URL the lead form may redirect to, such as https://www.example.com")
		fs.IntVar(&c.FormRate, "form-rate", lookup(c, "DRIPLINE_FORM_RATE", 10, strconv.Atoi, "a whole number"), "lead forms one client address may post a minute (env DRIPLINE_FORM_RATE)")
	}
}

// bindDaemon registers the settings only the daemon uses.
func (c *Config) bindDaemon(fs *flag.FlagSet, str func(p *string, name, env, def, usage string)) {
	c.bindMailTransport(fs)
	str(&c.RedisURL, "redis-url", "REDIS_URL", "redis://127.0.0.1:6379/0", "Redis for the queue")
	str(&c.SMTPURL, "smtp-url", "SMTP_URL", "", "SMTP server, smtp://user:pass@host:port?tls=none|starttls|tls; empty writes .eml files")
	str(&c.MailDir, "mail-dir", "DRIPLINE_MAIL_DIR", "./var/mail", "folder for .eml files when no SMTP server is set")
	str(&c.HTTPAddr, "http-addr", "DRIPLINE_HTTP_ADDR", "127.0.0.1:8080", "address of the HTTP API")
	str(&c.SMTPHelo, "smtp-helo", "DRIPLINE_SMTP_HELO", "", "name sent in EHLO (default: the mail domain, else this host's name)")
	secret(fs, &c.WebhookToken, "webhook-token", "DRIPLINE_WEBHOOK_TOKEN", "bearer token required on POST /webhooks/bounce; empty closes the webhook")
	fs.BoolVar(&c.Dev, "dev", false, "development mode: without DRIPLINE_SECRET, sign with a public development key")
	fs.DurationVar(&c.Tick, "tick", lookup(c, "DRIPLINE_TICK", 5*time.Second, time.ParseDuration, "a duration like 5s"), "how often the scheduler looks for due touches (env DRIPLINE_TICK)")
	fs.DurationVar(&c.Horizon, "horizon", lookup(c, "DRIPLINE_HORIZON", 5*time.Minute, time.ParseDuration, "a duration like 5s"), "how far ahead touches are handed to Redis (env DRIPLINE_HORIZON)")
	fs.Float64Var(&c.SMTPRate, "smtp-rate", lookup(c, "DRIPLINE_SMTP_RATE", 0, parseFloat, "a number"), "messages per second to the SMTP server, 0 for no limit (env DRIPLINE_SMTP_RATE)")
	fs.IntVar(&c.SMTPConns, "smtp-conns", lookup(c, "DRIPLINE_SMTP_CONNS", 8, strconv.Atoi, "a whole number"), "SMTP connections kept open at most (env DRIPLINE_SMTP_CONNS)")
	c.bindOperations(fs)
}

func getenv(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// lookup reads the environment variable name with parse, falling back to def
// when it is unset. A malformed value also falls back to def, and is recorded
// so Check can refuse a typo in the environment instead of ignoring it; want
// says what the value should look like.
func lookup[T any](c *Config, name string, def T, parse func(string) (T, error), want string) T {
	v, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	x, err := parse(v)
	if err != nil {
		c.bad = append(c.bad, fmt.Sprintf("%s=%q: want %s", name, v, want))
		return def
	}
	return x
}

// parseFloat reads a float64, for lookup.
func parseFloat(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

// Check reports malformed environment values and settings out of range.
func (c *Config) Check() error {
	if len(c.bad) > 0 {
		return fmt.Errorf("bad environment: %s", c.bad[0])
	}
	if c.Tick <= 0 || c.Horizon <= 0 || c.SMTPConns <= 0 || c.SMTPRate < 0 {
		return fmt.Errorf("--tick, --horizon and --smtp-conns must be positive, --smtp-rate not negative")
	}
	if err := c.checkOperations(); err != nil {
		return err
	}
	if c.FormRate < 0 {
		return fmt.Errorf("--form-rate must not be negative")
	}
	return c.checkSecret()
}

// Business is the merge data about the business sending the touches.
func (c *Config) Business() templates.Business {
	return templates.Business{Name: c.BusinessName, Address: c.BusinessAddr, Phone: c.BusinessTel}
}
