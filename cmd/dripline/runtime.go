package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/hibiken/asynq"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/email"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/internal/queue"
	"github.com/dripline/dripline/tracks"
)

// runtime is the live system built from the configuration: the store, the
// queue, the mail sender and the engine over them.
type runtime struct {
	cfg    *config.Config
	log    *slog.Logger
	store  *postgres.Store
	redis  asynq.RedisClientOpt
	queue  *queue.Queue
	sender email.Sender
	email  *email.Channel
	engine *engine.Engine
}

// openRuntime connects to PostgreSQL and Redis, applies migrations, loads the
// library (storing changed tracks as new versions) and builds the engine.
func openRuntime(ctx context.Context, cfg *config.Config, log *slog.Logger) (rt *runtime, err error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	lib, set, err := loadLibrary(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Secret == config.DevSecret {
		log.Warn("DRIPLINE_SECRET is the development default: anyone can forge unsubscribe links; set your own")
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
	if rt.redis, err = queue.ParseRedisURL(cfg.RedisURL); err != nil {
		return nil, err
	}
	if rt.queue, err = queue.New(rt.redis, queue.Config{Logger: log}); err != nil {
		return nil, err
	}
	if err := rt.queue.Ping(ctx); err != nil {
		return nil, err
	}
	if rt.sender, err = newSender(cfg, log); err != nil {
		return nil, err
	}
	rt.email, err = email.NewChannel(email.ChannelConfig{
		Templates: set, Sender: rt.sender, PublicURL: cfg.PublicURL,
		Secret: []byte(cfg.Secret), DefaultFrom: cfg.From, Domain: cfg.MailDomain, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	channels := engine.TaskChannels()
	channels[tracks.ChannelEmail] = rt.email
	channels[tracks.ChannelLetter] = engine.LetterChannel{Templates: set}
	rt.engine, err = engine.New(engine.Config{
		Store: rt.store, Queue: rt.queue, Clock: clock.Real{}, Logger: log,
		Library: lib, Templates: set, Channels: channels, Business: business(cfg),
		Horizon: cfg.Horizon,
	})
	if err != nil {
		return nil, err
	}
	changes, err := rt.engine.LoadLibrary(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		if c.StillOnOld > 0 {
			log.Info("track has a new version", "track", c.Track, "version", c.Version, "still_on_old", c.StillOnOld)
		}
	}
	return rt, nil
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

// handler is the daemon's HTTP surface: the API and the public email pages.
func (rt *runtime) handler() http.Handler {
	mux := http.NewServeMux()
	(&email.Handlers{
		Secret: []byte(rt.cfg.Secret), Unsubscriber: rt.engine, Bouncer: rt.engine,
		BusinessName: rt.cfg.BusinessName, WebhookToken: rt.cfg.WebhookToken, Logger: rt.log,
	}).Register(mux)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	return mux
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

// openStore creates the database if it is missing, connects and migrates.
func openStore(ctx context.Context, cfg *config.Config) (*postgres.Store, error) {
	if err := postgres.CreateDatabase(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
	store, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if err := postgres.Migrate(ctx, store.Pool()); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}
