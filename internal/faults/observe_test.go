//go:build faults

package faults

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dripline/dripline/internal/smtptest"
)

// errStop wrapped in a condition's error ends poll at once.
var errStop = errors.New("gave up")

// poll checks cond every 100 ms until it returns nil, and fails after
// timeout with what was awaited and cond's last error. It never sleeps
// longer than one interval past the moment cond holds.
func poll(ctx context.Context, timeout time.Duration, what string, cond func() error) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return nil
		}
		if errors.Is(err, errStop) {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			return fmt.Errorf("waited %s for %s: %w", timeout, what, err)
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		}
	}
}

// touchCounts is the suite's touches in PostgreSQL by state.
type touchCounts struct {
	total, pending, running, done, skippedLate, skippedOther, failed, canceled int
	reasons                                                                    []string // a few reasons of touches not done
	messageIDs                                                                 map[string]bool
}

func (c touchCounts) final() int {
	return c.done + c.skippedLate + c.skippedOther + c.failed + c.canceled
}

func (c touchCounts) String() string {
	return fmt.Sprintf("%d touches: %d pending, %d running, %d done, %d skipped late, %d skipped otherwise, %d failed, %d canceled",
		c.total, c.pending, c.running, c.done, c.skippedLate, c.skippedOther, c.failed, c.canceled)
}

// countTouches reads every touch's state, reason and Message-ID.
func countTouches(ctx context.Context, url string) (touchCounts, error) {
	c := touchCounts{messageIDs: map[string]bool{}}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return c, fmt.Errorf("count touches: %w", err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT state, reason, coalesce(message_id, '') FROM touches`)
	if err != nil {
		return c, fmt.Errorf("count touches: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state, reason, msgID string
		if err := rows.Scan(&state, &reason, &msgID); err != nil {
			return c, fmt.Errorf("count touches: %w", err)
		}
		c.add(state, reason, msgID)
	}
	return c, rows.Err()
}

// add counts one touch.
func (c *touchCounts) add(state, reason, msgID string) {
	c.total++
	switch state {
	case "scheduled", "queued":
		c.pending++
	case "running":
		c.running++
	case "done":
		c.done++
		if msgID != "" {
			c.messageIDs[strings.Trim(msgID, "<> ")] = true
		}
	case "skipped":
		if strings.HasPrefix(reason, "late:") {
			c.skippedLate++
		} else {
			c.skippedOther++
		}
	case "failed":
		c.failed++
	case "canceled":
		c.canceled++
	}
	if state != "done" && state != "scheduled" && state != "queued" && state != "running" && len(c.reasons) < 5 {
		c.reasons = append(c.reasons, state+": "+reason)
	}
}

// mailCounts is what the SMTP server received, by Message-ID.
type mailCounts struct {
	messages   int
	ids        map[string]int // Message-ID → times received
	duplicates int            // messages beyond the first of their Message-ID
	noID       int            // messages without a Message-ID
}

// countMail counts the server's messages by Message-ID.
func countMail(s *smtptest.Server) (mailCounts, error) {
	m := mailCounts{ids: map[string]int{}}
	for _, msg := range s.Messages() {
		parsed, err := msg.Parse()
		if err != nil {
			return m, err
		}
		m.messages++
		id := strings.Trim(parsed.Header.Get("Message-Id"), "<> ")
		if id == "" {
			m.noID++
			continue
		}
		m.ids[id]++
		if m.ids[id] > 1 {
			m.duplicates++
		}
	}
	return m, nil
}

// duplicated lists a few Message-IDs received more than once.
func (m mailCounts) duplicated() string {
	var out []string
	for id, n := range m.ids {
		if n > 1 {
			out = append(out, fmt.Sprintf("%s ×%d", id, n))
		}
	}
	sort.Strings(out)
	if len(out) > 5 {
		out = append(out[:5], "…")
	}
	return strings.Join(out, ", ")
}
