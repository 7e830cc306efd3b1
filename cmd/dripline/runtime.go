package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/email"
	"github.com/dripline/dripline/internal/httpapi"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/internal/queue"
	"github.com/dripline/dripline/tracks"
)

// runtime is the live system built from the configuration: the store, the
// queue, the mail sender, the engine over them and the CRM store beside it.
type runtime struct {
	cfg    *config.Config
	log    *slog.Logger
	store  *postgres.Store
	redis  asynq.RedisClientOpt
	queue  *queue.Queue // nil for commands that only write to the database
	sender email.Sender
	email  *email.Channel
	engine *engine.Engine
	crm    *crm.Service
}

// openRuntime connects to PostgreSQL (creating and migrating the database when
// needed), loads the library (storing changed tracks as new versions) and
// builds the engine. With withQueue it also connects to Redis, for the
// daemon; the import commands only write to the database, and the daemon's
// scheduler picks up the touches they schedule.
func openRuntime(ctx context.Context, cfg *config.Config, log *slog.Logger, withQueue bool) (rt *runtime, err error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	lib, set, err := loadLibrary(cfg)
	if err != nil {
		return nil, err
	}
	rt = &runtime{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			rt.Close()
		}
	}()
	if rt.store, err = openStore(ctx, cfg); err != nil {
		return nil, err
	}
	ecfg := engine.Config{
		Store: rt.store, Clock: clock.Real{}, Logger: log, Library: lib, Templates: set,
		Channels: engine.TaskChannels(), Business: business(cfg), Horizon: cfg.Horizon,
	}
	if withQueue {
		if err := rt.openQueue(ctx, set); err != nil {
			return nil, err
		}
		ecfg.Queue = rt.queue
		ecfg.Channels[tracks.ChannelEmail] = rt.email
		ecfg.Channels[tracks.ChannelLetter] = engine.LetterChannel{Templates: set}
	}
	if rt.engine, err = engine.New(ecfg); err != nil {
		return nil, err
	}
	changes, err := rt.engine.LoadLibrary(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		if c.StillOnOld > 0 {
			log.Info("track has a new version; running enrollments stay on theirs until `dripline enrollments move`",
				"track", c.Track, "version", c.Version, "still_on_old", c.StillOnOld)
		}
	}
	rt.crm, err = crm.New(postgres.NewCRM(rt.store.Pool()), crm.Options{Sink: rt.engine, Library: lib, Logger: log})
	return rt, err
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
	if rt.queue, err = queue.New(rt.redis, queue.Config{Logger: rt.log}); err != nil {
		return err
	}
	if err := rt.queue.Ping(ctx); err != nil {
		return err
	}
	if rt.sender, err = newSender(cfg, rt.log); err != nil {
		return err
	}
	rt.email, err = newEmailChannel(cfg, set, rt.sender, rt.log)
	return err
}

// newEmailChannel is the email channel the settings describe, over sender.
func newEmailChannel(cfg *config.Config, set email.Renderer, sender email.Sender, log *slog.Logger) (*email.Channel, error) {
	return email.NewChannel(email.ChannelConfig{
		Templates: set, Sender: sender, PublicURL: cfg.PublicURL,
		Secret: cfg.SecretKeys()[0], DefaultFrom: cfg.From, Domain: cfg.MailDomain, Logger: log,
	})
}

// openStore creates the database if it is missing, connects and migrates.
// Unless DATABASE_URL sets pool_max_conns, the pool holds a connection per
// worker and a few more for the scheduler and the API.
func openStore(ctx context.Context, cfg *config.Config) (*postgres.Store, error) {
	if err := postgres.CreateDatabase(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
	pcfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("database url: %w", err)
	}
	if !strings.Contains(cfg.DatabaseURL, "pool_max_conns") {
		pcfg.MaxConns = int32(cfg.Workers + 8)
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("connect to the database: %w", err)
	}
	if err := postgres.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return postgres.New(pool), nil
}

// newSender is the SMTP sender when SMTP_URL is set, else the file transport.
func newSender(cfg *config.Config, log *slog.Logger) (email.Sender, error) {
	if cfg.SMTPURL == "" {
		log.Info("no SMTP_URL: emails are written as .eml files", "dir", cfg.MailDir)
		return email.NewFileSender(cfg.MailDir)
	}
	sc, err := email.ParseURL(cfg.SMTPURL)
	if err != nil {
		return nil, err
	}
	sc.RatePerSecond, sc.MaxConns, sc.HELO, sc.Logger = cfg.SMTPRate, cfg.SMTPConns, cfg.SMTPHelo, log
	return email.NewSMTPSender(sc)
}

// handler is the daemon's HTTP surface: the JSON API and the public email
// pages (unsubscribe, bounce webhook).
func (rt *runtime) handler() http.Handler {
	pages := http.NewServeMux()
	(&email.Handlers{
		Secrets: rt.cfg.SecretKeys(), Unsubscriber: rt.engine, Bouncer: rt.engine,
		BusinessName: rt.cfg.BusinessName, WebhookToken: rt.cfg.WebhookToken, Logger: rt.log,
	}).Register(pages)
	return httpapi.New(httpapi.Deps{
		CRM: rt.crm, Engine: rt.engine, Logger: rt.log,
		Mount: map[string]http.Handler{"/u/": pages, "/webhooks/": pages},
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

// quietLogger logs warnings and errors only, for one-shot commands.
func quietLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
