-- Partial declassification as a workflow: an EXT version is proposed (with its redaction map),
-- then signed off by a second person, which issues it. The columns name who did each step (the
-- audit trail has the full record). A version loaded from a dataset has no state: it was
-- issued before empact knew it.
ALTER TABLE council_documents ADD COLUMN declass_state TEXT
	CHECK (declass_state IS NULL OR declass_state IN ('proposed', 'issued'));
ALTER TABLE council_documents ADD COLUMN proposed_by TEXT;
ALTER TABLE council_documents ADD COLUMN signed_off_by TEXT;
