package email

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"
	"golang.org/x/time/rate"

	"github.com/dripline/dripline/engine"
)

// Sender hands a built message to a transport.
//
// Send returns nil once the message is delivered (or was delivered despite a
// later error). Otherwise the error says what to do: an *engine.SuppressError
// for a hard bounce, an error marked engine.Permanent when retrying cannot
// help, and any other error is temporary and worth retrying.
type Sender interface {
	Send(ctx context.Context, m *gomail.Msg) error
	Close() error
}

// Limiter paces sending; *rate.Limiter is one.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Defaults for Config's zero values.
const (
	DefaultMaxConns = 4
	DefaultTimeout  = 30 * time.Second
	// DefaultIdleTimeout is well below Postfix's smtpd_timeout (300s).
	DefaultIdleTimeout = 30 * time.Second
)

// SMTPSender sends through one SMTP server with go-mail. It keeps at most
// MaxConns connections open and reuses them across messages, sends at most
// RatePerSecond messages a second, and is safe for concurrent use.
type SMTPSender struct {
	cfg    Config
	addr   string
	client *gomail.Client // configuration and protocol; connections live in the pool
	limit  Limiter
	slots  chan struct{} // one per message being sent, at most MaxConns
	gate   *gate
	log    *slog.Logger

	mu     sync.Mutex
	idle   []idleConn
	closed bool
	stop   chan struct{} // closed by Close: ends the idle reaper
}

// idleConn is a pooled connection and when it was last used.
type idleConn struct {
	c     *gosmtp.Client
	since time.Time
}

var _ Sender = (*SMTPSender)(nil)

// NewSMTPSender checks cfg and returns a sender. It connects lazily: the
// first Send opens the first connection.
func NewSMTPSender(cfg Config) (*SMTPSender, error) {
	cfg = withDefaults(cfg)
	opts, err := clientOptions(cfg)
	if err != nil {
		return nil, fmt.Errorf("smtp %s: %w", cfg, err)
	}
	client, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp %s: %w", cfg, err)
	}
	s := &SMTPSender{
		cfg: cfg, stop: make(chan struct{}), addr: net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)), client: client,
		limit: cfg.Limiter, slots: make(chan struct{}, cfg.MaxConns), log: cfg.Logger,
		gate: &gate{clock: cfg.Clock, log: cfg.Logger, addr: net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)), resumed: cfg.Resumed},
	}
	go s.reapEvery(cfg.IdleTimeout / 2)
	return s, nil
}

// reapEvery closes connections idle too long, every d, until Close.
func (s *SMTPSender) reapEvery(d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.reap()
		}
	}
}

// reap ends with QUIT every connection idle for IdleTimeout or longer, so
// the server never times one out under us.
func (s *SMTPSender) reap() {
	cutoff := s.cfg.Clock.Now().Add(-s.cfg.IdleTimeout)
	s.mu.Lock()
	var old []idleConn
	keep := s.idle[:0]
	for _, ic := range s.idle {
		if ic.since.After(cutoff) {
			keep = append(keep, ic)
		} else {
			old = append(old, ic)
		}
	}
	s.idle = keep
	s.mu.Unlock()
	for _, ic := range old {
		_ = s.quit(ic.c)
		s.log.Debug("smtp idle connection closed", "server", s.addr)
	}
}

func withDefaults(cfg Config) Config {
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.HELO == "" {
		cfg.HELO = hostFQDN()
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = realClock{}
	}
	if cfg.Limiter == nil {
		limit := rate.Inf
		if cfg.RatePerSecond > 0 {
			limit = rate.Limit(cfg.RatePerSecond)
		}
		cfg.Limiter = rate.NewLimiter(limit, cfg.MaxConns)
	}
	return cfg
}

// clientOptions translates cfg into go-mail options. go-mail's own defaults
// (port 25, STARTTLS mandatory, a NOOP before every message) are all replaced.
func clientOptions(cfg Config) ([]gomail.Option, error) {
	if cfg.Host == "" {
		return nil, errors.New("host: missing")
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("port %d: want 1-65535", cfg.Port)
	}
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(cfg.Timeout), gomail.WithoutNoop()}
	switch cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("tls %q: want none, starttls or tls", string(cfg.TLS))
	}
	tc, err := tlsConfig(cfg)
	if err != nil {
		return nil, err
	}
	if tc != nil {
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	if cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(cfg.HELO))
	}
	if cfg.Username != "" {
		// Without TLS go-mail's discovery refuses PLAIN and LOGIN; tls=none with
		// credentials is the operator's explicit choice (a loopback relay).
		auth := gomail.SMTPAuthAutoDiscover
		if cfg.TLS == TLSNone {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	return opts, nil
}

// Send waits for the rate limit and a free connection, then sends m. While
// the server refuses our sessions it fails at once with an engine.Outage
// error, but for one send now and then that tries again.
func (s *SMTPSender) Send(ctx context.Context, m *gomail.Msg) error {
	probe, err := s.gate.admit()
	if err != nil {
		return fmt.Errorf("smtp %s: %w", s.addr, err)
	}
	err = s.send(ctx, m)
	if code := replyCode(m, err); code != 0 && s.cfg.Replies != nil {
		s.cfg.Replies.SMTPReply(code)
	}
	if m.IsDelivered() {
		err = nil
	}
	if err = s.gate.done(probe, err); engine.IsOutage(err) {
		return fmt.Errorf("smtp %s: %w", s.addr, err)
	}
	if err = classify(m, err); err != nil {
		return fmt.Errorf("smtp %s: %w", s.addr, err)
	}
	return nil
}

// send sends m on a pooled connection and returns go-mail's error as it is.
func (s *SMTPSender) send(ctx context.Context, m *gomail.Msg) error {
	if err := s.limit.Wait(ctx); err != nil {
		return fmt.Errorf("rate limit: %w", err)
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("wait for a connection: %w", ctx.Err())
	}
	defer func() { <-s.slots }()

	c, reused, err := s.get(ctx)
	if err != nil {
		return err
	}
	healthy, err := s.sendOn(ctx, c, m)
	if reused && healthy && stale(err) {
		// The server dropped the idle connection before taking anything: try
		// once on a fresh one.
		s.discard(c, err)
		if c, err = s.dial(ctx); err != nil {
			return err
		}
		healthy, err = s.sendOn(ctx, c, m)
	}
	s.release(c, healthy, m, err)
	return err
}

// sendOn sends m on c. A canceled context closes the connection under the
// running command; healthy is false then.
func (s *SMTPSender) sendOn(ctx context.Context, c *gosmtp.Client, m *gomail.Msg) (healthy bool, err error) {
	c.SkipSMTPUTF8(!needsUTF8(m))
	text := c.Text
	stop := context.AfterFunc(ctx, func() { _ = text.Close() })
	err = s.client.SendWithSMTPClient(c, m)
	if !stop() {
		return false, errors.Join(ctx.Err(), err)
	}
	return true, err
}

// Close ends every idle connection with QUIT; connections in use are closed
// when their message is done. Send fails after Close.
func (s *SMTPSender) Close() error {
	s.mu.Lock()
	if !s.closed {
		close(s.stop)
	}
	s.closed = true
	idle := s.idle
	s.idle = nil
	s.mu.Unlock()
	var errs []error
	for _, ic := range idle {
		if err := s.quit(ic.c); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("smtp %s: close: %w", s.addr, err)
	}
	return nil
}

// get returns an idle connection, or a new one when none is idle. A sender
// holds a slot and at most one connection and dials only when none is idle,
// so the pool never holds more than MaxConns connections.
func (s *SMTPSender) get(ctx context.Context) (c *gosmtp.Client, reused bool, err error) {
	s.reap()
	s.mu.Lock()
	if n := len(s.idle); n > 0 {
		c = s.idle[n-1].c
		s.idle = s.idle[:n-1]
		s.mu.Unlock()
		return c, true, nil
	}
	s.mu.Unlock()
	c, err = s.dial(ctx)
	return c, false, err
}

// dial opens a new connection.
func (s *SMTPSender) dial(ctx context.Context) (*gosmtp.Client, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, &dialError{errors.New("sender closed")}
	}
	c, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, &dialError{err}
	}
	s.log.Debug("smtp connection opened", "server", s.addr)
	return c, nil
}

// release returns c to the pool when it can carry another message, and
// closes it otherwise.
func (s *SMTPSender) release(c *gosmtp.Client, healthy bool, m *gomail.Msg, err error) {
	if !healthy || !reusable(m, err) {
		s.discard(c, err)
		return
	}
	if err != nil && c.Reset() != nil { // make sure no transaction is left open
		s.discard(c, err)
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = s.quit(c)
		return
	}
	s.idle = append(s.idle, idleConn{c: c, since: s.cfg.Clock.Now()})
	s.mu.Unlock()
}

// discard closes a connection that cannot be trusted any more.
func (s *SMTPSender) discard(c *gosmtp.Client, why error) {
	_ = c.Close()
	s.log.Debug("smtp connection dropped", "server", s.addr, "err", why)
}

// needsUTF8 reports whether m's envelope has an address that is not ASCII
// (a non-ASCII local part needs SMTPUTF8, RFC 6531); only then does MAIL
// FROM ask for SMTPUTF8.
func needsUTF8(m *gomail.Msg) bool {
	from, _ := m.GetSender(false)
	to, _ := m.GetRecipients()
	for _, a := range append(to, from) {
		if strings.ContainsFunc(a, func(r rune) bool { return r >= utf8.RuneSelf }) {
			return true
		}
	}
	return false
}

// quit ends c with QUIT. go-mail sets a connection's deadline only when it
// sends a message, so an idle connection's has passed: it is renewed first,
// else QUIT would fail and the connection drop without a word.
func (s *SMTPSender) quit(c *gosmtp.Client) error {
	if err := c.UpdateDeadline(s.cfg.Timeout); err != nil {
		return err
	}
	return s.client.CloseWithSMTPClient(c)
}
