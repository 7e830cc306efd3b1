package postgres

import (
	"context"
	"time"

	"github.com/dripline/dripline/internal/crm"
	"github.com/jackc/pgx/v5"
)

var _ crm.ReportStore = (*CRM)(nil)

// PointsByMonth sums done activities' points by rep and month of
// completion (width_bucket over the months' starts: no time zone work per
// row). The covering index activities_done_idx serves it.
func (r crmReader) PointsByMonth(ctx context.Context, span crm.ReportSpan, starts []time.Time) ([]crm.MonthPoints, error) {
	return collect(ctx, r.q, "points by month", func(row pgx.Row) (p crm.MonthPoints, err error) {
		return p, row.Scan(&p.Rep, &p.Month, &p.Earned)
	}, `SELECT r.username, m.month, m.earned FROM (
			SELECT rep_id, width_bucket(completed_at, $4::timestamptz[]) - 1 AS month, sum(points)::int AS earned
			FROM activities
			WHERE status = 'done' AND completed_at >= $1 AND completed_at < $2 AND ($3::bigint = 0 OR rep_id = $3)
			GROUP BY 1, 2) m
		JOIN reps r ON r.id = m.rep_id`, span.From, span.Until, span.RepID, starts)
}

// sourcesSQL totals, over [$1, $2) for the rep $4 (0 for all), leads
// (contacts created), won opportunities (dated by their close date in the
// zone $3, else their last change) and revenue by the contact's lead source
// and campaign. Revenue is the won opportunities' plus the sales not tied
// to a won opportunity, so a sale closing an opportunity counts once. A
// campaign's cost is shared among its rows by their leads (evenly when none
// has leads); a campaign with a cost that was created in the span and
// brought nothing shows on a row of its own (for managers).
const sourcesSQL = `WITH
leads AS (
	SELECT lead_source, campaign, count(*) AS n FROM contacts
	WHERE created_at >= $1 AND created_at < $2 AND ($4::bigint = 0 OR owner_id = $4)
	GROUP BY 1, 2),
won AS (
	SELECT c.lead_source, c.campaign, count(*) AS n, sum(o.revenue) AS revenue
	FROM opportunities o JOIN contacts c ON c.id = o.contact_id
	WHERE o.status = 'Won' AND ($4::bigint = 0 OR c.owner_id = $4)
		AND coalesce(o.close_date::timestamp AT TIME ZONE $3::text, o.updated_at) >= $1
		AND coalesce(o.close_date::timestamp AT TIME ZONE $3::text, o.updated_at) < $2
	GROUP BY 1, 2),
sold AS (
	SELECT c.lead_source, c.campaign, sum(s.amount) AS revenue
	FROM sales s JOIN contacts c ON c.id = s.contact_id
	LEFT JOIN opportunities o ON o.id = s.opportunity_id AND o.status = 'Won'
	WHERE o.id IS NULL AND s.sold_at >= $1 AND s.sold_at < $2 AND ($4::bigint = 0 OR c.owner_id = $4)
	GROUP BY 1, 2),
keys AS (
	SELECT lead_source, campaign FROM leads UNION SELECT lead_source, campaign FROM won
	UNION SELECT lead_source, campaign FROM sold),
totals AS (
	SELECT k.lead_source, k.campaign, coalesce(l.n, 0) AS leads, coalesce(w.n, 0) AS won,
		coalesce(w.revenue, 0) + coalesce(s.revenue, 0) AS revenue
	FROM keys k LEFT JOIN leads l USING (lead_source, campaign) LEFT JOIN won w USING (lead_source, campaign)
	LEFT JOIN sold s USING (lead_source, campaign)
	UNION ALL
	SELECT '', cp.name, 0, 0, 0 FROM campaigns cp
	WHERE $4::bigint = 0 AND cp.cost > 0 AND cp.created_at >= $1 AND cp.created_at < $2
		AND NOT EXISTS (SELECT 1 FROM keys WHERE keys.campaign = cp.name))
SELECT t.lead_source, t.campaign, t.leads::int, t.won::int, t.revenue::float8,
	coalesce(CASE WHEN sum(t.leads) OVER w > 0 THEN cp.cost * t.leads / sum(t.leads) OVER w
		ELSE cp.cost / count(*) OVER w END, 0)::float8
FROM totals t LEFT JOIN campaigns cp ON cp.name = t.campaign AND t.campaign <> ''
WINDOW w AS (PARTITION BY t.campaign)
ORDER BY t.lead_source, t.campaign`

// SourceTotals runs sourcesSQL.
func (r crmReader) SourceTotals(ctx context.Context, span crm.ReportSpan) ([]crm.SourceRow, error) {
	return collect(ctx, r.q, "sources", func(row pgx.Row) (s crm.SourceRow, err error) {
		return s, row.Scan(&s.LeadSource, &s.Campaign, &s.Leads, &s.Won, &s.Revenue, &s.Cost)
	}, sourcesSQL, span.From, span.Until, span.Zone, span.RepID)
}

// OpenByStage counts open opportunities and sums their revenue by stage.
func (r crmReader) OpenByStage(ctx context.Context, span crm.ReportSpan) ([]crm.StageTotal, error) {
	return collect(ctx, r.q, "pipeline", func(row pgx.Row) (s crm.StageTotal, err error) {
		return s, row.Scan(&s.Stage, &s.Open, &s.Amount)
	}, `SELECT stage, count(*)::int, coalesce(sum(revenue), 0)::float8 FROM opportunities
		WHERE status = 'Open' AND ($1::bigint = 0 OR owner_id = $1)
		GROUP BY stage ORDER BY stage`, span.RepID)
}

// LeadsByDay counts contacts created by owner, day and lead source.
func (r crmReader) LeadsByDay(ctx context.Context, span crm.ReportSpan, starts []time.Time) ([]crm.DayLeads, error) {
	return collect(ctx, r.q, "traffic", func(row pgx.Row) (d crm.DayLeads, err error) {
		return d, row.Scan(&d.Rep, &d.Day, &d.Source, &d.Leads)
	}, `SELECT coalesce(r.username, ''), d.day, d.lead_source, d.leads FROM (
			SELECT owner_id, width_bucket(created_at, $4::timestamptz[]) - 1 AS day, lead_source, count(*)::int AS leads
			FROM contacts
			WHERE created_at >= $1 AND created_at < $2 AND ($3::bigint = 0 OR owner_id = $3)
			GROUP BY 1, 2, 3) d
		LEFT JOIN reps r ON r.id = d.owner_id`, span.From, span.Until, span.RepID, starts)
}

// OpenActivityCounts counts each rep's open activities due in the span and
// due before it, leaving out letters waiting to print, as My Day does.
func (r crmReader) OpenActivityCounts(ctx context.Context, span crm.ReportSpan) ([]crm.FollowupRow, error) {
	return collect(ctx, r.q, "followups", func(row pgx.Row) (f crm.FollowupRow, err error) {
		return f, row.Scan(&f.Rep, &f.DueToday, &f.Overdue)
	}, `SELECT r.username, (count(*) FILTER (WHERE a.due >= $1))::int, (count(*) FILTER (WHERE a.due < $1))::int
		FROM activities a JOIN reps r ON r.id = a.rep_id
		WHERE a.status = 'open' AND a.due < $2 AND ($3::bigint = 0 OR a.rep_id = $3)`+notAWaitingLetter+`
		GROUP BY 1 ORDER BY 1`, span.From, span.Until, span.RepID)
}

// ScheduledWork counts touches not carried out yet, due in the span, by the
// contact's owner, track, step, channel and week. It leaves the rep to the
// caller, who knows which steps assign someone else.
func (r crmReader) ScheduledWork(ctx context.Context, span crm.ReportSpan, starts []time.Time) ([]crm.ScheduledTouches, error) {
	return collect(ctx, r.q, "forecast", func(row pgx.Row) (s crm.ScheduledTouches, err error) {
		return s, row.Scan(&s.Owner, &s.Track, &s.Step, &s.Channel, &s.Week, &s.Count)
	}, `SELECT coalesce(r.username, ''), w.track_id, w.step_id, w.channel, w.week, w.n FROM (
			SELECT c.owner_id, t.track_id, t.step_id, t.channel, width_bucket(t.due, $3::timestamptz[]) - 1 AS week, count(*)::int AS n
			FROM touches t JOIN contacts c ON c.id = t.contact_id
			WHERE t.state IN ('scheduled', 'queued', 'running') AND t.due >= $1 AND t.due < $2 AND t.channel <> 'email'
			GROUP BY 1, 2, 3, 4, 5) w
		LEFT JOIN reps r ON r.id = w.owner_id`, span.From, span.Until, starts)
}

// StepOutcomes counts touches due in the span by track, step and outcome,
// the steps in track order.
func (r crmReader) StepOutcomes(ctx context.Context, span crm.ReportSpan) ([]crm.TrackRow, error) {
	return collect(ctx, r.q, "tracks", func(row pgx.Row) (t crm.TrackRow, err error) {
		return t, row.Scan(&t.Track, &t.Step, &t.Channel, &t.Done, &t.Skipped, &t.Canceled, &t.Failed, &t.Pending)
	}, `SELECT t.track_id, t.step_id, t.channel,
			(count(*) FILTER (WHERE t.state = 'done'))::int, (count(*) FILTER (WHERE t.state = 'skipped'))::int,
			(count(*) FILTER (WHERE t.state = 'canceled'))::int, (count(*) FILTER (WHERE t.state = 'failed'))::int,
			(count(*) FILTER (WHERE t.state IN ('scheduled', 'queued', 'running')))::int
		FROM touches t
		WHERE t.due >= $1 AND t.due < $2
			AND ($3::bigint = 0 OR EXISTS (SELECT 1 FROM contacts c WHERE c.id = t.contact_id AND c.owner_id = $3))
		GROUP BY 1, 2, 3 ORDER BY 1, min(t.step_index), 2, 3`, span.From, span.Until, span.RepID)
}
