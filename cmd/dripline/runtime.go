package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/email"
	"github.com/dripline/dripline/internal/httpapi"
	"github.com/dripline/dripline/internal/metrics"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/internal/queue"
	"github.com/dripline/dripline/internal/web"
	"github.com/dripline/dripline/tracks"
)

// access is what a command does with the database.
type access int

const (
	readOnly  access = iota // reads: no migration, no track versions, read-only transactions
	readWrite               // writes: migrates, stores the library's tracks as versions
	daemon                  // readWrite, plus the queue and the channels that send
)

// runtimeOptions says how to build a runtime.
type runtimeOptions struct {
	access access
	log    *slog.Logger
	clock  engine.Clock // default the wall clock; tests move a virtual one
}

// runtime is the live system built from the configuration: the store, the
// queue, the mail sender, the engine over them and the CRM store beside it.
type runtime struct {
	cfg     *config.Config
	log     *slog.Logger
	store   *postgres.Store
	redis   asynq.RedisConnOpt
	queue   *queue.Queue     // nil unless the runtime is the daemon's
	metrics *metrics.Metrics // nil unless the runtime is the daemon's
	sender  email.Sender
	email   *email.Channel
	engine  *engine.Engine
	crm     *crm.Service
	// letters is the pile of printed letters, for the daemon's API; the
	// letters command opens its own (openLetters).
	letters *crm.Letters

	reports  *crm.Reports
	leadForm http.Handler // POST /forms/lead; nil unless the runtime is the daemon's
	pages    *web.Pages   // the daemon's web pages; nil otherwise
}

// openRuntime connects to PostgreSQL and builds the engine and the CRM store.
// A readWrite or daemon runtime creates and migrates the database when needed
// and stores changed tracks as new versions; a daemon one also connects to
// Redis. The import commands only write to the database, and the daemon's
// scheduler picks up the touches they schedule.
func openRuntime(ctx context.Context, cfg *config.Config, opts runtimeOptions) (_ *runtime, err error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	lib, set, err := engine.ReadLibrary(cfg.TracksDir, cfg.TemplatesDir)
	if err != nil {
		return nil, err
	}
	if opts.clock == nil {
		opts.clock = clock.Real{}
	}
	if opts.log == nil {
		opts.log = slog.New(slog.DiscardHandler)
	}
	rt := &runtime{cfg: cfg, log: opts.log}
	defer func() {
		if err != nil {
			rt.Close()
		}
	}()
	if opts.access == readOnly {
		rt.store, err = postgres.OpenReadOnly(ctx, cfg.DatabaseURL)
	} else {
		rt.store, err = postgres.OpenMigrated(ctx, cfg.DatabaseURL, int32(cfg.PoolSize()))
	}
	if err != nil {
		return nil, err
	}
	ecfg := engine.Config{
		Store: rt.store, Clock: opts.clock, Logger: opts.log, Library: lib, Templates: set,
		Channels: engine.TaskChannels(), Business: cfg.Business(), Horizon: cfg.Horizon,
		Lease: cfg.Lease, StaleQueued: cfg.Reconcile, LateAfter: cfg.MaxLate,
	}
	if opts.access == daemon {
		checkConnectionBudget(ctx, rt.store, cfg, rt.log)
		if err := rt.openQueue(ctx, set); err != nil {
			return nil, err
		}
		ecfg.Queue, ecfg.Observer = rt.queue, rt.metrics
		ecfg.Channels[tracks.ChannelEmail] = rt.email
		ecfg.Channels[tracks.ChannelLetter] = engine.LetterChannel{Templates: set}
	}
	if rt.engine, err = engine.New(ecfg); err != nil {
		return nil, err
	}
	if opts.access != readOnly {
		if err := rt.loadTracks(ctx); err != nil {
			return nil, err
		}
	}
	if rt.crm, err = crm.New(postgres.NewCRM(rt.store.Pool()), crm.Options{Sink: rt.engine, Library: lib, Logger: opts.log, Clock: opts.clock}); err != nil {
		return nil, err
	}
	if err := rt.openReports(lib, opts.clock, opts.access == daemon); err != nil {
		return nil, err
	}
	if opts.access == daemon {
		if rt.letters, err = rt.openLetters(opts.clock, false); err != nil {
			return nil, err
		}
		if rt.pages, err = rt.openPages(lib, set, opts.clock); err != nil {
			return nil, err
		}
	}
	return rt, nil
}

// loadTracks stores the library's tracks, saying which changed tracks still
// have enrollments running on an older version and which stored tracks with
// open enrollments the library lacks.
func (rt *runtime) loadTracks(ctx context.Context) error {
	changes, err := rt.engine.LoadLibrary(ctx)
	if err != nil {
		return err
	}
	for _, c := range changes {
		if c.StillOnOld > 0 {
			rt.log.Info("track has a new version; running enrollments stay on theirs until `dripline enrollments move`",
				"track", c.Track, "version", c.Version, "still_on_old", c.StillOnOld)
		}
	}
	all, err := rt.engine.TrackOverview(ctx)
	if err != nil {
		return err
	}
	for _, t := range all {
		if t.Missing() {
			rt.log.Warn("track missing from the loaded library: its enrollments cannot go on until its file is back",
				"track", t.Track, "open_enrollments", t.Open())
		}
	}
	return nil
}

// openQueue connects to Redis and builds the email channel the workers use.
func (rt *runtime) openQueue(ctx context.Context, set email.Renderer) error {
	cfg := rt.cfg
	if string(cfg.SecretKeys()[0]) == config.DevSecret {
		rt.log.Warn("DRIPLINE_SECRET is the development default: anyone can forge unsubscribe links; set your own")
	}
	var err error
	if rt.redis, err = queue.ParseRedisURL(cfg.RedisURL); err != nil {
		return err
	}
	if rt.queue, err = queue.New(rt.redis, queue.Config{Timeout: cfg.Lease, Logger: rt.log}); err != nil {
		return err
	}
	if err := rt.queue.Ping(ctx); err != nil {
		return err
	}
	rt.openMetrics()
	if rt.sender, err = newSender(cfg, rt.log, rt.metrics, emailRetries{ctx, rt.queue, rt.log}); err != nil {
		return err
	}
	rt.email, err = email.NewChannel(emailConfig(cfg, set, rt.sender, rt.log))
	return err
}

// emailConfig is the email channel the settings describe, over sender.
func emailConfig(cfg *config.Config, set email.Renderer, sender email.Sender, log *slog.Logger) email.ChannelConfig {
	return email.ChannelConfig{
		Templates: set, Sender: sender, PublicURL: cfg.PublicURL,
		Secret: cfg.SecretKeys()[0], DefaultFrom: cfg.From, Domain: cfg.MailDomain, BounceAddress: cfg.Bounce, Logger: log,
	}
}

// emailRetries runs the email queue's retries once the SMTP server accepts
// our sessions again, so the touches an outage held back go out now rather
// than after their backoff (up to 10 minutes).
type emailRetries struct {
	ctx context.Context // the runtime's: its end stops a pass not yet run
	q   *queue.Queue
	log *slog.Logger
}

// retryAgain is how long after an outage ends its retries run a second
// time: a send that found delivery paused just before the server came back
// fails after that, and reaches asynq's retries only once the first pass
// has read them (a fault-suite run logged a dozen such sends in the 0.1 s
// before the server was seen back).
const retryAgain = 2 * time.Second

// Resumed implements email.ResumeObserver, in the background: the send
// that saw the server back should not wait for Redis.
func (r emailRetries) Resumed() {
	go func() {
		n, err := r.q.RunRetries(tracks.ChannelEmail)
		if err == nil {
			select {
			case <-time.After(retryAgain):
			case <-r.ctx.Done():
				return
			}
			var more int
			more, err = r.q.RunRetries(tracks.ChannelEmail)
			n += more
		}
		if err != nil {
			r.log.Warn("SMTP outage over, but the touches it held back wait for their retry backoff", "err", err)
			return
		}
		r.log.Info("SMTP outage over: the touches it held back run now", "touches", n)
	}()
}

// newSender is the SMTP sender when SMTP_URL is set, else the file
// transport; replies hears the SMTP server's replies and resumed the end of
// an outage (both may be nil).
func newSender(cfg *config.Config, log *slog.Logger, replies email.ReplyObserver, resumed email.ResumeObserver) (email.Sender, error) {
	if cfg.SMTPURL == "" {
		log.Info("no SMTP_URL: emails are written as .eml files", "dir", cfg.MailDir)
		return email.NewFileSender(cfg.MailDir)
	}
	sc, err := email.ParseURL(cfg.SMTPURL)
	if err != nil {
		return nil, err
	}
	sc.RatePerSecond, sc.MaxConns, sc.HELO, sc.Logger, sc.Replies, sc.Resumed = cfg.SMTPRate, cfg.SMTPConns, ehloName(cfg), log, replies, resumed
	sc.CAFile, sc.Insecure, sc.IdleTimeout = cfg.SMTPCAFile, sc.Insecure || cfg.SMTPInsecure, cfg.SMTPIdle
	return email.NewSMTPSender(sc)
}

// ehloName is the name the SMTP sender gives in EHLO: --smtp-helo, else the
// mail domain (servers with reject_non_fqdn_helo_hostname refuse a short
// host name), else go-mail's default, the host name.
func ehloName(cfg *config.Config) string {
	if cfg.SMTPHelo != "" {
		return cfg.SMTPHelo
	}
	from, _ := mail.ParseAddress(cfg.From) // a bad sender is refused by the email channel
	if d := email.MailDomain(cfg.MailDomain, from); strings.Contains(d, ".") {
		return d
	}
	return ""
}

// handler is the daemon's HTTP surface: the JSON API, for API tokens, the
// public pages (unsubscribe, bounce webhook, /readyz, /metrics, the lead
// form) and the web pages, for sessions.
func (rt *runtime) handler() http.Handler {
	pages := http.NewServeMux()
	(&email.Handlers{
		Secrets: rt.cfg.SecretKeys(), Unsubscriber: rt.engine, Bouncer: rt.engine,
		BusinessName: rt.cfg.BusinessName, WebhookToken: rt.cfg.WebhookToken, Logger: rt.log,
	}).Register(pages)
	mounts := rt.mounts(pages)
	maps.Copy(mounts, rt.publicMounts())
	if rt.pages != nil {
		maps.Copy(mounts, rt.pages.Mount())
	}
	return httpapi.New(httpapi.Deps{
		CRM: rt.crm, Letters: rt.letters, Engine: rt.engine, Reports: rt.reports, Logger: rt.log,
		Actor: httpapi.Bearer(rt.crm), Mount: mounts,
	})
}

// Close releases every connection the runtime holds.
func (rt *runtime) Close() error {
	var errs []error
	if rt.sender != nil {
		errs = append(errs, rt.sender.Close())
	}
	if rt.queue != nil {
		errs = append(errs, rt.queue.Close())
	}
	if rt.store != nil {
		rt.store.Close()
	}
	return errors.Join(errs...)
}

// openCRM opens the runtime of a one-shot command, which logs only
// warnings and errors, to stderr.
func openCRM(ctx context.Context, cfg *config.Config, a access, stderr io.Writer) (*runtime, error) {
	return openRuntime(ctx, cfg, runtimeOptions{access: a, log: quietLogger(stderr)})
}

// quietLogger logs warnings and errors only, for one-shot commands.
func quietLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
