-- empact schema 5: monitoring and reporting. A progress report keeps the good and bad
-- practices its author wrote (a JSON array) until it is submitted, when they enter the
-- good-practice register; its history of moves is in report_events. A "status unclear"
-- report leaves a follow-up item for the Driver. Joint Action Days, grants' workflows and the
-- good-practice register get a state; overlaps already have one.

ALTER TABLE progress_reports ADD COLUMN practices TEXT;
ALTER TABLE progress_reports ADD COLUMN submitted_at TEXT;
CREATE INDEX progress_reports_action_id ON progress_reports(action_id);
CREATE INDEX progress_reports_round ON progress_reports(round_id, status);

CREATE TABLE report_events (
	id INTEGER PRIMARY KEY,
	report_id INTEGER NOT NULL REFERENCES progress_reports(id) ON DELETE CASCADE,
	at TEXT NOT NULL,
	actor_id INTEGER,
	actor TEXT NOT NULL,
	from_status TEXT NOT NULL,
	to_status TEXT NOT NULL,
	comment TEXT
);
CREATE INDEX report_events_report ON report_events(report_id);

CREATE TABLE follow_ups (
	id INTEGER PRIMARY KEY,
	action_id INTEGER NOT NULL REFERENCES actions(id),
	round_id INTEGER NOT NULL REFERENCES reporting_rounds(id),
	report_id INTEGER REFERENCES progress_reports(id) ON DELETE SET NULL,
	kind TEXT NOT NULL CHECK (kind IN ('status_unclear')),
	text TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
	resolution TEXT,
	created_at TEXT NOT NULL,
	resolved_at TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	CHECK (status = 'open' OR resolution IS NOT NULL)
);
CREATE UNIQUE INDEX follow_ups_open ON follow_ups(action_id, round_id, kind) WHERE status = 'open';

CREATE INDEX kpi_actuals_round ON kpi_actuals(round_id);
CREATE INDEX kpi_actuals_report ON kpi_actuals(report_id);

ALTER TABLE jads ADD COLUMN status TEXT NOT NULL DEFAULT 'planned'
	CHECK (status IN ('planned', 'conducted', 'results_reported', 'cancelled'));
CREATE INDEX jad_actions_action ON jad_actions(action_id);
CREATE INDEX jad_priorities_priority ON jad_priorities(priority_id);
CREATE INDEX grant_actions_action ON grant_actions(action_id);
CREATE INDEX good_practices_action ON good_practices(action_id);
CREATE INDEX good_practices_report ON good_practices(report_id);

ALTER TABLE good_practices ADD COLUMN status TEXT NOT NULL DEFAULT 'reported'
	CHECK (status IN ('reported', 'shared_with_est', 'shared_with_necs'));
