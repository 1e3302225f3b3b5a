-- empact schema 7: the Support Team's reminders of missing progress reports. When the Support
-- Team chases the missing reports of an open round, every report not yet submitted gets one row
-- here: when, by whom, and the Support Team's message, if it wrote one. The Action Leader sees
-- each reminder and its words on the report and on the home page; the Support Team sees on the
-- round who was chased, when last and how often.
--
-- A table of its own rather than columns of progress_reports: a report may be chased several
-- times, each time with its own message, and every one of them is worth keeping; and a reminder
-- is not a change of the report, so it does not move the report's version (an Action Leader
-- saving a draft while the Support Team chases is not told that someone else changed it).

CREATE TABLE report_reminders (
	id INTEGER PRIMARY KEY,
	report_id INTEGER NOT NULL REFERENCES progress_reports(id) ON DELETE CASCADE,
	round_id INTEGER NOT NULL REFERENCES reporting_rounds(id),
	sent_at TEXT NOT NULL,
	sent_by_id INTEGER REFERENCES users(id),
	sent_by TEXT NOT NULL,
	message TEXT CHECK (message IS NULL OR length(message) BETWEEN 1 AND 2000)
);
CREATE INDEX report_reminders_report ON report_reminders(report_id, id);
CREATE INDEX report_reminders_round ON report_reminders(round_id, sent_at);
