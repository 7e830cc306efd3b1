package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Print records a batch of the printable letters p selects and marks them
// printed, their activities done, in one transaction that commits only when
// render succeeds. The letters are locked with SKIP LOCKED, so a concurrent
// Print takes the others, and a letter is printed at most once.
func (s *Letters) Print(ctx context.Context, p engine.LetterPrint, render func(*engine.LetterBatch, []engine.Letter) error) (engine.LetterBatch, error) {
	b := engine.LetterBatch{CreatedAt: p.At.UTC(), RepID: p.RepID, Kind: p.Kind, Before: p.Before}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := refile(ctx, tx, printSelects, p.Kind, nullTime(p.Before)); err != nil {
			return err
		}
		ls, err := collect(ctx, tx, "waiting letters", scanLetter, `SELECT `+letterColumns+` FROM letters l WHERE`+waiting+`
			AND l.unmailable = '' AND`+printSelects+`ORDER BY l.template, l.created_at, l.id FOR UPDATE SKIP LOCKED`,
			p.Kind, nullTime(p.Before))
		if err != nil || len(ls) == 0 {
			return err
		}
		b.Letters = len(ls)
		err = tx.QueryRow(ctx, `INSERT INTO letter_batches (created_at, created_by, count, kind, before)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			b.CreatedAt, nullID(b.RepID), b.Letters, b.Kind, nullTime(b.Before)).Scan(&b.ID)
		if err != nil {
			return err
		}
		if err := render(&b, ls); err != nil {
			return err
		}
		return markPrinted(ctx, tx, b, ls)
	})
	if err != nil {
		return engine.LetterBatch{}, fmt.Errorf("print batch: %w", err)
	}
	return b, nil
}

// printSelects holds for the letters (l) of the kind $1 (empty for every kind)
// filed before $2 (NULL for any time).
const printSelects = ` ($1 = '' OR l.template = $1) AND ($2::timestamptz IS NULL OR l.created_at < $2) `

// markPrinted records the batch's pages and file and marks its letters
// printed, their activities done.
func markPrinted(ctx context.Context, tx pgx.Tx, b engine.LetterBatch, ls []engine.Letter) error {
	ids, acts := make([]int64, len(ls)), make([]int64, 0, len(ls))
	for i, l := range ls {
		ids[i] = l.ID
		if l.ActivityID != 0 {
			acts = append(acts, l.ActivityID)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE letter_batches SET pages = $2, file = $3 WHERE id = $1`, b.ID, b.Pages, b.File); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE letters SET batch_id = $2, printed_at = $3 WHERE id = ANY($1)`, ids, b.ID, b.CreatedAt); err != nil {
		return err
	}
	return finishActivity(ctx, tx, acts, b.CreatedAt, "Printed in batch "+strconv.FormatInt(b.ID, 10))
}

// batchSelect reads a batch for scanBatch.
const batchSelect = `SELECT b.id, b.created_at, coalesce(b.created_by, 0), coalesce(r.username, ''), b.kind,
	b.before, b.count, b.pages, b.file FROM letter_batches b LEFT JOIN reps r ON r.id = b.created_by `

// scanBatch reads one row of batchSelect.
func scanBatch(row pgx.Row) (engine.LetterBatch, error) {
	var (
		b      engine.LetterBatch
		before pgtype.Timestamptz
	)
	err := row.Scan(&b.ID, &b.CreatedAt, &b.RepID, &b.PrintedBy, &b.Kind, &before, &b.Letters, &b.Pages, &b.File)
	b.CreatedAt, b.Before = b.CreatedAt.UTC(), timeOf(before)
	return b, err
}

// Batches lists the batches, newest first.
func (s *Letters) Batches(ctx context.Context) ([]engine.LetterBatch, error) {
	return collect(ctx, s.pool, "letter batches", scanBatch, batchSelect+`ORDER BY b.id DESC`)
}

// Batch returns a batch and its letters in the order they were printed.
func (s *Letters) Batch(ctx context.Context, id int64) (engine.LetterBatch, []engine.Letter, error) {
	b, err := scanBatch(s.pool.QueryRow(ctx, batchSelect+`WHERE b.id = $1`, id))
	if err != nil {
		return b, nil, fmt.Errorf("letter batch %d: %w", id, notFound(err))
	}
	ls, err := collect(ctx, s.pool, fmt.Sprintf("letters of batch %d", id), scanLetter,
		`SELECT `+letterColumns+` FROM letters l WHERE l.batch_id = $1 ORDER BY l.template, l.created_at, l.id`, id)
	if err != nil {
		return b, nil, err
	}
	return b, ls, nil
}

// EmailEach hands the waiting letters of kind whose contact may be emailed
// to send, one at a time, each locked (SKIP LOCKED) in its own transaction
// while it is sent, and marks those sent emailed, their activities done.
// A crash after the send and before the commit leaves the letter waiting,
// to be sent again with the same Message-ID. A permanent send failure
// (engine.Permanent) leaves the letter waiting and moves on; any other stops.
func (s *Letters) EmailEach(ctx context.Context, kind string, at func() time.Time, send func(engine.FiledLetter) (string, error)) (int, error) {
	var (
		last   int64
		n      int
		failed []error
	)
	for {
		var found bool
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			f, err := scanFiled(tx.QueryRow(ctx, filedSelect+`WHERE`+waiting+`AND l.template = $1 AND l.id > $2
				AND btrim(c.email) <> '' AND s.email IS NULL ORDER BY l.id LIMIT 1 FOR UPDATE OF l SKIP LOCKED`, kind, last))
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			if err != nil {
				return err
			}
			found, last = true, f.Letter.ID
			id, err := send(f)
			if err != nil {
				return err
			}
			return markEmailed(ctx, tx, f, id, at())
		})
		switch {
		case err != nil && engine.IsPermanent(err):
			failed = append(failed, err)
		case err != nil:
			return n, errors.Join(append(failed, err)...)
		case !found:
			return n, errors.Join(failed...)
		default:
			n++
		}
	}
}

// markEmailed marks a letter emailed and its activity done.
func markEmailed(ctx context.Context, tx pgx.Tx, f engine.FiledLetter, messageID string, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE letters SET emailed_at = $2, email_message_id = $3 WHERE id = $1`, f.Letter.ID, at, messageID)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("Emailed instead of printed to %s, Message-ID <%s>", f.Contact.Email, messageID)
	return finishActivity(ctx, tx, []int64{f.Letter.ActivityID}, at, note)
}
