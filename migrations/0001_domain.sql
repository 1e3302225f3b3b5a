-- empact schema 1: the whole domain of the EU Policy Cycle (EMPACT).
--
-- Conventions: every table has an integer id; every row a user can edit carries `version`
-- (optimistic concurrency: an update names the version it read and bumps it); classification
-- is 0 unclassified, 1 RESTREINT UE, 2 CONFIDENTIEL UE, 3 SECRET UE, 4 TRES SECRET UE; marking
-- is 0 none, 1 LIMITE; dates are 'YYYY-MM-DD', times UTC 'YYYY-MM-DDTHH:MM:SSZ'; money is
-- integer euro cents; `position` keeps the order a list was given in.

CREATE TABLE organisations (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('member_state', 'member_state_authority', 'eu_institution',
		'eu_body', 'eu_agency', 'third_country', 'international_organisation', 'private_partner', 'ngo')),
	name TEXT NOT NULL,
	country TEXT,
	discipline TEXT CHECK (discipline IN ('police', 'customs', 'border', 'judicial', 'tax',
		'immigration', 'multi')),
	archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE cycles (
	id INTEGER PRIMARY KEY,
	label TEXT NOT NULL UNIQUE,
	first_year INTEGER NOT NULL,
	last_year INTEGER NOT NULL,
	oap_period_years INTEGER NOT NULL CHECK (oap_period_years IN (1, 2)),
	threat_assessment TEXT,
	priorities_document TEXT,
	status TEXT NOT NULL CHECK (status IN ('planning', 'active', 'closed')),
	version INTEGER NOT NULL DEFAULT 1,
	CHECK (first_year <= last_year)
);

CREATE TABLE priorities (
	id INTEGER PRIMARY KEY,
	cycle_id INTEGER NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
	code TEXT NOT NULL,
	position INTEGER NOT NULL,
	short_name TEXT NOT NULL,
	aim TEXT NOT NULL,
	archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (cycle_id, code)
);

-- Drivers and Co-Drivers of a priority as COSI confirmed them (role 'driver' at most once).
CREATE TABLE priority_drivers (
	priority_id INTEGER NOT NULL REFERENCES priorities(id) ON DELETE CASCADE,
	org_id INTEGER NOT NULL REFERENCES organisations(id),
	role TEXT NOT NULL CHECK (role IN ('driver', 'co_driver')),
	position INTEGER NOT NULL,
	PRIMARY KEY (priority_id, org_id)
);
CREATE UNIQUE INDEX priority_one_driver ON priority_drivers(priority_id) WHERE role = 'driver';
CREATE INDEX priority_drivers_org ON priority_drivers(org_id);

-- Agencies COSI tasked to support a priority.
CREATE TABLE priority_agencies (
	priority_id INTEGER NOT NULL REFERENCES priorities(id) ON DELETE CASCADE,
	org_id INTEGER NOT NULL REFERENCES organisations(id),
	position INTEGER NOT NULL,
	PRIMARY KEY (priority_id, org_id)
);
CREATE INDEX priority_agencies_org ON priority_agencies(org_id);

CREATE TABLE strategic_goals (
	id INTEGER PRIMARY KEY,
	priority_id INTEGER NOT NULL REFERENCES priorities(id) ON DELETE CASCADE,
	number INTEGER NOT NULL CHECK (number >= 1),
	subgroup TEXT,
	text TEXT NOT NULL,
	archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (priority_id, number)
);

-- Goals and themes that run across priorities; horizontal = 1 for a Common Horizontal
-- Strategic Goal that every OAP of the cycle follows.
CREATE TABLE shared_goals (
	id INTEGER PRIMARY KEY,
	cycle_id INTEGER NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
	number INTEGER NOT NULL CHECK (number >= 1),
	text TEXT NOT NULL,
	scope TEXT,
	horizontal INTEGER NOT NULL DEFAULT 0 CHECK (horizontal IN (0, 1)),
	archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (cycle_id, number)
);

CREATE TABLE shared_goal_priorities (
	shared_goal_id INTEGER NOT NULL REFERENCES shared_goals(id) ON DELETE CASCADE,
	priority_id INTEGER NOT NULL REFERENCES priorities(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	PRIMARY KEY (shared_goal_id, priority_id)
);
CREATE INDEX shared_goal_priorities_priority ON shared_goal_priorities(priority_id);

CREATE TABLE oaps (
	id INTEGER PRIMARY KEY,
	priority_id INTEGER NOT NULL REFERENCES priorities(id),
	first_year INTEGER NOT NULL,
	last_year INTEGER NOT NULL,
	revision INTEGER NOT NULL DEFAULT 0 CHECK (revision >= 0),
	title TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('drafting', 'agreed_at_nec', 'submitted_to_cosi', 'adopted',
		'in_implementation', 'final_report', 'closed')),
	classification INTEGER NOT NULL DEFAULT 0 CHECK (classification BETWEEN 0 AND 4),
	marking INTEGER NOT NULL DEFAULT 0 CHECK (marking IN (0, 1)),
	supersedes_id INTEGER REFERENCES oaps(id),
	archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (priority_id, first_year, revision),
	CHECK (first_year <= last_year)
);

CREATE TABLE oap_drivers (
	oap_id INTEGER NOT NULL REFERENCES oaps(id) ON DELETE CASCADE,
	org_id INTEGER NOT NULL REFERENCES organisations(id),
	role TEXT NOT NULL CHECK (role IN ('driver', 'co_driver')),
	position INTEGER NOT NULL,
	PRIMARY KEY (oap_id, org_id)
);
CREATE UNIQUE INDEX oap_one_driver ON oap_drivers(oap_id) WHERE role = 'driver';
CREATE INDEX oap_drivers_org ON oap_drivers(org_id);

-- The sections of an OAP, each with its own classification. text is NULL where empact does
-- not hold the text (a classified section known only from a public version).
CREATE TABLE oap_sections (
	id INTEGER PRIMARY KEY,
	oap_id INTEGER NOT NULL REFERENCES oaps(id) ON DELETE CASCADE,
	number TEXT NOT NULL,
	position INTEGER NOT NULL,
	heading TEXT NOT NULL,
	text TEXT,
	classification INTEGER NOT NULL DEFAULT 0 CHECK (classification BETWEEN 0 AND 4),
	marking INTEGER NOT NULL DEFAULT 0 CHECK (marking IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (oap_id, number)
);

CREATE TABLE actions (
	id INTEGER PRIMARY KEY,
	oap_id INTEGER NOT NULL REFERENCES oaps(id),
	number TEXT NOT NULL,
	position INTEGER NOT NULL,
	title TEXT NOT NULL,
	description TEXT,
	what TEXT,
	when_text TEXT,
	where_text TEXT,
	who TEXT,
	how TEXT,
	documentation_ref TEXT,
	start_date TEXT,
	end_date TEXT,
	possible_jad INTEGER NOT NULL DEFAULT 0 CHECK (possible_jad IN (0, 1)),
	predecessor_id INTEGER REFERENCES actions(id),
	budget_cents INTEGER CHECK (budget_cents >= 0),
	status TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'planned', 'ongoing',
		'completed', 'not_completed', 'cancelled', 'continued')),
	classification INTEGER NOT NULL DEFAULT 0 CHECK (classification BETWEEN 0 AND 4),
	marking INTEGER NOT NULL DEFAULT 0 CHECK (marking IN (0, 1)),
	archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (oap_id, number),
	CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date)
);
CREATE INDEX actions_predecessor ON actions(predecessor_id);

-- The Action Leader (role 'leader', exactly one) and Co-Action Leaders of an action.
CREATE TABLE action_leaders (
	action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
	org_id INTEGER NOT NULL REFERENCES organisations(id),
	role TEXT NOT NULL CHECK (role IN ('leader', 'co_leader')),
	position INTEGER NOT NULL,
	PRIMARY KEY (action_id, org_id)
);
CREATE UNIQUE INDEX action_one_leader ON action_leaders(action_id) WHERE role = 'leader';
CREATE INDEX action_leaders_org ON action_leaders(org_id);

-- Participating authorities, with the status their National EMPACT Coordinator confirmed.
CREATE TABLE action_participants (
	action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
	org_id INTEGER NOT NULL REFERENCES organisations(id),
	position INTEGER NOT NULL,
	status TEXT NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'confirmed', 'declined', 'withdrawn')),
	decided_at TEXT,
	decided_by INTEGER REFERENCES users(id),
	version INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (action_id, org_id)
);
CREATE INDEX action_participants_org ON action_participants(org_id);

CREATE TABLE action_goals (
	action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
	goal_id INTEGER NOT NULL REFERENCES strategic_goals(id),
	position INTEGER NOT NULL,
	PRIMARY KEY (action_id, goal_id)
);
CREATE INDEX action_goals_goal ON action_goals(goal_id);

-- Cross-references from an action to a related action: in the same priority, or in another
-- priority's OAP (a contribution to that priority). Whether it crosses priorities is derived.
CREATE TABLE action_xrefs (
	from_action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
	to_action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	note TEXT,
	PRIMARY KEY (from_action_id, to_action_id),
	CHECK (from_action_id <> to_action_id)
);
CREATE INDEX action_xrefs_to ON action_xrefs(to_action_id);

-- Indicators, owned by exactly one of an action, an OAP, a strategic goal or a shared goal.
-- An action KPI may feed a goal or OAP KPI, which then aggregates its feeders.
CREATE TABLE kpis (
	id INTEGER PRIMARY KEY,
	action_id INTEGER REFERENCES actions(id) ON DELETE CASCADE,
	oap_id INTEGER REFERENCES oaps(id) ON DELETE CASCADE,
	goal_id INTEGER REFERENCES strategic_goals(id) ON DELETE CASCADE,
	shared_goal_id INTEGER REFERENCES shared_goals(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	name TEXT NOT NULL,
	unit TEXT,
	baseline REAL,
	target REAL NOT NULL,
	direction TEXT NOT NULL CHECK (direction IN ('increase', 'decrease', 'maintain')),
	aggregation TEXT NOT NULL DEFAULT 'sum' CHECK (aggregation IN ('sum', 'max', 'latest')),
	feeds_kpi_id INTEGER REFERENCES kpis(id) ON DELETE SET NULL,
	version INTEGER NOT NULL DEFAULT 1,
	CHECK ((action_id IS NOT NULL) + (oap_id IS NOT NULL) + (goal_id IS NOT NULL) +
		(shared_goal_id IS NOT NULL) = 1)
);
CREATE INDEX kpis_action ON kpis(action_id);
CREATE INDEX kpis_oap ON kpis(oap_id);
CREATE INDEX kpis_goal ON kpis(goal_id);
CREATE INDEX kpis_shared_goal ON kpis(shared_goal_id);
CREATE INDEX kpis_feeds ON kpis(feeds_kpi_id);

CREATE TABLE reporting_rounds (
	id INTEGER PRIMARY KEY,
	cycle_id INTEGER NOT NULL REFERENCES cycles(id),
	label TEXT NOT NULL,
	opens_on TEXT NOT NULL,
	closes_on TEXT NOT NULL,
	nec_meeting TEXT,
	status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'open', 'compiled', 'closed')),
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (cycle_id, label),
	CHECK (opens_on <= closes_on)
);

CREATE TABLE progress_reports (
	id INTEGER PRIMARY KEY,
	round_id INTEGER NOT NULL REFERENCES reporting_rounds(id),
	action_id INTEGER REFERENCES actions(id),
	oap_id INTEGER REFERENCES oaps(id),
	author_id INTEGER REFERENCES users(id),
	narrative TEXT,
	action_status TEXT CHECK (action_status IN ('proposed', 'planned', 'ongoing', 'completed',
		'not_completed', 'cancelled', 'continued', 'status_unclear')),
	resources_allocated_cents INTEGER CHECK (resources_allocated_cents >= 0),
	resources_used_cents INTEGER CHECK (resources_used_cents >= 0),
	problems TEXT,
	status TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'draft', 'submitted',
		'returned', 'consolidated', 'compiled', 'discussed_at_nec', 'transmitted_to_cosi')),
	return_comment TEXT,
	classification INTEGER NOT NULL DEFAULT 0 CHECK (classification BETWEEN 0 AND 4),
	marking INTEGER NOT NULL DEFAULT 0 CHECK (marking IN (0, 1)),
	updated_at TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	CHECK ((action_id IS NOT NULL) + (oap_id IS NOT NULL) = 1)
);
CREATE UNIQUE INDEX progress_reports_action ON progress_reports(round_id, action_id) WHERE action_id IS NOT NULL;
CREATE UNIQUE INDEX progress_reports_oap ON progress_reports(round_id, oap_id) WHERE oap_id IS NOT NULL;

CREATE TABLE kpi_actuals (
	kpi_id INTEGER NOT NULL REFERENCES kpis(id) ON DELETE CASCADE,
	round_id INTEGER NOT NULL REFERENCES reporting_rounds(id),
	report_id INTEGER REFERENCES progress_reports(id) ON DELETE SET NULL,
	value REAL NOT NULL,
	note TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (kpi_id, round_id)
);

CREATE TABLE jads (
	id INTEGER PRIMARY KEY,
	cycle_id INTEGER NOT NULL REFERENCES cycles(id),
	name TEXT NOT NULL,
	start_date TEXT NOT NULL,
	end_date TEXT NOT NULL,
	coordinator_id INTEGER REFERENCES organisations(id),
	description TEXT,
	classification INTEGER NOT NULL DEFAULT 0 CHECK (classification BETWEEN 0 AND 4),
	marking INTEGER NOT NULL DEFAULT 0 CHECK (marking IN (0, 1)),
	archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1,
	CHECK (start_date <= end_date)
);
CREATE TABLE jad_participants (
	jad_id INTEGER NOT NULL REFERENCES jads(id) ON DELETE CASCADE,
	org_id INTEGER NOT NULL REFERENCES organisations(id),
	PRIMARY KEY (jad_id, org_id)
);
CREATE TABLE jad_actions (
	jad_id INTEGER NOT NULL REFERENCES jads(id) ON DELETE CASCADE,
	action_id INTEGER NOT NULL REFERENCES actions(id),
	PRIMARY KEY (jad_id, action_id)
);
CREATE TABLE jad_priorities (
	jad_id INTEGER NOT NULL REFERENCES jads(id) ON DELETE CASCADE,
	priority_id INTEGER NOT NULL REFERENCES priorities(id),
	PRIMARY KEY (jad_id, priority_id)
);
-- Results by metric: arrests, seizures, checks, victims identified, ...
CREATE TABLE jad_results (
	jad_id INTEGER NOT NULL REFERENCES jads(id) ON DELETE CASCADE,
	metric TEXT NOT NULL,
	value REAL NOT NULL,
	unit TEXT,
	PRIMARY KEY (jad_id, metric)
);

CREATE TABLE grants (
	id INTEGER PRIMARY KEY,
	scheme TEXT NOT NULL CHECK (scheme IN ('empact_grant', 'low_value_grant', 'isf', 'other')),
	reference TEXT NOT NULL UNIQUE,
	title TEXT,
	amount_allocated_cents INTEGER NOT NULL CHECK (amount_allocated_cents >= 0),
	amount_used_cents INTEGER NOT NULL DEFAULT 0 CHECK (amount_used_cents >= 0),
	status TEXT NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'awarded', 'rejected',
		'in_progress', 'closed')),
	version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE grant_beneficiaries (
	grant_id INTEGER NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
	org_id INTEGER NOT NULL REFERENCES organisations(id),
	PRIMARY KEY (grant_id, org_id)
);
CREATE TABLE grant_actions (
	grant_id INTEGER NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
	action_id INTEGER NOT NULL REFERENCES actions(id),
	PRIMARY KEY (grant_id, action_id)
);

CREATE TABLE good_practices (
	id INTEGER PRIMARY KEY,
	action_id INTEGER REFERENCES actions(id),
	oap_id INTEGER REFERENCES oaps(id),
	report_id INTEGER REFERENCES progress_reports(id) ON DELETE SET NULL,
	kind TEXT NOT NULL CHECK (kind IN ('good', 'bad')),
	title TEXT NOT NULL,
	text TEXT NOT NULL,
	reported_by INTEGER REFERENCES users(id),
	shared_with_est_on TEXT,
	shared_with_necs_on TEXT,
	classification INTEGER NOT NULL DEFAULT 0 CHECK (classification BETWEEN 0 AND 4),
	marking INTEGER NOT NULL DEFAULT 0 CHECK (marking IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1,
	CHECK (action_id IS NOT NULL OR oap_id IS NOT NULL)
);

CREATE TABLE overlaps (
	id INTEGER PRIMARY KEY,
	action_a_id INTEGER NOT NULL REFERENCES actions(id),
	action_b_id INTEGER NOT NULL REFERENCES actions(id),
	description TEXT NOT NULL,
	decision TEXT,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided', 'dismissed')),
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (action_a_id, action_b_id),
	CHECK (action_a_id < action_b_id)
);

-- Council documents. An EXT document is the partially declassified version of its parent;
-- its redaction map says what happened to each passage of the parent and each section of the
-- parent's OAP.
CREATE TABLE council_documents (
	id INTEGER PRIMARY KEY,
	number TEXT NOT NULL,
	suffix TEXT NOT NULL DEFAULT '',
	doc_date TEXT NOT NULL,
	language TEXT NOT NULL DEFAULT 'en',
	kind TEXT NOT NULL DEFAULT 'NOTE',
	from_text TEXT,
	to_text TEXT,
	subject TEXT NOT NULL,
	classification INTEGER NOT NULL DEFAULT 0 CHECK (classification BETWEEN 0 AND 4),
	marking INTEGER NOT NULL DEFAULT 0 CHECK (marking IN (0, 1)),
	initials TEXT,
	directorate TEXT,
	pages INTEGER CHECK (pages >= 1),
	cycle_id INTEGER REFERENCES cycles(id),
	oap_id INTEGER REFERENCES oaps(id),
	parent_id INTEGER REFERENCES council_documents(id),
	new_status TEXT,
	frozen INTEGER NOT NULL DEFAULT 0 CHECK (frozen IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (number, suffix)
);
CREATE INDEX council_documents_parent ON council_documents(parent_id);
CREATE INDEX council_documents_oap ON council_documents(oap_id);
CREATE INDEX council_documents_cycle ON council_documents(cycle_id);

CREATE TABLE document_subject_codes (
	document_id INTEGER NOT NULL REFERENCES council_documents(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	code TEXT NOT NULL,
	PRIMARY KEY (document_id, position)
);

CREATE TABLE document_previous (
	document_id INTEGER NOT NULL REFERENCES council_documents(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	reference TEXT NOT NULL,
	PRIMARY KEY (document_id, position)
);

CREATE TABLE document_passages (
	id INTEGER PRIMARY KEY,
	document_id INTEGER NOT NULL REFERENCES council_documents(id) ON DELETE CASCADE,
	key TEXT NOT NULL,
	position INTEGER NOT NULL,
	heading TEXT,
	text TEXT,
	inline INTEGER NOT NULL DEFAULT 0 CHECK (inline IN (0, 1)),
	classification INTEGER NOT NULL DEFAULT 0 CHECK (classification BETWEEN 0 AND 4),
	marking INTEGER NOT NULL DEFAULT 0 CHECK (marking IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (document_id, key)
);

CREATE TABLE document_redactions (
	id INTEGER PRIMARY KEY,
	document_id INTEGER NOT NULL REFERENCES council_documents(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	passage_key TEXT,
	section_number TEXT,
	decision TEXT NOT NULL CHECK (decision IN ('released', 'deleted', 'not_declassified')),
	reason TEXT,
	CHECK ((passage_key IS NOT NULL) + (section_number IS NOT NULL) = 1),
	CHECK (decision = 'released' OR reason IS NOT NULL)
);
CREATE UNIQUE INDEX document_redactions_passage ON document_redactions(document_id, passage_key)
	WHERE passage_key IS NOT NULL;
CREATE UNIQUE INDEX document_redactions_section ON document_redactions(document_id, section_number)
	WHERE section_number IS NOT NULL;

-- Footnotes belong to exactly one goal, shared goal, OAP section or document passage. The
-- anchor is the text their reference mark follows.
CREATE TABLE footnotes (
	id INTEGER PRIMARY KEY,
	goal_id INTEGER REFERENCES strategic_goals(id) ON DELETE CASCADE,
	shared_goal_id INTEGER REFERENCES shared_goals(id) ON DELETE CASCADE,
	section_id INTEGER REFERENCES oap_sections(id) ON DELETE CASCADE,
	passage_id INTEGER REFERENCES document_passages(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	anchor TEXT NOT NULL,
	text TEXT NOT NULL,
	CHECK ((goal_id IS NOT NULL) + (shared_goal_id IS NOT NULL) + (section_id IS NOT NULL) +
		(passage_id IS NOT NULL) = 1)
);
CREATE INDEX footnotes_goal ON footnotes(goal_id);
CREATE INDEX footnotes_shared_goal ON footnotes(shared_goal_id);
CREATE INDEX footnotes_section ON footnotes(section_id);
CREATE INDEX footnotes_passage ON footnotes(passage_id);

-- People, their organisation and clearance. Credentials and sessions come with the identity
-- work; the columns are here so that every table the domain names exists from schema 1.
CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	email TEXT,
	org_id INTEGER REFERENCES organisations(id),
	clearance INTEGER NOT NULL DEFAULT 0 CHECK (clearance BETWEEN 0 AND 4),
	password_hash TEXT,
	totp_secret TEXT,
	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

-- Scoped roles: global (scope_kind 'global'), a country, a priority, an OAP or an action.
CREATE TABLE user_roles (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	role TEXT NOT NULL CHECK (role IN ('admin', 'cosi_member', 'council_secretariat', 'commission',
		'est', 'nec', 'driver', 'co_driver', 'action_leader', 'co_action_leader', 'participant',
		'observer', 'public')),
	scope_kind TEXT NOT NULL CHECK (scope_kind IN ('global', 'country', 'priority', 'oap', 'action')),
	scope_id INTEGER,
	scope_country TEXT,
	UNIQUE (user_id, role, scope_kind, scope_id, scope_country)
);
CREATE INDEX user_roles_user ON user_roles(user_id);

-- The audit trail: append-only, each record chained to the previous one by its hash.
CREATE TABLE audit (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	actor_id INTEGER,
	actor TEXT NOT NULL,
	org_code TEXT,
	action TEXT NOT NULL,
	object_kind TEXT,
	object_id INTEGER,
	outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
	request_id TEXT,
	detail TEXT,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_object ON audit(object_kind, object_id);
CREATE INDEX audit_actor ON audit(actor_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
