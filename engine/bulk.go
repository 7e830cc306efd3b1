package engine

import (
	"context"
	"fmt"
	"time"
)

// EnrollMany enrolls many contacts on one track in a few round trips, the way a
// manager puts a whole list on a track. Contacts with an open enrollment on the
// track, or whose past enrollment the track's re-enrollment policy refuses, and
// ids that match no contact are left out; a retired track enrolls nobody. It
// returns how many were enrolled.
func (e *Engine) EnrollMany(ctx context.Context, trackID string, contactIDs []int64) (int, error) {
	t, version, err := e.currentTrack(trackID)
	if err != nil {
		return 0, fmt.Errorf("bulk enroll: %w", err)
	}
	var zones map[int64]string
	open := true
	err = e.cfg.Store.Tx(ctx, func(tx Tx) error {
		if open, err = mayEnrollOn(ctx, tx, trackID); !open || err != nil {
			return err
		}
		zones, err = tx.TimeZones(ctx, contactIDs)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("bulk enroll on %s: %w", trackID, err)
	}
	if !open {
		return 0, nil
	}
	now := e.now()
	firstDue := map[string]time.Time{} // per time zone: every contact in it gets the same
	es := make([]NewEnrollment, 0, len(zones))
	for _, id := range contactIDs {
		zone, ok := zones[id]
		if !ok {
			continue
		}
		due, ok := firstDue[zone]
		if !ok {
			due = t.Due(0, now, now, t.Location(zone))
			firstDue[zone] = due
		}
		first := newTouch(t, 0, due)
		first.ContactID, first.TrackVersion = id, version
		es = append(es, NewEnrollment{
			Enrollment: Enrollment{
				ContactID: id, TrackID: trackID, TrackVersion: version,
				State: EnrollmentActive, Anchor: now, StartedAt: now,
			},
			First:    first,
			Reenroll: string(t.Enroll.Reenroll),
		})
	}
	n, err := e.cfg.Store.BulkEnroll(ctx, es)
	if err != nil {
		return n, fmt.Errorf("bulk enroll on %s: %w", trackID, err)
	}
	return n, nil
}
