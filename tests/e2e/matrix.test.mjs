// The authorization matrix of the API, as data: for every route of the route table (every path
// and method of GET /api/v1/openapi.json has a row in ROWS, or the coverage test fails), every
// demo account, an anonymous caller and a private partner's participant, and objects of the
// caller's own action, own priority and other priorities at each classification, the exact
// status the caller must get, and for lists and roll-ups, whether each object is listed.
//
// The expected answers come from the MODEL below, written from /work/shared/domain.md ("Actors",
// "Who may do what", "Security vocabulary") and NOT from the server's permission table: nothing
// of src/access/policy.c or src/db/db_res_defs.c is imported or re-run. Where domain.md is silent
// the model states its choice ("design"). Where the server answers otherwise and domain.md says
// the model is right, the cell keeps asserting the model and is marked { todo } with the reason
// (see DISAGREEMENTS), so the suite stays green while the gap stays visible.
//
// Servers: one for every read, one for the resource writes (create, change, archive/delete) and
// one for workflow transitions, links (of actions, JADs and grants), the partial declassification of
// Council documents and the caller's own account. Every write cell runs
// on a fixture in the state the cell needs: fresh records for destructive writes, the workflow
// state set before each transition, links restored after a successful removal.
//
// Set MATRIX_REPORT=FILE to write every cell whose answer differs from the model (todo or not)
// to FILE as JSON, and MATRIX_DUMP=FILE to write every cell (route, caller, situation, expected,
// observed) as JSON: the whole matrix as data.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { startServer, api, demoDatabase, tokens, BIN, DEMO_PASSWORD, DEMO_USERS } from './lib.mjs';

/* ================================================================================================
 * The model
 * ============================================================================================== */

const U = 0; // unclassified
const R = 1; // RESTREINT UE/EU RESTRICTED (the installation's default max_classification)
const CLS = { unclassified: U, restreint_ue: R };

/*
 * The callers. Roles and scopes are those `empact init --demo` prints; the private partner's
 * participant ("partner") is made by this file: an organisation of kind private_partner, a
 * RESTREINT UE clearance and the participant role on action 1.
 */
const PRINCIPALS = {
	anonymous: { anon: true, roles: [], clearance: U, kind: null },
	admin: { roles: [{ role: 'admin' }], clearance: R, kind: 'eu_institution' },
	cosi: { roles: [{ role: 'cosi_member' }], clearance: R, kind: 'eu_body' },
	gsc: { roles: [{ role: 'council_secretariat' }], clearance: R, kind: 'eu_institution' },
	commission: { roles: [{ role: 'commission' }], clearance: R, kind: 'eu_institution' },
	est: { roles: [{ role: 'est' }], clearance: R, kind: 'eu_agency' },
	'nec-nl': { roles: [{ role: 'nec', country: 'NL' }], clearance: R, kind: 'member_state', country: 'NL' },
	driver: { roles: [{ role: 'driver', priority: 9 }], clearance: R, kind: 'member_state' },
	'co-driver': { roles: [{ role: 'co_driver', priority: 9 }], clearance: R, kind: 'member_state' },
	'action-leader': { roles: [{ role: 'action_leader', action: 1 }], clearance: R, kind: 'member_state' },
	'co-action-leader': { roles: [{ role: 'co_action_leader', action: 1 }], clearance: U, kind: 'eu_agency' },
	participant: { roles: [{ role: 'participant', action: 1 }], clearance: U, kind: 'member_state' },
	observer: { roles: [{ role: 'observer' }], clearance: U, kind: 'eu_agency' },
	public: { roles: [{ role: 'public' }], clearance: U, kind: null },
	partner: { roles: [{ role: 'participant', action: 1 }], clearance: R, kind: 'private_partner' },
};
const NAMES = Object.keys(PRINCIPALS);
for (const [n, p] of Object.entries(PRINCIPALS)) p.name = n;
// The action the action-scoped roles hold: action 1 ("1.1") of OAP 1 of priority 9.
const SCOPED_ACTIONS = { 1: { id: 1, prio: 9, oapId: 1 } };

// Whose need to know covers every OAP and action: the EMPACT Support Team and COSI members read
// everything, NECs read all OAPs (domain.md); the administrator, the Council secretariat, the
// Commission and observers (design: the roles of the whole cycle, not of one priority).
const READS_ALL = ['admin', 'cosi_member', 'council_secretariat', 'commission', 'est', 'observer', 'nec'];
const DRIVERS = ['driver', 'co_driver'];
const LEADERS = ['action_leader', 'co_action_leader'];
const ACTION_ROLES = [...LEADERS, 'participant'];
// LIMITE "is never shown to third countries, private partners or the public" (domain.md); NGOs
// are third parties too.
const NO_LIMITE = ['third_country', 'private_partner', 'ngo'];
// What an Action Leader "runs": how the action is carried out, not what the OAP commits to.
const OPERATIONAL = ['description', 'what', 'when', 'where', 'who', 'how', 'documentation_ref', 'start_date', 'end_date'];

const has = (p, roles) => p.roles.some((g) => roles.includes(g.role));
const member = (p) => !p.anon && p.roles.some((g) => g.role !== 'public');
const clearance = (p) => (member(p) ? p.clearance : U);
const limiteOk = (p) => member(p) && !NO_LIMITE.includes(p.kind);
const readsAll = (p) => has(p, READS_ALL);
const drives = (p, prio) => p.roles.some((g) => DRIVERS.includes(g.role) && g.priority === prio);
const worksOn = (p, action, roles = ACTION_ROLES) => p.roles.some((g) => roles.includes(g.role) && g.action === action.id);
const myActions = (p) => p.roles.filter((g) => ACTION_ROLES.includes(g.role)).map((g) => SCOPED_ACTIONS[g.action]);
const cleared = (p, o) => (o.cls ?? U) <= clearance(p) && (!o.lim || limiteOk(p));
const deny = (p) => (p.anon ? 401 : 403);

/*
 * Need to know: "being part of the priority, OAP or action". Drivers and Co-Drivers are part of
 * their priority and of everything in it. An Action Leader, Co-Action Leader or participant is
 * part of its action, works within the OAP that action belongs to (its header, sections, KPIs
 * and practices) and pursues the strategic goals of that priority; it is not part of the other
 * actions ("participants read their own action").
 */
const ntkPriority = (p, prio) => readsAll(p) || drives(p, prio) || myActions(p).some((a) => a.prio === prio);
const ntkOap = (p, oap) => readsAll(p) || drives(p, oap.prio) || myActions(p).some((a) => a.oapId === oap.id);
const ntkAction = (p, a) => readsAll(p) || drives(p, a.prio) || worksOn(p, a);

/* Whether caller p may read object o (world objects carry res, cls, lim and their place). */
function sees(p, o) {
	switch (o.res) {
		case 'organisations':
		case 'cycles':
		case 'priorities':
			return true; // the Council's priorities and the directory are public
		case 'goals':
			// MASP goals come from a LIMITE Council document (15850/11) and belong to a priority.
			return member(p) && limiteOk(p) && ntkPriority(p, o.prio);
		case 'shared-goals':
			return member(p) && limiteOk(p); // same LIMITE source, cycle-wide
		case 'oaps':
			return member(p) && cleared(p, o) && ntkOap(p, o);
		case 'sections':
			return member(p) && cleared(p, o) && ntkOap(p, o.oap); // each section at its own level
		case 'actions':
			return member(p) && cleared(p, o) && ntkAction(p, o);
		case 'kpis':
			// A KPI has no classification of its own: it is read with what it measures.
			return member(p) && sees(p, o.owner);
		case 'reporting-rounds':
			return member(p);
		case 'jads':
			return member(p) && cleared(p, o) && (readsAll(p) || o.actions.some((a) => sees(p, a)) || o.priorities.some((pr) => ntkPriority(p, pr)));
		case 'grants':
			return member(p) && (readsAll(p) || o.actions.some((a) => sees(p, a)));
		case 'good-practices':
			return member(p) && cleared(p, o) && (o.owner.res === 'actions' ? sees(p, o.owner) : ntkOap(p, o.owner));
		case 'overlaps':
			return member(p) && sees(p, o.a) && sees(p, o.b);
		case 'progress-reports':
			// A report is part of its action ("participants read their own action"), read at its own
			// level: it starts at its action's and may be marked higher.
			return member(p) && cleared(p, o) && sees(p, o.action);
		case 'follow-ups':
			// Raised by a report for the Driver; it has no classification of its own and is read with
			// the action it follows up.
			return member(p) && sees(p, o.action);
		case 'documents':
			// Public (unclassified, not LIMITE) documents are for everyone; a document carrying an
			// OAP needs that OAP's need to know.
			return cleared(p, o) && (!o.oap || (o.cls === U && !o.lim) || (member(p) && ntkOap(p, o.oap)));
		default:
			throw new Error(`no model for ${o.res}`);
	}
}

// "Public sees only public results and declassified documents": the public kinds of record.
const PUBLIC_KINDS = ['organisations', 'cycles', 'priorities', 'documents'];
const mayRead = (p, res) => PUBLIC_KINDS.includes(res) || member(p);

/*
 * Who may change what ("Who may do what"): any = on every record; drivers = Drivers and
 * Co-Drivers within their priority; leaders = Action Leaders and Co-Action Leaders on their own
 * action ('operational': only the operational fields of an existing action); nec = an NEC for its
 * country's organisations.
 */
const WRITERS = {
	organisations: { any: ['admin'] }, // design
	cycles: { any: ['admin', 'council_secretariat'] }, // design: the Council's decisions, recorded by the GSC
	priorities: { any: ['admin', 'council_secretariat', 'cosi_member'] }, // COSI confirms Drivers, tasks agencies
	goals: { any: ['admin', 'cosi_member', 'council_secretariat'], drivers: true }, // drafted by the priority's experts, approved by COSI
	'shared-goals': { any: ['admin', 'cosi_member', 'council_secretariat'] },
	oaps: { any: ['admin'], drivers: true }, // "the Driver and Co-Drivers edit their OAP ... until adoption"
	sections: { any: ['admin'], drivers: true },
	actions: { any: ['admin'], drivers: true, leaders: 'operational' }, // "an Action Leader edits the operational fields ... of its own action"
	links: { any: ['admin'], drivers: true }, // leaders, participants, goals, cross-references: part of editing the action
	participation: { any: ['admin'], nec: true }, // "participation status confirmed by its NEC"; "NECs ... confirm their country's participation"
	kpis: { any: ['admin', 'est'], drivers: true }, // targets are what the plan commits to ("Plans carry hard targets")
	'reporting-rounds': { any: ['admin', 'est'] }, // "the EST ... opens and closes reporting rounds"
	jads: { any: ['admin', 'est'] }, // design
	grants: { any: ['admin', 'est', 'commission'] }, // EST "awards EMPACT grants"; the Commission "funds EMPACT"
	'good-practices': { any: ['admin', 'est'], drivers: true, leaders: 'all' }, // the Driver records them; Action Leaders report them
	overlaps: { any: ['admin', 'est'], drivers: true }, // design
	documents: { any: ['admin', 'council_secretariat'] }, // the GSC "issues numbered Council documents"
	// "an Action Leader edits ... progress reports of its own action"; asking for a report the round
	// did not create is how it starts writing one (design: the EST's requests are the round's opening).
	'progress-reports': { any: ['admin'], leaders: 'all' },
};

function mayWrite(p, kind, place, { op = 'create', fields = [], org = null } = {}) {
	const w = WRITERS[kind];
	place = place || { prios: [] };
	if (has(p, w.any)) return true;
	if (w.drivers && place.prios.length && place.prios.every((pr) => drives(p, pr))) return true;
	if (w.leaders && place.action && worksOn(p, place.action, LEADERS)) {
		if (w.leaders === 'all') return true;
		return op === 'update' && fields.every((f) => OPERATIONAL.includes(f));
	}
	if (w.nec && org && p.roles.some((g) => g.role === 'nec' && g.country === org.country)) return true;
	return false;
}

// OAP workflow: COSI adopts; the Drivers manage the OAP; the EST supports every OAP (design for
// who records the NEC agreement, the submission, implementation, the final report and closure).
const OAP_TO = {
	agreed_at_nec: { any: ['admin', 'est'], drivers: true },
	submitted_to_cosi: { any: ['admin', 'est'], drivers: true },
	drafting: { any: ['admin', 'cosi_member', 'est'], drivers: true },
	adopted: { any: ['admin', 'cosi_member'] },
	in_implementation: { any: ['admin', 'est'], drivers: true },
	final_report: { any: ['admin', 'est'], drivers: true },
	closed: { any: ['admin', 'est', 'cosi_member'] },
};
const OAP_FROM = {
	agreed_at_nec: 'drafting',
	submitted_to_cosi: 'agreed_at_nec',
	drafting: 'agreed_at_nec',
	adopted: 'submitted_to_cosi',
	in_implementation: 'adopted',
	final_report: 'in_implementation',
	closed: 'final_report',
};
// Action workflow: the Drivers plan, cancel and carry actions over; the Action Leaders, who run
// the action, also start it and record how it ended.
const ACTION_TO = {
	planned: { leaders: false },
	ongoing: { leaders: true },
	completed: { leaders: true },
	not_completed: { leaders: true },
	cancelled: { leaders: false },
	continued: { leaders: false },
};
const ACTION_FROM = {
	planned: 'proposed',
	ongoing: 'planned',
	completed: 'ongoing',
	not_completed: 'ongoing',
	cancelled: 'proposed',
	continued: 'not_completed',
};
const mayMoveOap = (p, to, oap) => has(p, OAP_TO[to].any) || (OAP_TO[to].drivers && drives(p, oap.prio));
const mayMoveAction = (p, to, a) => has(p, ['admin']) || drives(p, a.prio) || (ACTION_TO[to].leaders && worksOn(p, a, LEADERS));
// Progress report workflow: "requested -> draft (Action Leader) -> submitted -> consolidated
// (Driver) -> compiled (EST) -> discussed at NEC -> transmitted to COSI. A Driver can return a
// report"; "Action Leaders report progress to the Driver". Who records the NEC's discussion and the
// transmission is design: the EST, which compiles the reports "for the NEC meeting and COSI" (as
// it records the NEC's agreement of an OAP), and for the transmission also the GSC, which carries
// documents to COSI. The administrator moves every record.
const REPORT_TO = {
	submitted: { leaders: true },
	returned: { drivers: true },
	consolidated: { drivers: true },
	compiled: { any: ['est'] },
	discussed_at_nec: { any: ['est'] },
	transmitted_to_cosi: { any: ['est', 'council_secretariat'] },
};
const REPORT_FROM = {
	submitted: 'draft',
	returned: 'submitted',
	consolidated: 'submitted',
	compiled: 'consolidated',
	discussed_at_nec: 'compiled',
	transmitted_to_cosi: 'discussed_at_nec',
};
const mayMoveReport = (p, to, r) => {
	const t = REPORT_TO[to];
	return has(p, ['admin', ...(t.any || [])]) || (t.drivers && drives(p, r.action.prio)) || (t.leaders && worksOn(p, r.action, LEADERS));
};
// "the EST ... opens and closes reporting rounds and compiles reports" (the administrator too).
const mayMoveRound = (p) => has(p, ['admin', 'est']);
// A follow-up is raised "for the Driver", who clears it up; the EST, which supports every OAP,
// may record it too (design, as for the OAP workflow).
const mayResolve = (p, f) => has(p, ['admin', 'est']) || drives(p, f.action.prio);
// Sharing a practice: the Drivers, who record them, share those of their priority with the EST
// (which may record what it received); the EST shares them with the NECs (design: it compiles
// what the NEC meeting reads).
const PRACTICE_TO = { shared_with_est: { any: ['admin', 'est'], drivers: true }, shared_with_necs: { any: ['admin', 'est'] } };
const PRACTICE_FROM = { shared_with_est: 'reported', shared_with_necs: 'shared_with_est' };
const mayShare = (p, to, x) => has(p, PRACTICE_TO[to].any) || (PRACTICE_TO[to].drivers && placeOf(x).prios.every((pr) => drives(p, pr)));

/* Where a record sits in the plan: the priorities it belongs to and its action, if any. */
function placeOf(o) {
	switch (o.res) {
		case 'goals':
		case 'oaps':
			return { prios: [o.prio] };
		case 'sections':
			return { prios: [o.oap.prio] };
		case 'actions':
			return { prios: [o.prio], action: o };
		case 'kpis':
		case 'good-practices':
			return placeOf(o.owner);
		case 'overlaps':
			return { prios: [o.a.prio, o.b.prio] };
		case 'progress-reports':
		case 'follow-ups':
			return placeOf(o.action);
		default:
			return { prios: [] };
	}
}

/*
 * The answer to a write. What the caller may not read is reported as absent before anything
 * else, so that the answer never depends on whether a hidden record exists: 404 for the record
 * the path names, 422 ("there is no X N") for a record the body names. Then the permission (401
 * without credentials, 403 with), then a classification above the caller's clearance (403: a
 * caller may not mark a record it could not read), then the workflow (409: after adoption an
 * OAP changes only in a new revision, "never an edit in place"), then success.
 */
function writeAnswer(p, { target = null, refs = [], may, body = null, conflict = 0, success }) {
	if (target && !sees(p, target)) return 404;
	if (refs.some((r) => !sees(p, r))) return 422;
	if (!may(p)) return deny(p);
	if (body && body.classification !== undefined && CLS[body.classification] > clearance(p)) return deny(p);
	if (conflict) return conflict;
	return success;
}

/* ================================================================================================
 * Disagreements between the model (domain.md) and the server, each cell kept asserting the
 * model and marked todo. match(cell) sees {key, who, label, tags, want}.
 * ============================================================================================== */

/* A disagreement: where(cell) picks its cells from {key, who, label, tags, want}. */
const differs = (reason, where) => ({ reason, match: where });
const HIDDEN = ['absent', 404, 422]; // the model hides what the server shows
const SCOPED = ['driver', 'co-driver', 'action-leader', 'co-action-leader', 'participant'];
// All the disagreements this model found were settled in the server (need to know and LIMITE of
// goals, the clearance of OAP KPIs, JADs of one's priority, the adopted plan frozen, NECs alone
// confirming participation, KPI targets set by the Drivers). A new one is added here with its
// reason, so that it stays visible as todo until settled.
const DISAGREEMENTS = [];

function todoFor(cell) {
	for (const d of DISAGREEMENTS) if (d.match(cell)) return d.reason;
	return undefined;
}

/* ================================================================================================
 * Helpers
 * ============================================================================================== */

const MISSING = 987654321;
const counters = {};
const next = (k) => (counters[k] = (counters[k] || 0) + 1);

/*
 * A sqlite3 shell on a server's database, for what the API has no route for (linking grants and
 * JADs to actions) and for putting a fixture back into the state a cell needs. One process per
 * server; each statement is followed by a marker so that its completion (or error) is known.
 */
function sqliteShell(db) {
	const child = spawn('sqlite3', ['-batch', db], { stdio: ['pipe', 'pipe', 'pipe'] });
	let out = '';
	let err = '';
	let n = 0;
	const waiting = new Map();
	child.stdout.setEncoding('utf8');
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (d) => (err += d));
	child.stdout.on('data', (d) => {
		out += d;
		for (const [tag, w] of waiting) {
			if (!out.includes(tag)) continue;
			waiting.delete(tag);
			out = '';
			if (err) w.reject(new Error(`sqlite3: ${w.statement}: ${err}`));
			else w.resolve();
			err = '';
		}
	});
	child.stdin.write('.timeout 10000\n');
	return {
		run(statement) {
			const tag = `matrix-done-${++n}`;
			return new Promise((resolve, reject) => {
				waiting.set(tag, { resolve, reject, statement });
				child.stdin.write(`${statement};\nSELECT '${tag}';\n`);
			});
		},
		close() {
			child.stdin.end();
			return new Promise((resolve) => child.on('close', resolve));
		},
	};
}

let REQUESTS = 0;
async function call(ctx, who, method, path, body, ifMatch) {
	REQUESTS++;
	const opts = { body, headers: ifMatch != null ? { 'If-Match': `"${ifMatch}"` } : {} };
	if (who === 'anonymous') opts.anon = true;
	else opts.as = who;
	return api(ctx.base, method, path, opts);
}

/* A request as the administrator that must succeed. */
async function admin(ctx, method, path, body, ifMatch) {
	if (ifMatch === true) ifMatch = await version(ctx, path.replace(/^(\/api\/v1\/[a-z-]+\/\d+).*$/, '$1'));
	const r = await call(ctx, 'admin', method, path, body, ifMatch);
	if (r.status >= 300) throw new Error(`fixture: ${method} ${path} ${JSON.stringify(body)} -> ${r.status} ${r.text.slice(0, 400)}`);
	if (method !== 'GET') ctx.versions.clear();
	return r.body;
}

/* The version of a record, as the administrator reads it (cached until the next write). */
async function version(ctx, path) {
	if (!ctx.versions.has(path)) {
		const r = await call(ctx, 'admin', 'GET', path);
		if (r.status !== 200) throw new Error(`fixture: GET ${path} -> ${r.status}`);
		ctx.versions.set(path, r.body.version);
	}
	return ctx.versions.get(path);
}

async function dbWrite(ctx, statement) {
	await ctx.sql.run(statement);
	ctx.versions.clear();
}

const mk = (res, id, label, attrs = {}) => ({ res, id, label, path: `/api/v1/${res}/${id}`, cls: U, lim: false, ...attrs });
const levelBody = (lvl) => ({ classification: lvl === 'R' ? 'restreint_ue' : 'unclassified', marking: lvl === 'L' ? 'limite' : 'none' });
const levelAttrs = (lvl) => ({ cls: lvl === 'R' ? R : U, lim: lvl === 'L' });
const LEVEL = { U: 'unclassified', R: 'restreint', L: 'LIMITE' };
const OWNER_KEY = { actions: 'action_id', oaps: 'oap_id', goals: 'goal_id', 'shared-goals': 'shared_goal_id' };

/* A fixture made on demand and made again once a cell has consumed it. */
async function slot(ctx, key, make) {
	if (!ctx.slots.has(key)) ctx.slots.set(key, await make());
	return ctx.slots.get(key);
}
const consume = (ctx, key) => ctx.slots.delete(key);

/*
 * A decision map for the partial declassification of original d: for 15850/11 the example of
 * docs/examples; for 13874/17 passages p1, p3, p5 released and p2, p4 deleted; every section of the
 * document's OAP released where empact holds its text (5.1 and 6 of OAP 1 it does not hold: not
 * declassified). A removal gives its reason.
 */
const REASON = 'Public access would undermine the protection of the public interest as regards public security (Regulation (EC) No 1049/2001, Article 4(1)(a))';
const EXAMPLE_MAP = new URL('../../docs/examples/15850-11-release.json', import.meta.url);
async function decisionMap(ctx, d) {
	return slot(ctx, `decisions-${d.id}`, async () => {
		if (d === ctx.W.d1) return JSON.parse(readFileSync(EXAMPLE_MAP, 'utf8'));
		const decisions = [];
		if (d === ctx.W.d2)
			for (const k of ['p1', 'p2', 'p3', 'p4', 'p5'])
				decisions.push(k === 'p2' || k === 'p4' ? { passage: k, decision: 'deleted', reason: REASON } : { passage: k, decision: 'released' });
		for (const x of (await admin(ctx, 'GET', `/api/v1/oaps/${d.oap.id}/sections?limit=500`)).items)
			decisions.push(x.text == null ? { section: x.number, decision: 'not_declassified', reason: REASON } : { section: x.number, decision: 'released' });
		return { decisions };
	});
}

/* A proposed partial declassification of d by who, which must succeed: its unissued EXT version. */
async function propose(ctx, who, d) {
	const r = await call(ctx, who, 'POST', `${d.path}/declassifications`, await decisionMap(ctx, d));
	if (r.status !== 201) throw new Error(`fixture: ${who} proposes ${d.label} -> ${r.status} ${r.text.slice(0, 400)}`);
	ctx.versions.clear();
	return mk('documents', r.body.id, `${r.body.document} (proposed by ${who})`, { cls: d.cls, lim: d.lim, oap: d.oap, cycle: d.cycle });
}

/* ================================================================================================
 * The world: fixtures made through the administrator's token (and, where the API has no route
 * for it, such as linking a grant or a JAD to an action, through sqlite3).
 * ============================================================================================== */

async function buildWorld(ctx, kind) {
	const W = { objs: [] };
	ctx.W = W;
	const add = (o) => (W.objs.push(o), o);
	const A = (m, p, b, v) => admin(ctx, m, p, b, v);
	// Seeds, checked against what the brief says they are.
	const c2011 = (await A('GET', '/api/v1/cycles?label=2011-2013')).items[0];
	const c2018 = (await A('GET', '/api/v1/cycles?label=2018-2021')).items[0];
	W.c2011 = add(mk('cycles', c2011.id, 'cycle 2011-2013'));
	W.c2018 = add(mk('cycles', c2018.id, 'cycle 2018-2021'));
	const p9 = await A('GET', '/api/v1/priorities/9');
	assert.equal(p9.code, '3');
	assert.equal(p9.cycle_id, c2018.id);
	W.P9 = add(mk('priorities', 9, 'own priority 9', { prio: 9 }));
	const pc = (await A('GET', `/api/v1/cycles/${c2011.id}/priorities?code=C`)).items[0];
	W.PC = add(mk('priorities', pc.id, 'other priority C (2011)', { prio: pc.id }));
	W.PD = (await A('GET', `/api/v1/cycles/${c2011.id}/priorities?code=D`)).items[0].id;
	const px = await A('POST', `/api/v1/cycles/${c2018.id}/priorities`, { code: 'X', position: 50, short_name: 'Matrix priority', aim: 'Another priority of 2018-2021' });
	W.PX = add(mk('priorities', px.id, 'other priority X (2018)', { prio: px.id }));
	W.org1 = add(mk('organisations', 1, 'organisation AT'));

	// OAPs: the seed OAP 1 (priority 9, RESTREINT UE) and new ones at each level.
	const oap1 = await A('GET', '/api/v1/oaps/1');
	assert.equal(oap1.priority_id, 9);
	assert.equal(oap1.classification, 'restreint_ue');
	W.OAP1 = add(mk('oaps', 1, 'own OAP 1 (restreint)', { cls: R, prio: 9 }));
	const newOap = async (prio, year, lvl, label) => {
		const o = await A('POST', '/api/v1/oaps', { priority_id: prio, first_year: year, last_year: year, title: `Matrix plan ${label}`, ...levelBody(lvl) });
		return add(mk('oaps', o.id, label, { ...levelAttrs(lvl), prio }));
	};
	W.oOwnU = await newOap(9, 2019, 'U', 'own OAP 2019 (unclassified)');
	W.oOtherU = await newOap(pc.id, 2011, 'U', 'other OAP C-2011 (unclassified)');
	W.oOtherR = await newOap(pc.id, 2012, 'R', 'other OAP C-2012 (restreint)');
	W.oOtherL = await newOap(pc.id, 2013, 'L', 'other OAP C-2013 (LIMITE)');
	W.oX = await newOap(px.id, 2018, 'U', 'other OAP X-2018 (unclassified)');
	if (kind === 'read') W.oOwnL = await newOap(9, 2020, 'L', 'own OAP 2020 (LIMITE)');

	// Actions: 1 (the action roles' own, unclassified), 2 (restreint), 3 (unclassified LIMITE).
	const seed = await Promise.all([1, 2, 3].map((id) => A('GET', `/api/v1/actions/${id}`)));
	assert.deepEqual(seed.map((a) => [a.oap_id, a.classification, a.marking]), [[1, 'unclassified', 'none'], [1, 'restreint_ue', 'none'], [1, 'unclassified', 'limite']]);
	const act = (id, label, lvl, oap) => add(mk('actions', id, label, { ...levelAttrs(lvl), prio: oap.prio, oapId: oap.id }));
	W.A1 = act(1, 'own action 1.1 (unclassified)', 'U', W.OAP1);
	W.A2 = act(2, 'own-priority action 1.2 (restreint)', 'R', W.OAP1);
	W.A3 = act(3, 'own-priority action 2.1 (LIMITE)', 'L', W.OAP1);
	const newAction = async (oap, lvl, label) => {
		const n = next('action');
		const a = await A('POST', `/api/v1/oaps/${oap.id}/actions`, { number: `7.${n}`, position: 700 + n, title: `Matrix action ${label}`, ...levelBody(lvl) });
		return act(a.id, label, lvl, oap);
	};
	W.A4 = await newAction(W.OAP1, 'U', 'own-priority action (unclassified)');
	W.A5 = await newAction(W.OAP1, 'U', 'own-priority action 2 (unclassified)');
	W.OU = await newAction(W.oOtherR, 'U', 'other-priority action (unclassified)');
	W.OR = await newAction(W.oOtherR, 'R', 'other-priority action (restreint)');
	W.OL = await newAction(W.oOtherR, 'L', 'other-priority action (LIMITE)');
	W.XU = await newAction(W.oX, 'U', 'other-priority action, same cycle (unclassified)');

	// Sections: seed 1 (unclassified) and 9 ("5.1", restreint) of OAP 1, and new ones.
	const s9 = await A('GET', '/api/v1/sections/9');
	assert.equal(s9.classification, 'restreint_ue');
	W.s1 = add(mk('sections', 1, 'own section 1 (unclassified)', { oap: W.OAP1 }));
	W.s9 = add(mk('sections', 9, 'own section 5.1 (restreint)', { cls: R, oap: W.OAP1 }));
	const newSection = async (oap, lvl, label) => {
		const n = next('section');
		const body = { number: `8.${n}`, position: 100 + n, heading: `Matrix section ${label}`, text: 'Text.', ...levelBody(lvl) };
		const s = await A('POST', `/api/v1/oaps/${oap.id}/sections`, body);
		return add(mk('sections', s.id, label, { ...levelAttrs(lvl), oap }));
	};
	W.sOwnL = await newSection(W.OAP1, 'L', 'own section (LIMITE)');
	W.sOtherU = await newSection(W.oOtherR, 'U', 'other section (unclassified)');
	W.sOtherR = await newSection(W.oOtherR, 'R', 'other section (restreint)');
	W.sOtherL = await newSection(W.oOtherR, 'L', 'other section (LIMITE)');

	// Goals: two new ones of priority 9 (goal 1 is the demo goal), and goals 1 and 2 of priority C (from 15850/11).
	const g = await A('POST', '/api/v1/priorities/9/goals', { number: 11, text: 'Matrix goal of priority 9' });
	W.gOwn = add(mk('goals', g.id, 'own-priority goal', { prio: 9 }));
	const g2 = await A('POST', '/api/v1/priorities/9/goals', { number: 12, text: 'Matrix goal 2 of priority 9' });
	W.gOwn2 = add(mk('goals', g2.id, 'own-priority goal 2', { prio: 9 }));
	const cg = (await A('GET', `/api/v1/priorities/${pc.id}/goals?sort=number`)).items;
	W.gOther = add(mk('goals', cg[0].id, 'other-priority goal C1', { prio: pc.id }));
	W.gOther2 = add(mk('goals', cg[1].id, 'other-priority goal C2', { prio: pc.id }));
	const sg = (await A('GET', `/api/v1/cycles/${c2011.id}/shared-goals?sort=number`)).items[0];
	W.sg1 = add(mk('shared-goals', sg.id, 'shared goal 1 of 2011-2013'));

	// KPIs of actions, OAPs, goals and a shared goal.
	W.kpis = {};
	const newKpi = async (owner, label) => {
		const body = { [OWNER_KEY[owner.res]]: owner.id, position: (next('kpi') % 999) + 1, name: `Matrix KPI ${label}`, target: 10, direction: 'increase' };
		const k = await A('POST', '/api/v1/kpis', body);
		return add(mk('kpis', k.id, `KPI of ${label}`, { owner }));
	};
	for (const k of ['A1', 'A2', 'A3', 'OU', 'OR', 'OL', 'OAP1', 'oOtherR', 'gOwn', 'gOther', 'sg1']) W.kpis[k] = await newKpi(W[k], W[k].label);

	// Good and bad practices at their own levels, of actions and of OAPs.
	const newPractice = async (owner, lvl, label) => {
		const body = { [OWNER_KEY[owner.res]]: owner.id, kind: 'good', title: `Matrix practice ${label}`, text: 'Learnt.', ...levelBody(lvl) };
		const x = await A('POST', '/api/v1/good-practices', body);
		return add(mk('good-practices', x.id, label, { ...levelAttrs(lvl), owner }));
	};
	W.practices = [
		await newPractice(W.A1, 'U', 'practice of own action (unclassified)'),
		await newPractice(W.A1, 'R', 'practice of own action (restreint)'),
		await newPractice(W.A1, 'L', 'practice of own action (LIMITE)'),
		await newPractice(W.A2, 'R', 'practice of own-priority action 1.2 (restreint)'),
		await newPractice(W.OU, 'U', 'practice of other-priority action (unclassified)'),
		await newPractice(W.OAP1, 'U', 'practice of own OAP 1 (unclassified)'),
		await newPractice(W.oOtherR, 'U', 'practice of other OAP (unclassified)'),
	];

	// Overlaps.
	const newOverlap = async (a, b, label) => {
		const [x, y] = a.id < b.id ? [a, b] : [b, a];
		const o = await A('POST', '/api/v1/overlaps', { action_a_id: x.id, action_b_id: y.id, description: `Matrix overlap ${label}` });
		return add(mk('overlaps', o.id, label, { a: x, b: y }));
	};
	W.overlaps = [
		await newOverlap(W.A1, W.A4, 'overlap own action / own-priority (unclassified)'),
		await newOverlap(W.A1, W.A2, 'overlap own action / restreint action'),
		await newOverlap(W.A1, W.A3, 'overlap own action / LIMITE action'),
		await newOverlap(W.OU, W.OR, 'overlap of two other-priority actions'),
		await newOverlap(W.A1, W.OU, 'overlap own action / other-priority action'),
	];

	// Joint Action Days and grants; the API has no route for their links, sqlite3 makes them.
	const newJad = async (lvl, label, links = {}) => {
		const j = await A('POST', '/api/v1/jads', { cycle_id: c2018.id, name: `Matrix JAD ${label}`, start_date: '2019-03-01', end_date: '2019-03-02', ...levelBody(lvl) });
		for (const a of links.actions || []) await dbWrite(ctx, `INSERT INTO jad_actions (jad_id, action_id) VALUES (${j.id}, ${a.id})`);
		for (const pr of links.priorities || []) await dbWrite(ctx, `INSERT INTO jad_priorities (jad_id, priority_id) VALUES (${j.id}, ${pr})`);
		return add(mk('jads', j.id, label, { ...levelAttrs(lvl), actions: links.actions || [], priorities: links.priorities || [] }));
	};
	W.jads = [
		await newJad('U', 'JAD unlinked (unclassified)'),
		await newJad('R', 'JAD unlinked (restreint)'),
		await newJad('L', 'JAD unlinked (LIMITE)'),
		await newJad('U', 'JAD of own action', { actions: [W.A1] }),
		await newJad('U', 'JAD of own priority', { priorities: [9] }),
		await newJad('U', 'JAD of other-priority action', { actions: [W.OU] }),
	];
	const newGrant = async (label, actions = []) => {
		const x = await A('POST', '/api/v1/grants', { scheme: 'empact_grant', reference: `MX-G-${next('grant')}`, amount_allocated_cents: 100000 });
		for (const a of actions) await dbWrite(ctx, `INSERT INTO grant_actions (grant_id, action_id) VALUES (${x.id}, ${a.id})`);
		return add(mk('grants', x.id, label, { actions }));
	};
	W.grants = [await newGrant('grant unlinked'), await newGrant('grant of own action', [W.A1]), await newGrant('grant of other-priority action', [W.OU])];

	// Council documents: the seeds 15850/11 (LIMITE), 13874/17 (restreint, OAP 1) and its EXT 1
	// (public), and new ones.
	const docs = (await A('GET', '/api/v1/documents?sort=id')).items;
	assert.deepEqual(docs.slice(0, 3).map((d) => [d.id, d.number, d.suffix, d.classification, d.marking, d.oap_id]), [
		[1, '15850/11', '', 'unclassified', 'limite', null],
		[2, '13874/17', '', 'restreint_ue', 'none', 1],
		[3, '13874/17', 'EXT 1', 'unclassified', 'none', 1],
	]);
	W.d1 = add(mk('documents', 1, 'document 15850/11 (LIMITE)', { lim: true, oap: null, cycle: W.c2011 }));
	W.d2 = add(mk('documents', 2, 'document 13874/17 (restreint, own OAP)', { cls: R, oap: W.OAP1 }));
	W.d3 = add(mk('documents', 3, 'document 13874/17 EXT 1 (public, own OAP)', { oap: W.OAP1 }));
	const newDoc = async (lvl, oap, label) => {
		const body = { number: `${next('doc')}/19`, date: '2019-01-01', subject: `Matrix document ${label}`, ...levelBody(lvl) };
		const d = await A('POST', '/api/v1/documents', { ...body, ...(oap ? { oap_id: oap.id } : {}) });
		return add(mk('documents', d.id, label, { ...levelAttrs(lvl), oap }));
	};
	W.docs = [
		W.d1, W.d2, W.d3,
		await newDoc('U', null, 'document (unclassified, no OAP)'),
		await newDoc('L', W.OAP1, 'document (LIMITE, own OAP)'),
		await newDoc('R', W.oOtherR, 'document (restreint, other OAP)'),
		await newDoc('U', W.oOtherR, 'document (unclassified, other OAP)'),
		await newDoc('L', W.oOtherR, 'document (LIMITE, other OAP)'),
	];
	W.dUOther = W.docs[6];
	// Proposed partial declassifications (unissued EXT versions) of 13874/17 and 15850/11: until
	// issued they carry the original's classification and marking (and its OAP or cycle).
	if (kind === 'read') {
		W.dProp2 = add(await propose(ctx, 'admin', W.d2));
		W.dProp1 = add(await propose(ctx, 'admin', W.d1));
	}
	const rnd = await A('POST', '/api/v1/reporting-rounds', { cycle_id: c2018.id, label: '2019-H1', opens_on: '2019-06-01', closes_on: '2019-06-30' });
	W.rnd = add(mk('reporting-rounds', rnd.id, 'reporting round 2019-H1'));

	// Cross-references into action 1 (for referenced-by) and between other-priority actions.
	W.xrefs = [];
	const xref = async (from, to) => {
		await A('POST', `/api/v1/actions/${from.id}/cross-references`, { action_id: to.id, note: 'Matrix note' }, true);
		W.xrefs.push({ from, to });
	};
	for (const from of [W.A2, W.A3, W.A4, W.XU]) await xref(from, W.A1);
	await xref(W.OU, W.OR);
	return W;
}

/* ================================================================================================
 * Rows: "METHOD pattern" -> situations; each situation prepares one cell per caller.
 * A cell: {method, path, body, ifMatch, want(p), observe?(res), refs?, after?(res), likeMissing?}
 * (likeMissing: false where a 404 is not a hidden record, so it need not read like a missing one).
 * ============================================================================================== */

const ROWS = new Map();
function row(key, group, situations) {
	assert.ok(!ROWS.has(key), `two rows for ${key}`);
	ROWS.set(key, { key, group, situations });
}
const sit = (label, prepare, tags = []) => ({ label, prepare, tags });

/* ---- reads ---- */

const RESOURCES = ['organisations', 'cycles', 'priorities', 'goals', 'shared-goals', 'oaps', 'sections', 'actions', 'kpis',
	'reporting-rounds', 'jads', 'grants', 'good-practices', 'overlaps', 'documents'];
const ARCHIVES = ['organisations', 'priorities', 'goals', 'shared-goals', 'oaps', 'actions', 'jads'];

/* The situations of a list: its status, then one membership cell per object it could hold. */
function listSituations(path, res, parent, children, idKey = 'id') {
	const ok = (p) => !parent || sees(p, parent);
	const out = [
		sit(parent ? `the list of ${parent.label}` : 'the list', () => ({
			method: 'GET',
			path,
			want: (p) => (!ok(p) ? 404 : mayRead(p, res) ? 200 : deny(p)),
			target: parent,
		})),
	];
	for (const c of children)
		out.push(
			sit(`${parent ? `${parent.label}: ` : ''}lists ${c.label}`, () => ({
				method: 'GET',
				path,
				list: { id: c.id, key: idKey },
				want: (p) => (ok(p) && mayRead(p, res) && sees(p, c) ? 'listed' : 'absent'),
			}), ['membership']),
		);
	return out;
}

for (const res of RESOURCES) {
	row(`GET /api/v1/${res}`, 'read', (W) => listSituations(`/api/v1/${res}`, res, null, W.objs.filter((o) => o.res === res)));
	row(`GET /api/v1/${res}/{id}`, 'read', (W) => [
		...W.objs.filter((o) => o.res === res).map((o) => sit(o.label, () => ({ method: 'GET', path: o.path, target: o, want: (p) => (sees(p, o) ? 200 : 404) }))),
		sit('a record that does not exist', () => ({ method: 'GET', path: `/api/v1/${res}/${MISSING}`, want: () => 404 })),
	]);
}

const nestedRead = (key, parents, childRes, childrenOf, idKey) =>
	row(key, 'read', (W) => parents(W).flatMap((par) => listSituations(key.slice(4).replace('{id}', par.id), childRes, par, childrenOf(W, par), idKey)));
const byId = (W, res) => W.objs.filter((o) => o.res === res);
nestedRead('GET /api/v1/cycles/{id}/priorities', (W) => [W.c2018, W.c2011], 'priorities', (W, c) => (c === W.c2018 ? [W.P9, W.PX] : [W.PC]));
nestedRead('GET /api/v1/cycles/{id}/shared-goals', (W) => [W.c2011], 'shared-goals', (W) => [W.sg1]);
nestedRead('GET /api/v1/cycles/{id}/reporting-rounds', (W) => [W.c2018], 'reporting-rounds', (W) => [W.rnd]);
nestedRead('GET /api/v1/cycles/{id}/jads', (W) => [W.c2018], 'jads', (W) => W.jads);
nestedRead('GET /api/v1/priorities/{id}/goals', (W) => [W.P9, W.PC], 'goals', (W, pr) => byId(W, 'goals').filter((g) => g.prio === pr.id));
nestedRead('GET /api/v1/priorities/{id}/oaps', (W) => [W.P9, W.PC], 'oaps', (W, pr) => byId(W, 'oaps').filter((o) => o.prio === pr.id));
nestedRead('GET /api/v1/oaps/{id}/sections', (W) => [W.OAP1, W.oOtherR], 'sections', (W, o) => byId(W, 'sections').filter((s) => s.oap === o));
nestedRead('GET /api/v1/oaps/{id}/actions', (W) => [W.OAP1, W.oOtherR], 'actions', (W, o) => byId(W, 'actions').filter((a) => a.oapId === o.id));
nestedRead('GET /api/v1/actions/{id}/kpis', (W) => [W.A1, W.A2, W.A3, W.OU, W.OR, W.OL], 'kpis', (W, a) => byId(W, 'kpis').filter((k) => k.owner === a));
nestedRead('GET /api/v1/documents/{id}/documents', (W) => [W.d2, W.d1], 'documents', (W, d) => (d === W.d2 ? [W.d3] : []));
nestedRead('GET /api/v1/actions/{id}/referenced-by', (W) => [W.A1, W.OR, W.A4], 'actions', (W, a) => W.xrefs.filter((x) => x.to === a).map((x) => x.from), 'action_id');

const plain = (key, want) => row(key, 'read', () => [sit('the resource', () => ({ method: 'GET', path: key.slice(4), want }))]);
plain('GET /healthz', () => 200);
plain('GET /api/v1/openapi.json', () => 200);
plain('GET /metrics', (p) => (has(p, ['admin']) ? 200 : deny(p))); // design: the operator's
plain('GET /api/v1/audit', (p) => (has(p, ['admin', 'observer']) ? 200 : deny(p))); // design: the administrator and observers
plain('GET /api/v1/users', (p) => (has(p, ['admin']) ? 200 : deny(p)));
row('GET /api/v1/users/{id}', 'read', () => [
	sit('account 1', () => ({ method: 'GET', path: '/api/v1/users/1', want: (p) => (has(p, ['admin']) ? 200 : deny(p)) })),
	sit('an account that does not exist', () => ({ method: 'GET', path: `/api/v1/users/${MISSING}`, want: (p) => (has(p, ['admin']) ? 404 : deny(p)) })),
]);
// The caller's own account: any signed-in caller, the public role included.
plain('GET /api/v1/auth/session', (p) => (p.anon ? 401 : 200));
plain('GET /api/v1/auth/tokens', (p) => (p.anon ? 401 : 200));

/* ---- monitoring reads ---- */

for (const [res, objs] of [['progress-reports', (W) => W.reports], ['follow-ups', (W) => W.followUps]]) {
	row(`GET /api/v1/${res}`, 'read', (W) => listSituations(`/api/v1/${res}`, res, null, objs(W)));
	row(`GET /api/v1/${res}/{id}`, 'read', (W) => [
		...objs(W).map((o) => sit(o.label, () => ({ method: 'GET', path: o.path, target: o, want: (p) => (sees(p, o) ? 200 : 404) }))),
		sit('a record that does not exist', () => ({ method: 'GET', path: `/api/v1/${res}/${MISSING}`, want: () => 404 })),
	]);
}
nestedRead('GET /api/v1/reporting-rounds/{id}/progress-reports', (W) => [W.rH2, W.r2012, W.rOld], 'progress-reports', (W, rnd) =>
	W.reports.filter((r) => r.round === rnd));
nestedRead('GET /api/v1/actions/{id}/progress-reports', (W) => [W.A1, W.A2, W.A3, W.OU, W.OR, W.OL], 'progress-reports', (W, a) =>
	W.reports.filter((r) => r.action === a));

/*
 * A roll-up of parent: its status (a hidden parent reads as absent; the public and anonymous callers
 * may not read monitoring), and for each [what, pick, shown] whether the row pick(body) finds is in
 * it. "Figures are always computed from what the caller may read" (docs/monitoring.md): a row
 * describing a record is shown exactly to the callers who may read that record.
 */
function rollup(path, parent, label, rows = []) {
	const ok = (p) => sees(p, parent) && mayRead(p, 'progress-reports');
	return [sit(label, () => ({ method: 'GET', path, want: (p) => (!sees(p, parent) ? 404 : ok(p) ? 200 : deny(p)) })), ...rows.map((r) => showsSit(path, label, ok, r))];
}
const showsSit = (path, label, ok, [what, pick, shown]) =>
	sit(`${label}: shows ${what}`, () => ({ method: 'GET', path, pick, want: (p) => (ok(p) && shown(p) ? 'listed' : 'absent') }), ['membership']);
const inTable = (table, key, id) => (b) => (b[table] || []).some((x) => x[key] === id);
const missingRollup = (path) => sit('a record that does not exist', () => ({ method: 'GET', path, want: () => 404 }));
const reportOf = (W, a, rnd) => W.reports.find((r) => r.action === a && r.round === rnd);
row('GET /api/v1/kpis/{id}/actuals', 'read', (W) => [
	...Object.values(W.kpis).map((k) => sit(k.label, () => ({ method: 'GET', path: `${k.path}/actuals`, want: (p) => (sees(p, k) ? 200 : 404) }))),
	// an action KPI's actual comes from a report, and is read with it
	showsSit(`${W.kpis.A1.path}/actuals`, W.kpis.A1.label, (p) => sees(p, W.kpis.A1), [
		`its actual in ${W.rOld.label}, from the ${W.rA1old.label}`,
		inTable('items', 'round_id', W.rOld.id),
		(p) => sees(p, W.rA1old),
	]),
	showsSit(`${W.kpis.OAP1.path}/actuals`, W.kpis.OAP1.label, (p) => sees(p, W.kpis.OAP1), [`its actual in ${W.rH2.label}`, inTable('items', 'round_id', W.rH2.id), () => true]),
	sit('a KPI that does not exist', () => ({ method: 'GET', path: `/api/v1/kpis/${MISSING}/actuals`, want: () => 404 })),
]);
row('GET /api/v1/actions/{id}/progress-sheet', 'read', (W) => [
	...rollup(`/api/v1/actions/${W.A1.id}/progress-sheet`, W.A1, W.A1.label, [
		[W.rA1.label, inTable('rounds', 'report_id', W.rA1.id), (p) => sees(p, W.rA1)],
		[W.rA1old.label, inTable('rounds', 'report_id', W.rA1old.id), (p) => sees(p, W.rA1old)],
		[`the actual of ${W.kpis.A1.label} in ${W.rOld.label}`, (b) => (b.kpis || []).some((k) => k.kpi_id === W.kpis.A1.id && k[W.rOld.name] != null),
			(p) => sees(p, W.rA1old)],
	]),
	...[W.A4, W.A2, W.A3, W.OU, W.OR, W.OL].flatMap((a) => rollup(`/api/v1/actions/${a.id}/progress-sheet`, a, a.label)),
	missingRollup(`/api/v1/actions/${MISSING}/progress-sheet`),
]);
row('GET /api/v1/oaps/{id}/monitoring-report', 'read', (W) => [
	...[[W.OAP1, W.rH2, [W.A1, W.A4, W.A2, W.A3]], [W.oOtherR, W.r2012, [W.OU, W.OR, W.OL]], [W.oOwnU, W.rH2, []]].flatMap(([o, rnd, acts]) =>
		rollup(`/api/v1/oaps/${o.id}/monitoring-report?round_id=${rnd.id}`, o, `${o.label}, ${rnd.label}`,
			acts.map((a) => [`the report of ${a.label}`, inTable('actions', 'action_id', a.id), (p) => sees(p, reportOf(W, a, rnd))])),
	),
	missingRollup(`/api/v1/oaps/${MISSING}/monitoring-report?round_id=${W.rH2.id}`),
]);
row('GET /api/v1/oaps/{id}/participation-matrix', 'read', (W) => [
	...[[W.OAP1, [W.A1, W.A4, W.A2, W.A3]], [W.oOtherR, [W.OU, W.OR, W.OL]]].flatMap(([o, acts]) =>
		rollup(`/api/v1/oaps/${o.id}/participation-matrix`, o, o.label, acts.map((a) => [a.label, inTable('actions', 'id', a.id), (p) => sees(p, a)])),
	),
	missingRollup(`/api/v1/oaps/${MISSING}/participation-matrix`),
]);
// The overview's row of an OAP names the OAP and counts its reports.
row('GET /api/v1/reporting-rounds/{id}/overview', 'read', (W) => [
	...[[W.rH2, W.OAP1], [W.r2012, W.oOtherR], [W.rnd, null]].flatMap(([rnd, o]) =>
		rollup(`/api/v1/reporting-rounds/${rnd.id}/overview`, rnd, rnd.label, o ? [[
			`the row of ${o.label}`,
			inTable('oaps', 'oap_id', o.id),
			(p) => sees(p, o) && W.reports.some((r) => r.round === rnd && r.action.oapId === o.id && sees(p, r)),
		]] : []),
	),
	missingRollup(`/api/v1/reporting-rounds/${MISSING}/overview`),
]);
row('GET /api/v1/reporting-rounds/{id}/missing-reports', 'read', (W) => [
	...[W.rH2, W.r2012].flatMap((rnd) =>
		rollup(`/api/v1/reporting-rounds/${rnd.id}/missing-reports`, rnd, rnd.label,
			W.reports.filter((r) => r.round === rnd).map((r) => [r.label, inTable('reports', 'report_id', r.id), (p) => sees(p, r)])),
	),
	missingRollup(`/api/v1/reporting-rounds/${MISSING}/missing-reports`),
]);
row('GET /api/v1/cycles/{id}/goal-achievement', 'read', (W) => [
	...[[W.c2018, W.rH2, [W.kpis.gOwn]], [W.c2011, W.r2012, [W.kpis.gOther, W.kpis.sg1]]].flatMap(([c, rnd, kpis]) =>
		rollup(`/api/v1/cycles/${c.id}/goal-achievement?round_id=${rnd.id}`, c, `${c.label}, ${rnd.label}`,
			kpis.map((k) => [k.label, inTable('goals', 'kpi_id', k.id), (p) => sees(p, k)])),
	),
	missingRollup(`/api/v1/cycles/${MISSING}/goal-achievement?round_id=${W.rH2.id}`),
]);
row('GET /api/v1/cycles/{id}/funding', 'read', (W) => [
	...[[W.c2018, [W.A1, W.A4, W.A2, W.A3, W.XU], [W.grants[1]]], [W.c2011, [W.OU, W.OR, W.OL], [W.grants[2]]]].flatMap(([c, acts, grants]) =>
		rollup(`/api/v1/cycles/${c.id}/funding`, c, c.label, [
			...acts.map((a) => [a.label, inTable('actions', 'action_id', a.id), (p) => sees(p, a)]),
			...grants.map((g) => [g.label, inTable('grants', 'grant_id', g.id), (p) => sees(p, g)]),
		]),
	),
	missingRollup(`/api/v1/cycles/${MISSING}/funding`),
]);
row('GET /api/v1/cycles/{id}/jad-results', 'read', (W) => [
	...rollup(`/api/v1/cycles/${W.c2018.id}/jad-results`, W.c2018, W.c2018.label,
		W.jads.map((j) => [`the results of ${j.label}`, inTable('results', 'jad_id', j.id), (p) => sees(p, j)])),
	...rollup(`/api/v1/cycles/${W.c2011.id}/jad-results`, W.c2011, W.c2011.label),
	missingRollup(`/api/v1/cycles/${MISSING}/jad-results`),
]);

/* ---- Council documents: renders and the declassification record ---- */

/*
 * A render is a read of the object it renders (docs/documents.md: "an object the caller may not
 * read is 404"), then of the release level asked for: what each level shows, and "a caller may
 * render at most at its own clearance, and at limite or above only if LIMITE is open to it (403
 * otherwise)". A level above the caller's clearance is 403 for an anonymous caller too: the
 * contract says so (signing in would not change what the object is).
 */
const RELEASE = { public: { cls: U, lim: false }, limite: { cls: U, lim: true }, restreint_ue: { cls: R, lim: true } };
const mayRelease = (p, rel) => RELEASE[rel].cls <= clearance(p) && (!RELEASE[rel].lim || limiteOk(p));
// Per object: the public release, LIMITE for what is LIMITE, and RESTREINT UE (which shows LIMITE too).
const releasesOf = (lim) => ['public', ...(lim ? ['limite'] : []), 'restreint_ue'];
/* The cells of rendering what path names, as txt, at each release: read(p) is the status of reading it. */
const renderSits = (path, label, read, lim) =>
	releasesOf(lim).map((rel) =>
		sit(`${label}, release ${rel}`, () => ({
			method: 'GET',
			path: `${path}${path.includes('?') ? '&' : '?'}format=txt&release=${rel}`,
			want: (p) => (read(p) !== 200 ? read(p) : mayRelease(p, rel) ? 200 : 403),
		}), [rel]),
	);
const readOf = (o) => (p) => (sees(p, o) ? 200 : 404);
// A roll-up rendered as a document is read as the roll-up is (see rollup()).
const readRollup = (parent) => (p) => (!sees(p, parent) ? 404 : mayRead(p, 'progress-reports') ? 200 : deny(p));
const missingRender = (path) => sit('a record that does not exist', () => ({ method: 'GET', path: `${path}${path.includes('?') ? '&' : '?'}format=txt&release=public`, want: () => 404 }));
// Every Council document that carries an OAP or a cycle is a document to render (one with neither
// has no text to render from: not a permission question).
row('GET /api/v1/documents/{id}/render', 'read', (W) => [
	...byId(W, 'documents').filter((d) => d.oap || d.cycle).flatMap((d) => renderSits(`${d.path}/render`, d.label, readOf(d), d.lim)),
	missingRender(`/api/v1/documents/${MISSING}/render`),
]);
// An OAP as a document (its Council document if it has one).
row('GET /api/v1/oaps/{id}/render', 'read', (W) => [
	...byId(W, 'oaps').flatMap((o) => renderSits(`${o.path}/render`, o.label, readOf(o), o.lim)),
	missingRender(`/api/v1/oaps/${MISSING}/render`),
]);
// The strategic goals note of a cycle: cycles are public, the note of 2011-2013 is 15850/11 (LIMITE).
row('GET /api/v1/cycles/{id}/render', 'read', (W) => [
	...renderSits(`${W.c2011.path}/render`, W.c2011.label, readOf(W.c2011), true),
	...renderSits(`${W.c2018.path}/render`, W.c2018.label, readOf(W.c2018), false),
	missingRender(`/api/v1/cycles/${MISSING}/render`),
]);
row('GET /api/v1/oaps/{id}/monitoring-report/render', 'read', (W) => [
	...[[W.OAP1, W.rH2], [W.oOtherR, W.r2012], [W.oOwnU, W.rH2]].flatMap(([o, rnd]) =>
		renderSits(`/api/v1/oaps/${o.id}/monitoring-report/render?round_id=${rnd.id}`, `${o.label}, ${rnd.label}`, readRollup(o), false)),
	missingRender(`/api/v1/oaps/${MISSING}/monitoring-report/render?round_id=${W.rH2.id}`),
]);
row('GET /api/v1/reporting-rounds/{id}/overview/render', 'read', (W) => [
	...[W.rH2, W.r2012, W.rnd].flatMap((rnd) => renderSits(`/api/v1/reporting-rounds/${rnd.id}/overview/render`, rnd.label, readRollup(rnd), false)),
	missingRender(`/api/v1/reporting-rounds/${MISSING}/overview/render`),
]);
// The declassification record of an EXT version is read with the version: the issued 13874/17 EXT
// 1 is public, a proposal is read like its original. An original has no such record: 404 to
// everyone (to those who may read the original not as a hidden record, so not like a missing one).
row('GET /api/v1/documents/{id}/declassification', 'read', (W) => [
	...[W.d3, W.dProp2, W.dProp1].map((x) => sit(x.label, () => ({ method: 'GET', path: `${x.path}/declassification`, want: readOf(x) }))),
	sit(`${W.d2.label}: an original`, (ctx, who) => ({
		method: 'GET',
		path: `${W.d2.path}/declassification`,
		want: () => 404,
		likeMissing: !sees(PRINCIPALS[who], W.d2),
	})),
	sit('a document that does not exist', () => ({ method: 'GET', path: `/api/v1/documents/${MISSING}/declassification`, want: () => 404 })),
]);

// What a declassification proposal must decide (the form's source) is asked as the proposal is:
// the same need to know, role, scope and clearance as POST .../declassifications (for an
// original) and PUT .../redactions (for a proposal), answered 200 instead of 201; an issued EXT
// version can no longer change (409, as its map).
row('GET /api/v1/documents/{id}/declassification-subject', 'read', (W) => [
	...[W.d2, W.d1, W.dUOther].map((d) =>
		sit(`${d.label}: an original`, () => ({
			method: 'GET',
			path: `${d.path}/declassification-subject`,
			want: (p) => declassAnswer(p, { target: d, orig: d, may: mayDeclassify(d), success: 200 }),
		}), declassTags(W, d)),
	),
	...[[W.dProp2, W.d2], [W.dProp1, W.d1]].map(([x, d]) =>
		sit(`${x.label}: a proposal`, () => ({
			method: 'GET',
			path: `${x.path}/declassification-subject`,
			want: (p) => declassAnswer(p, { target: x, orig: d, may: mayDeclassify(d), success: 200 }),
		}), declassTags(W, d)),
	),
	sit(`${W.d3.label}: issued`, () => ({
		method: 'GET',
		path: `${W.d3.path}/declassification-subject`,
		want: (p) => declassAnswer(p, { target: W.d3, orig: W.d2, may: mayDeclassify(W.d3), conflict: 409, success: 200 }),
	}), ['own', 'issued']),
	sit('a document that does not exist', () => ({ method: 'GET', path: `/api/v1/documents/${MISSING}/declassification-subject`, want: () => 404 })),
]);

/* ---- resource writes (server "write") ---- */

/* A create at POST path with body; place and refs say where the record goes. */
function createCell(ctx, { path, body, res, place, refs = [], target = null, conflict = 0, after }) {
	return {
		method: 'POST',
		path,
		body,
		refs,
		want: (p) => writeAnswer(p, { target, refs: refs.map((r) => r.obj), may: (q) => mayWrite(q, res, place), body, conflict, success: 201 }),
		after,
	};
}
async function updateCell(ctx, o, body, { conflict = 0, refs = [] } = {}) {
	return {
		method: 'PATCH',
		path: o.path,
		body,
		ifMatch: await version(ctx, o.path),
		refs,
		target: o,
		want: (p) =>
			writeAnswer(p, {
				target: o,
				refs: refs.map((r) => r.obj),
				may: (q) => mayWrite(q, o.res, placeOf(o), { op: 'update', fields: Object.keys(body) }),
				body,
				conflict,
				success: 200,
			}),
	};
}
async function deleteCell(ctx, o, { conflict = 0, after } = {}) {
	return {
		method: 'DELETE',
		path: o.path,
		ifMatch: await version(ctx, o.path),
		target: o,
		want: (p) => writeAnswer(p, { target: o, may: (q) => mayWrite(q, o.res, placeOf(o), { op: 'delete' }), conflict, success: ARCHIVES.includes(o.res) ? 200 : 204 }),
		after,
	};
}
/* A DELETE on a fresh record (made by make()), made again after a successful delete. */
const freshDelete = (label, key, make, tags = [], opts = {}) =>
	sit(label, async (ctx) => {
		const o = await slot(ctx, key, () => make(ctx));
		return deleteCell(ctx, o, { ...opts, after: async () => consume(ctx, key) });
	}, tags);

const A = (ctx, m, p, b, v) => admin(ctx, m, p, b, v);

// organisations
row('POST /api/v1/organisations', 'write', () => [
	sit('a new organisation', (ctx) => {
		const n = next('org');
		return createCell(ctx, { path: '/api/v1/organisations', body: { code: `MXO${n}`, kind: 'eu_agency', name: `Matrix organisation ${n}` }, res: 'organisations' });
	}),
]);
const freshOrg = async (ctx) => {
	const n = next('org');
	const o = await A(ctx, 'POST', '/api/v1/organisations', { code: `MXO${n}`, kind: 'eu_agency', name: `Matrix organisation ${n}` });
	return mk('organisations', o.id, 'an organisation');
};
row('PATCH /api/v1/organisations/{id}', 'write', () => [
	sit('an organisation', async (ctx) => updateCell(ctx, await slot(ctx, 'org-patch', () => freshOrg(ctx)), { name: `Renamed ${next('name')}` })),
]);
row('DELETE /api/v1/organisations/{id}', 'write', () => [freshDelete('an organisation', 'org-del', freshOrg)]);

// cycles
const cycleBody = () => {
	const n = next('cycle');
	const y = 2040 + (n % 50);
	const z = y + 1 + Math.floor(n / 50);
	return { label: `${y}-${z}`, first_year: y, last_year: z, oap_period_years: 1, status: 'planning' };
};
const freshCycle = async (ctx) => mk('cycles', (await A(ctx, 'POST', '/api/v1/cycles', cycleBody())).id, 'a cycle');
row('POST /api/v1/cycles', 'write', () => [sit('a new cycle', (ctx) => createCell(ctx, { path: '/api/v1/cycles', body: cycleBody(), res: 'cycles' }))]);
row('PATCH /api/v1/cycles/{id}', 'write', () => [
	sit('a cycle', async (ctx) => updateCell(ctx, await slot(ctx, 'cycle-patch', () => freshCycle(ctx)), { threat_assessment: `SOCTA ${next('ta')}` })),
]);
row('DELETE /api/v1/cycles/{id}', 'write', () => [freshDelete('a cycle nothing refers to', 'cycle-del', freshCycle)]);

// priorities
const priorityBody = (withCycle) => {
	const n = next('prio');
	return { ...(withCycle ? { cycle_id: withCycle } : {}), code: `Q${n}`, position: 100 + n, short_name: `Matrix priority ${n}`, aim: 'An aim' };
};
row('POST /api/v1/priorities', 'write', () => [
	sit('a new priority of 2018-2021', (ctx) => createCell(ctx, { path: '/api/v1/priorities', body: priorityBody(ctx.W.c2018.id), res: 'priorities' })),
]);
row('POST /api/v1/cycles/{id}/priorities', 'write', () => [
	sit('a new priority of 2018-2021', (ctx) =>
		createCell(ctx, { path: `/api/v1/cycles/${ctx.W.c2018.id}/priorities`, body: priorityBody(), res: 'priorities', target: ctx.W.c2018 }),
	),
]);
row('PATCH /api/v1/priorities/{id}', 'write', () => [
	sit('own priority 9', async (ctx) => updateCell(ctx, ctx.W.P9, { aim: `Aim ${next('aim')}` }), ['own']),
	sit('other priority C', async (ctx) => updateCell(ctx, ctx.W.PC, { aim: `Aim ${next('aim')}` }), ['other']),
]);
row('DELETE /api/v1/priorities/{id}', 'write', () => [
	freshDelete('a priority', 'prio-del', async (ctx) => mk('priorities', (await A(ctx, 'POST', '/api/v1/priorities', priorityBody(ctx.W.c2018.id))).id, 'a priority')),
]);

// strategic goals
const goalBody = (prio) => ({ ...(prio ? { priority_id: prio } : {}), number: 100 + next('goal'), text: 'Matrix goal' });
const freshGoal = (prio) => async (ctx) => mk('goals', (await A(ctx, 'POST', '/api/v1/goals', goalBody(prio))).id, 'a goal', { prio });
row('POST /api/v1/goals', 'write', () => [
	sit('a goal of own priority 9', (ctx) => createCell(ctx, { path: '/api/v1/goals', body: goalBody(9), res: 'goals', place: { prios: [9] } }), ['own']),
	sit('a goal of other priority C', (ctx) =>
		createCell(ctx, { path: '/api/v1/goals', body: goalBody(ctx.W.PC.id), res: 'goals', place: { prios: [ctx.W.PC.id] } }), ['other']),
]);
row('POST /api/v1/priorities/{id}/goals', 'write', () => [
	sit('a goal of own priority 9', (ctx) =>
		createCell(ctx, { path: '/api/v1/priorities/9/goals', body: goalBody(), res: 'goals', place: { prios: [9] }, target: ctx.W.P9 }), ['own']),
	sit('a goal of other priority C', (ctx) =>
		createCell(ctx, { path: `/api/v1/priorities/${ctx.W.PC.id}/goals`, body: goalBody(), res: 'goals', place: { prios: [ctx.W.PC.id] }, target: ctx.W.PC }), ['other']),
]);
row('PATCH /api/v1/goals/{id}', 'write', () => [
	sit('own-priority goal', async (ctx) => updateCell(ctx, ctx.W.gOwn, { text: `Goal ${next('t')}` }), ['own']),
	sit('other-priority goal C1', async (ctx) => updateCell(ctx, ctx.W.gOther, { text: `Goal ${next('t')}` }), ['other']),
]);
row('DELETE /api/v1/goals/{id}', 'write', () => [
	freshDelete('a goal of own priority 9', 'goal-del-own', freshGoal(9), ['own']),
	freshDelete('a goal of other priority C', 'goal-del-other', (ctx) => freshGoal(ctx.W.PC.id)(ctx), ['other']),
]);

// shared goals
const sharedBody = (cycle) => ({ ...(cycle ? { cycle_id: cycle } : {}), number: 100 + next('shared'), text: 'Matrix shared goal' });
row('POST /api/v1/shared-goals', 'write', () => [
	sit('a shared goal of 2011-2013', (ctx) => createCell(ctx, { path: '/api/v1/shared-goals', body: sharedBody(ctx.W.c2011.id), res: 'shared-goals' })),
]);
row('POST /api/v1/cycles/{id}/shared-goals', 'write', () => [
	sit('a shared goal of 2011-2013', (ctx) =>
		createCell(ctx, { path: `/api/v1/cycles/${ctx.W.c2011.id}/shared-goals`, body: sharedBody(), res: 'shared-goals', target: ctx.W.c2011 }),
	),
]);
row('PATCH /api/v1/shared-goals/{id}', 'write', () => [sit('shared goal 1 of 2011-2013', async (ctx) => updateCell(ctx, ctx.W.sg1, { scope: `Scope ${next('s')}` }))]);
row('DELETE /api/v1/shared-goals/{id}', 'write', () => [
	freshDelete('a shared goal', 'shared-del', async (ctx) =>
		mk('shared-goals', (await A(ctx, 'POST', '/api/v1/shared-goals', sharedBody(ctx.W.c2011.id))).id, 'a shared goal'),
	),
]);

// OAPs. Priority 9 has one free year (2021): a created OAP is removed again with sqlite3.
const oapCreate = (label, prioOf, year, lvl, tags) =>
	sit(label, (ctx) => {
		const prio = prioOf(ctx.W);
		const body = { priority_id: prio, first_year: year, last_year: year, title: `Matrix plan ${next('oap')}`, ...levelBody(lvl) };
		const after = async (res) => dbWrite(ctx, `DELETE FROM oaps WHERE id = ${res.body.id}`);
		return createCell(ctx, { path: '/api/v1/oaps', body, res: 'oaps', place: { prios: [prio] }, after });
	}, tags);
row('POST /api/v1/oaps', 'write', () => [
	oapCreate('an OAP of own priority 9 (unclassified)', () => 9, 2021, 'U', ['own']),
	oapCreate('an OAP of own priority 9 (restreint)', () => 9, 2021, 'R', ['own']),
	oapCreate('an OAP of other priority D (restreint)', (W) => W.PD, 2011, 'R', ['other']),
]);
const oapTargets = (W) => [
	[W.OAP1, ['own']],
	[W.oOwnU, ['own']],
	[W.oAdopted, ['own', 'adopted']],
	[W.oOtherU, ['other']],
	[W.oOtherR, ['other']],
	[W.oOtherL, ['other']],
];
row('PATCH /api/v1/oaps/{id}', 'write', (W) =>
	oapTargets(W).map(([o, tags]) => sit(o.label, async (ctx) => updateCell(ctx, o, { title: `Renamed plan ${next('t')}` }, { conflict: o === W.oAdopted ? 409 : 0 }), tags)),
);
row('DELETE /api/v1/oaps/{id}', 'write', (W) =>
	oapTargets(W).map(([o, tags]) =>
		sit(o.label, async (ctx) =>
			deleteCell(ctx, o, { conflict: o === W.oAdopted ? 409 : 0, after: async () => dbWrite(ctx, `UPDATE oaps SET archived = 0 WHERE id = ${o.id}`) }), tags),
	),
);

// Sections and actions: of own OAP 1, of other OAP C-2012 at each level, and of an adopted OAP of
// priority 9 (domain.md: after adoption a change is a new revision, never an edit in place).
const planTargets = (W) => [
	[W.OAP1, 'U', 'own OAP 1', ['own']],
	[W.OAP1, 'R', 'own OAP 1', ['own']],
	[W.OAP1, 'L', 'own OAP 1', ['own']],
	[W.oOtherR, 'U', 'other OAP', ['other']],
	[W.oOtherR, 'R', 'other OAP', ['other']],
	[W.oOtherR, 'L', 'other OAP', ['other']],
	[W.oAdopted, 'U', 'adopted own OAP', ['own', 'adopted']],
];
const sectionBody = (oap, lvl) => {
	const n = next('section');
	return { ...(oap ? { oap_id: oap.id } : {}), number: `9.${n}`, position: 100 + (n % 900), heading: `Matrix section ${n}`, text: 'Text.', ...levelBody(lvl) };
};
const actionBody = (oap, lvl) => {
	const n = next('action');
	return { ...(oap ? { oap_id: oap.id } : {}), number: `9.${n}`, position: 900 + n, title: `Matrix action ${n}`, ...levelBody(lvl) };
};
for (const [res, bodyOf] of [['sections', sectionBody], ['actions', actionBody]]) {
	row(`POST /api/v1/${res}`, 'write', (W) =>
		planTargets(W).map(([oap, lvl, label, tags]) =>
			sit(`a ${LEVEL[lvl]} ${res === 'sections' ? 'section' : 'action'} of ${label}`, (ctx) =>
				createCell(ctx, {
					path: `/api/v1/${res}`,
					body: bodyOf(oap, lvl),
					res,
					place: { prios: [oap.prio] },
					refs: [{ key: 'oap_id', obj: oap }],
					conflict: oap === W.oAdopted ? 409 : 0,
				}), tags),
		),
	);
	row(`POST /api/v1/oaps/{id}/${res}`, 'write', (W) =>
		[[W.OAP1, ['own']], [W.oOtherR, ['other']], [W.oOwnU, ['own']], [W.oAdopted, ['own', 'adopted']]].map(([oap, tags]) =>
			sit(`an unclassified one in ${oap.label}`, (ctx) =>
				createCell(ctx, {
					path: `/api/v1/oaps/${oap.id}/${res}`,
					body: bodyOf(null, 'U'),
					res,
					place: { prios: [oap.prio] },
					target: oap,
					conflict: oap === W.oAdopted ? 409 : 0,
				}), tags),
		),
	);
}
const freshSection = (oapOf, lvl) => async (ctx) => {
	const oap = oapOf(ctx.W);
	if (oap === ctx.W.oAdopted) return { ...ctx.W.adoptedSections.shift() };
	const s = await A(ctx, 'POST', '/api/v1/sections', sectionBody(oap, lvl));
	return mk('sections', s.id, 'a section', { ...levelAttrs(lvl), oap });
};
const freshAction = (oapOf, lvl) => async (ctx) => {
	const oap = oapOf(ctx.W);
	if (oap === ctx.W.oAdopted) return { ...ctx.W.adoptedActions.shift() };
	const a = await A(ctx, 'POST', '/api/v1/actions', actionBody(oap, lvl));
	return mk('actions', a.id, 'an action', { ...levelAttrs(lvl), prio: oap.prio, oapId: oap.id });
};
row('PATCH /api/v1/sections/{id}', 'write', (W) =>
	[
		[W.s1, ['own']],
		[W.s9, ['own']],
		[W.sOwnL, ['own']],
		[W.sOtherU, ['other']],
		[W.sOtherR, ['other']],
		[W.sOtherL, ['other']],
		[W.adoptedSection, ['own', 'adopted']],
	].map(([s, tags]) =>
		sit(s.label, async (ctx) => updateCell(ctx, s, { heading: `Heading ${next('h')}` }, { conflict: s.oap === W.oAdopted ? 409 : 0 }), tags),
	),
);
row('DELETE /api/v1/sections/{id}', 'write', (W) =>
	planTargets(W).map(([oap, lvl, label, tags]) =>
		sit(`a ${LEVEL[lvl]} section of ${label}`, async (ctx) => {
			const key = `sec-del-${oap.id}-${lvl}`;
			const o = await slot(ctx, key, () => freshSection(() => oap, lvl)(ctx));
			return deleteCell(ctx, o, { conflict: oap === W.oAdopted ? 409 : 0, after: async () => consume(ctx, key) });
		}, tags),
	),
);
const actionTargets = (W) => [
	[W.A1, ['own', 'own-action']],
	[W.A4, ['own']],
	[W.A2, ['own']],
	[W.A3, ['own']],
	[W.OU, ['other']],
	[W.OR, ['other']],
	[W.OL, ['other']],
	[W.adoptedAction, ['own', 'adopted']],
];
row('PATCH /api/v1/actions/{id}', 'write', (W) =>
	actionTargets(W).flatMap(([a, tags]) => [
		sit(`${a.label}: an operational field (what)`, async (ctx) => updateCell(ctx, a, { what: `Joint patrols ${next('w')}` }), [...tags, 'operational']),
		sit(`${a.label}: the title`, async (ctx) => updateCell(ctx, a, { title: `Retitled ${next('w')}` }, { conflict: a === W.adoptedAction ? 409 : 0 }), [...tags, 'plan']),
	]),
);
row('DELETE /api/v1/actions/{id}', 'write', (W) => [
	sit(W.A1.label, async (ctx) => deleteCell(ctx, W.A1, { after: async () => dbWrite(ctx, 'UPDATE actions SET archived = 0 WHERE id = 1') }), ['own', 'own-action']),
	...planTargets(W).map(([oap, lvl, label, tags]) =>
		sit(`a ${LEVEL[lvl]} action of ${label}`, async (ctx) => {
			const key = `act-del-${oap.id}-${lvl}`;
			const o = await slot(ctx, key, () => freshAction(() => oap, lvl)(ctx));
			return deleteCell(ctx, o, { conflict: oap === W.oAdopted ? 409 : 0, after: async () => consume(ctx, key) });
		}, tags),
	),
]);

// KPIs of every kind of owner.
const kpiOwners = (W) => [
	[W.A1, ['own', 'own-action']],
	[W.A2, ['own']],
	[W.A3, ['own']],
	[W.OU, ['other']],
	[W.OR, ['other']],
	[W.OL, ['other']],
	[W.OAP1, ['own', 'oap']],
	[W.oOtherR, ['other', 'oap']],
	[W.gOwn, ['own', 'goal']],
	[W.gOther, ['other', 'goal']],
	[W.sg1, ['shared']],
];
const kpiBody = (owner) => ({ [OWNER_KEY[owner.res]]: owner.id, position: (next('kpi') % 999) + 1, name: 'Matrix KPI', target: 10, direction: 'increase' });
row('POST /api/v1/kpis', 'write', (W) =>
	kpiOwners(W).map(([o, tags]) =>
		sit(`a KPI of ${o.label}`, (ctx) =>
			createCell(ctx, { path: '/api/v1/kpis', body: kpiBody(o), res: 'kpis', place: placeOf({ res: 'kpis', owner: o }), refs: [{ key: OWNER_KEY[o.res], obj: o }] }), tags),
	),
);
row('PATCH /api/v1/kpis/{id}', 'write', (W) =>
	kpiOwners(W).map(([o, tags]) => {
		const k = byId(W, 'kpis').find((x) => x.owner === o);
		return sit(k.label, async (ctx) => updateCell(ctx, k, { target: 20 + next('k') }), tags);
	}),
);
row('DELETE /api/v1/kpis/{id}', 'write', (W) =>
	kpiOwners(W).map(([o, tags]) =>
		freshDelete(`a KPI of ${o.label}`, `kpi-del-${o.res}-${o.id}`, async (ctx) => mk('kpis', (await A(ctx, 'POST', '/api/v1/kpis', kpiBody(o))).id, 'a KPI', { owner: o }), tags),
	),
);

// Reporting rounds, JADs, grants.
const roundBody = (cycle) => ({ cycle_id: cycle, label: `2019-M${next('round')}`, opens_on: '2019-01-01', closes_on: '2019-06-30' });
row('POST /api/v1/reporting-rounds', 'write', () => [
	sit('a round of 2018-2021', (ctx) => createCell(ctx, { path: '/api/v1/reporting-rounds', body: roundBody(ctx.W.c2018.id), res: 'reporting-rounds' })),
]);
row('PATCH /api/v1/reporting-rounds/{id}', 'write', () => [sit('round 2019-H1', async (ctx) => updateCell(ctx, ctx.W.rnd, { nec_meeting: `NEC meeting ${next('m')}` }))]);
row('DELETE /api/v1/reporting-rounds/{id}', 'write', () => [
	freshDelete('a round', 'round-del', async (ctx) => mk('reporting-rounds', (await A(ctx, 'POST', '/api/v1/reporting-rounds', roundBody(ctx.W.c2018.id))).id, 'a round')),
]);
const jadBody = (cycle, lvl) => ({ cycle_id: cycle, name: `Matrix JAD ${next('jad')}`, start_date: '2019-05-01', end_date: '2019-05-02', ...levelBody(lvl) });
row('POST /api/v1/jads', 'write', () =>
	['U', 'R', 'L'].map((lvl) => sit(`a ${LEVEL[lvl]} JAD`, (ctx) => createCell(ctx, { path: '/api/v1/jads', body: jadBody(ctx.W.c2018.id, lvl), res: 'jads' }))),
);
row('PATCH /api/v1/jads/{id}', 'write', (W) => W.jads.map((j) => sit(j.label, async (ctx) => updateCell(ctx, j, { description: `Results ${next('d')}` }))));
row('DELETE /api/v1/jads/{id}', 'write', () =>
	['U', 'R', 'L'].map((lvl) =>
		freshDelete(`a ${LEVEL[lvl]} JAD`, `jad-del-${lvl}`, async (ctx) =>
			mk('jads', (await A(ctx, 'POST', '/api/v1/jads', jadBody(ctx.W.c2018.id, lvl))).id, 'a JAD', { ...levelAttrs(lvl), actions: [], priorities: [] }),
		),
	),
);
const grantBody = () => ({ scheme: 'isf', reference: `MX-W-${next('grant')}`, amount_allocated_cents: 100 });
row('POST /api/v1/grants', 'write', () => [sit('a grant', (ctx) => createCell(ctx, { path: '/api/v1/grants', body: grantBody(), res: 'grants' }))]);
row('PATCH /api/v1/grants/{id}', 'write', (W) => W.grants.map((g) => sit(g.label, async (ctx) => updateCell(ctx, g, { amount_used_cents: next('used') % 100 }))));
row('DELETE /api/v1/grants/{id}', 'write', () => [
	freshDelete('an unlinked grant', 'grant-del', async (ctx) => mk('grants', (await A(ctx, 'POST', '/api/v1/grants', grantBody())).id, 'a grant', { actions: [] })),
	freshDelete('a grant of own action', 'grant-del-a1', async (ctx) => {
		const g = await A(ctx, 'POST', '/api/v1/grants', grantBody());
		await dbWrite(ctx, `INSERT INTO grant_actions (grant_id, action_id) VALUES (${g.id}, 1)`);
		return mk('grants', g.id, 'a grant of own action', { actions: [ctx.W.A1] });
	}),
]);

// Good practices.
const practiceVariants = (W) => [
	[W.A1, 'U', ['own', 'own-action']],
	[W.A1, 'R', ['own', 'own-action']],
	[W.A1, 'L', ['own', 'own-action']],
	[W.A2, 'R', ['own']],
	[W.OU, 'U', ['other']],
	[W.OAP1, 'U', ['own', 'oap']],
	[W.oOtherR, 'U', ['other', 'oap']],
];
const practiceBody = (owner, lvl) => ({ [OWNER_KEY[owner.res]]: owner.id, kind: 'good', title: `Matrix practice ${next('gp')}`, text: 'Learnt.', ...levelBody(lvl) });
row('POST /api/v1/good-practices', 'write', (W) =>
	practiceVariants(W).map(([o, lvl, tags]) =>
		sit(`a ${LEVEL[lvl]} practice of ${o.label}`, (ctx) =>
			createCell(ctx, {
				path: '/api/v1/good-practices',
				body: practiceBody(o, lvl),
				res: 'good-practices',
				place: placeOf({ res: 'good-practices', owner: o }),
				refs: [{ key: OWNER_KEY[o.res], obj: o }],
			}), tags),
	),
);
row('PATCH /api/v1/good-practices/{id}', 'write', (W) =>
	W.practices.map((x, i) => sit(x.label, async (ctx) => updateCell(ctx, x, { text: `Learnt more ${next('l')}` }), practiceVariants(W)[i][2])),
);
row('DELETE /api/v1/good-practices/{id}', 'write', (W) =>
	practiceVariants(W).map(([o, lvl, tags]) =>
		freshDelete(`a ${LEVEL[lvl]} practice of ${o.label}`, `gp-del-${o.res}-${o.id}-${lvl}`, async (ctx) =>
			mk('good-practices', (await A(ctx, 'POST', '/api/v1/good-practices', practiceBody(o, lvl))).id, 'a practice', { ...levelAttrs(lvl), owner: o }),
		tags),
	),
);

// Overlaps: pairs not yet recorded; a created overlap is deleted again.
const overlapPairs = (W) => [
	[W.A4, W.A5, 'two own-priority actions (unclassified)', ['own']],
	[W.A2, W.A4, 'own-priority restreint and unclassified actions', ['own']],
	[W.A3, W.A4, 'own-priority LIMITE and unclassified actions', ['own']],
	[W.OU, W.OL, 'two other-priority actions', ['other']],
	[W.A4, W.OU, 'own-priority and other-priority actions', ['cross']],
];
const overlapBody = (a, b) => {
	const [x, y] = a.id < b.id ? [a, b] : [b, a];
	return { action_a_id: x.id, action_b_id: y.id, description: `Matrix overlap ${next('ov')}` };
};
row('POST /api/v1/overlaps', 'write', (W) =>
	overlapPairs(W).map(([a, b, label, tags]) =>
		sit(`an overlap of ${label}`, (ctx) => {
			const body = overlapBody(a, b);
			const [x, y] = a.id < b.id ? [a, b] : [b, a];
			return createCell(ctx, {
				path: '/api/v1/overlaps',
				body,
				res: 'overlaps',
				place: { prios: [a.prio, b.prio] },
				refs: [{ key: 'action_a_id', obj: x }, { key: 'action_b_id', obj: y }],
				after: async (res) => A(ctx, 'DELETE', `/api/v1/overlaps/${res.body.id}`, undefined, res.body.version),
			});
		}, tags),
	),
);
row('PATCH /api/v1/overlaps/{id}', 'write', (W) => W.overlaps.map((o) => sit(o.label, async (ctx) => updateCell(ctx, o, { decision: `Merge ${next('dec')}` }))));
row('DELETE /api/v1/overlaps/{id}', 'write', (W) =>
	overlapPairs(W).map(([a, b, label, tags]) =>
		freshDelete(`an overlap of ${label}`, `ov-del-${a.id}-${b.id}`, async (ctx) => {
			const o = await A(ctx, 'POST', '/api/v1/overlaps', overlapBody(a, b));
			return mk('overlaps', o.id, 'an overlap', { a: a.id < b.id ? a : b, b: a.id < b.id ? b : a });
		}, tags),
	),
);

// Council documents.
const docVariants = (W) => [
	['U', null, 'unclassified, no OAP'],
	['R', null, 'restreint, no OAP'],
	['L', null, 'LIMITE, no OAP'],
	['U', W.OAP1, 'unclassified, own OAP 1'],
	['R', W.oOtherR, 'restreint, other OAP'],
];
const docBody = (lvl, oap) => ({ number: `${next('doc')}/30`, date: '2030-01-01', subject: 'Matrix document', ...levelBody(lvl), ...(oap ? { oap_id: oap.id } : {}) });
row('POST /api/v1/documents', 'write', (W) =>
	docVariants(W).map(([lvl, oap, label]) =>
		sit(`a document (${label})`, (ctx) =>
			createCell(ctx, { path: '/api/v1/documents', body: docBody(lvl, oap), res: 'documents', refs: oap ? [{ key: 'oap_id', obj: oap }] : [] }),
		),
	),
);
// The EXT 1 document is an issued release record (frozen): not a permission question.
row('PATCH /api/v1/documents/{id}', 'write', (W) =>
	W.docs.filter((d) => d !== W.d3).map((d) => sit(d.label, async (ctx) => updateCell(ctx, d, { pages: 2 + (next('pages') % 50) }))),
);
row('DELETE /api/v1/documents/{id}', 'write', (W) =>
	docVariants(W).map(([lvl, oap, label]) =>
		freshDelete(`a document (${label})`, `doc-del-${lvl}-${oap ? oap.id : 0}`, async (ctx) =>
			mk('documents', (await A(ctx, 'POST', '/api/v1/documents', docBody(lvl, oap))).id, 'a document', { ...levelAttrs(lvl), oap }),
		),
	),
);

/* ---- monitoring writes (server "write"; these rows run last on it) ---- */

// Saving a report: the Action Leaders of its action, while it is a draft ("a submitted report is
// changed only after the Driver returns it") in an open round (a closed round is locked).
row('PATCH /api/v1/progress-reports/{id}', 'write', (W) =>
	[
		[W.rA1, 'draft', 0, ['own', 'own-action']],
		[W.rA1, 'submitted', 409, ['own', 'own-action']],
		[W.rA4, 'draft', 0, ['own']],
		[W.rA2, 'draft', 0, ['own']],
		[W.rA3, 'draft', 0, ['own']],
		[W.rOU, 'draft', 0, ['other']],
		[W.rA1old, null, 409, ['own', 'own-action', 'closed']],
	].map(([r, state, conflict, tags]) =>
		sit(`${r.label}${state ? ` (${state})` : ''}`, async (ctx) => {
			if (state) await setState(ctx, r, 'progress_reports', state);
			return { ...(await updateCell(ctx, r, { narrative: `Progress ${next('narrative')}` }, { conflict })), after: async () => ctx.state.set(`${r.res}:${r.id}`, 'draft') };
		}, tags),
	),
);
// Asking for a report the round did not create: the action must owe one, so OAP 1 is put in
// implementation and its actions planned here (the rows before these need them as they were).
row('POST /api/v1/progress-reports', 'write', (W) =>
	[[W.A1, ['own', 'own-action']], [W.A4, ['own']], [W.A2, ['own']], [W.A3, ['own']]].map(([a, tags]) =>
		sit(`a report of ${a.label} in ${W.rAsk.label}`, async (ctx) => {
			await slot(ctx, 'reports-owed', async () => {
				await dbWrite(ctx, `UPDATE oaps SET status = 'in_implementation' WHERE id = ${W.OAP1.id}`);
				await dbWrite(ctx, `UPDATE actions SET status = 'planned', archived = 0 WHERE id IN (${[W.A1, W.A2, W.A3, W.A4].map((x) => x.id)})`);
				return true;
			});
			return createCell(ctx, {
				path: '/api/v1/progress-reports',
				body: { round_id: W.rAsk.id, action_id: a.id },
				res: 'progress-reports',
				place: placeOf(a),
				refs: [{ key: 'round_id', obj: W.rAsk }, { key: 'action_id', obj: a }],
				after: async (res) => dbWrite(ctx, `DELETE FROM report_events WHERE report_id = ${res.body.id}; DELETE FROM progress_reports WHERE id = ${res.body.id}`),
			});
		}, tags),
	),
);
// The actual of an OAP or goal KPI in a round, recorded by those who set its target; an action KPI
// gets its actuals from the action's reports (409: not recorded by hand).
row('PUT /api/v1/kpis/{id}/actuals/{round_id}', 'write', (W) =>
	[
		[W.kpis.OAP1, W.rH2, 0, ['own', 'oap']],
		[W.kpis.gOwn, W.rH2, 0, ['own', 'goal']],
		[W.kpis.oOtherR, W.r2012, 0, ['other', 'oap']],
		[W.kpis.gOther, W.r2012, 0, ['other', 'goal']],
		[W.kpis.sg1, W.r2012, 0, ['shared']],
		[W.kpis.A1, W.rH2, 409, ['own', 'own-action']],
	].map(([k, rnd, conflict, tags]) =>
		sit(`${k.label} in ${rnd.label}`, () => ({
			method: 'PUT',
			path: `${k.path}/actuals/${rnd.id}`,
			body: { value: next('actual'), note: 'Matrix actual' },
			target: k,
			want: (p) => writeAnswer(p, { target: k, may: (q) => mayWrite(q, 'kpis', placeOf(k)), conflict, success: 200 }),
		}), tags),
	),
);

/* ---- workflow transitions and action links (server "flow") ---- */

row('POST /api/v1/oaps/{id}/transitions', 'flow', (W) =>
	[[W.oOwnU, ['own']], [W.OAP1, ['own']], [W.oOtherR, ['other']]].flatMap(([oap, tags]) =>
		Object.keys(OAP_TO).map((to) =>
			sit(`${oap.label}: ${OAP_FROM[to]} -> ${to}`, async (ctx) => {
				if (ctx.state.get(`oap${oap.id}`) !== OAP_FROM[to]) {
					await dbWrite(ctx, `UPDATE oaps SET status = '${OAP_FROM[to]}', version = version + 1 WHERE id = ${oap.id}`);
					ctx.state.set(`oap${oap.id}`, OAP_FROM[to]);
				}
				return {
					method: 'POST',
					path: `/api/v1/oaps/${oap.id}/transitions`,
					body: { to },
					ifMatch: await version(ctx, oap.path),
					target: oap,
					want: (p) => writeAnswer(p, { target: oap, may: (q) => mayMoveOap(q, to, oap), success: 200 }),
					after: async () => ctx.state.set(`oap${oap.id}`, to),
				};
			}, [...tags, to]),
		),
	),
);
row('POST /api/v1/actions/{id}/transitions', 'flow', (W) =>
	[[W.A1, ['own', 'own-action']], [W.A2, ['own']], [W.A3, ['own']], [W.OU, ['other']], [W.OR, ['other']]].flatMap(([a, tags]) =>
		Object.keys(ACTION_TO).map((to) =>
			sit(`${a.label}: ${ACTION_FROM[to]} -> ${to}`, async (ctx) => {
				if (ctx.state.get(`action${a.id}`) !== ACTION_FROM[to]) {
					await dbWrite(ctx, `UPDATE actions SET status = '${ACTION_FROM[to]}', version = version + 1 WHERE id = ${a.id}`);
					ctx.state.set(`action${a.id}`, ACTION_FROM[to]);
				}
				return {
					method: 'POST',
					path: `/api/v1/actions/${a.id}/transitions`,
					body: { to },
					ifMatch: await version(ctx, a.path),
					target: a,
					want: (p) => writeAnswer(p, { target: a, may: (q) => mayMoveAction(q, to, a), success: 200 }),
					after: async () => ctx.state.set(`action${a.id}`, to),
				};
			}, [...tags, to]),
		),
	),
);

const linkTargets = (W) => [[W.A1, ['own', 'own-action']], [W.A2, ['own']], [W.A3, ['own']], [W.OU, ['other']], [W.OR, ['other']]];
/* A link change on action a; may decides the permission, refs the records the body names. */
async function linkCell(ctx, a, method, path, body, { may, refs = [], success }) {
	return {
		method,
		path,
		body,
		refs,
		ifMatch: await version(ctx, a.path),
		target: a,
		want: (p) => writeAnswer(p, { target: a, refs: refs.map((r) => r.obj), may, success }),
	};
}
const mayLink = (a) => (p) => mayWrite(p, 'links', placeOf(a));
/* Organisations to link, one taken for each successful add. */
const poolOrg = (ctx) => ctx.W.pool[ctx.poolAt];
const poolUsed = (ctx) => ctx.poolAt++;

row('POST /api/v1/actions/{id}/leaders', 'flow', (W) =>
	linkTargets(W).map(([a, tags]) =>
		sit(`${a.label}: a co-leader`, async (ctx) => ({
			...(await linkCell(ctx, a, 'POST', `/api/v1/actions/${a.id}/leaders`, { org_id: poolOrg(ctx), role: 'co_leader' }, { may: mayLink(a), success: 201 })),
			after: async () => poolUsed(ctx),
		}), tags),
	),
);
row('PATCH /api/v1/actions/{id}/leaders/{org_id}', 'flow', (W) =>
	linkTargets(W).map(([a, tags]) =>
		sit(`${a.label}: a co-leader stays co-leader`, async (ctx) =>
			linkCell(ctx, a, 'PATCH', `/api/v1/actions/${a.id}/leaders/${W.linked[a.id].leader}`, { role: 'co_leader' }, { may: mayLink(a), success: 200 }), tags),
	),
);
row('DELETE /api/v1/actions/{id}/leaders/{org_id}', 'flow', (W) =>
	linkTargets(W).map(([a, tags]) =>
		sit(`${a.label}: remove a co-leader`, async (ctx) => {
			const org = W.linked[a.id].removableLeader;
			return {
				...(await linkCell(ctx, a, 'DELETE', `/api/v1/actions/${a.id}/leaders/${org}`, undefined, { may: mayLink(a), success: 200 })),
				after: async () => A(ctx, 'POST', `/api/v1/actions/${a.id}/leaders`, { org_id: org, role: 'co_leader' }, true),
			};
		}, tags),
	),
);
row('POST /api/v1/actions/{id}/participants', 'flow', (W) => [
	...linkTargets(W).map(([a, tags]) =>
		sit(`${a.label}: invite a participant`, async (ctx) => ({
			...(await linkCell(ctx, a, 'POST', `/api/v1/actions/${a.id}/participants`, { org_id: poolOrg(ctx) }, { may: mayLink(a), success: 201 })),
			after: async () => poolUsed(ctx),
		}), tags),
	),
	// Adding a participation as already confirmed is confirming it: the NEC's, not the Driver's.
	sit(`${W.A1.label}: add a Member State authority as already confirmed`, async (ctx) => {
		const org = ctx.W.msPool[ctx.msAt];
		return {
			...(await linkCell(ctx, W.A1, 'POST', `/api/v1/actions/${W.A1.id}/participants`, { org_id: org.id, status: 'confirmed' }, {
				may: (p) => mayLink(W.A1)(p) && mayWrite(p, 'participation', null, { org }),
				success: 201,
			})),
			after: async () => ctx.msAt++,
		};
	}, ['own', 'own-action', 'confirm']),
]);
row('PATCH /api/v1/actions/{id}/participants/{org_id}', 'flow', (W) => [
	...linkTargets(W).map(([a, tags]) =>
		sit(`${a.label}: confirm the participation of NL`, async (ctx) =>
			linkCell(ctx, a, 'PATCH', `/api/v1/actions/${a.id}/participants/33`, { status: 'confirmed' }, {
				may: (p) => mayWrite(p, 'participation', null, { org: { country: 'NL' } }),
				success: 200,
			}), [...tags, 'nl']),
	),
	sit(`${W.A1.label}: confirm the participation of AT`, async (ctx) =>
		linkCell(ctx, W.A1, 'PATCH', `/api/v1/actions/${W.A1.id}/participants/1`, { status: 'confirmed' }, {
			may: (p) => mayWrite(p, 'participation', null, { org: { country: 'AT' } }),
			success: 200,
		}), ['own', 'own-action', 'at']),
]);
row('DELETE /api/v1/actions/{id}/participants/{org_id}', 'flow', (W) =>
	linkTargets(W).map(([a, tags]) =>
		sit(`${a.label}: remove a participant`, async (ctx) => {
			const org = W.linked[a.id].removableParticipant;
			return {
				...(await linkCell(ctx, a, 'DELETE', `/api/v1/actions/${a.id}/participants/${org}`, undefined, { may: mayLink(a), success: 200 })),
				after: async () => A(ctx, 'POST', `/api/v1/actions/${a.id}/participants`, { org_id: org }, true),
			};
		}, tags),
	),
);
const goalFor = (W, a) => (a.prio === 9 ? W.gOwn : W.gOther);
const goal2For = (W, a) => (a.prio === 9 ? W.gOwn2 : W.gOther2);
const goalTargets = (W) => [[W.A1, ['own', 'own-action']], [W.A2, ['own']], [W.OU, ['other']], [W.OR, ['other']]];
row('POST /api/v1/actions/{id}/goals', 'flow', (W) =>
	goalTargets(W).map(([a, tags]) =>
		sit(`${a.label}: link ${goalFor(W, a).label}`, async (ctx) => {
			const g = goalFor(W, a);
			return {
				...(await linkCell(ctx, a, 'POST', `/api/v1/actions/${a.id}/goals`, { goal_id: g.id }, { may: mayLink(a), refs: [{ key: 'goal_id', obj: g }], success: 201 })),
				after: async () => A(ctx, 'DELETE', `/api/v1/actions/${a.id}/goals/${g.id}`, undefined, true),
			};
		}, tags),
	),
);
row('DELETE /api/v1/actions/{id}/goals/{goal_id}', 'flow', (W) =>
	goalTargets(W).map(([a, tags]) =>
		sit(`${a.label}: unlink ${goal2For(W, a).label}`, async (ctx) => {
			const g = goal2For(W, a);
			return {
				...(await linkCell(ctx, a, 'DELETE', `/api/v1/actions/${a.id}/goals/${g.id}`, undefined, { may: mayLink(a), success: 200 })),
				after: async () => A(ctx, 'POST', `/api/v1/actions/${a.id}/goals`, { goal_id: g.id }, true),
			};
		}, tags),
	),
);
row('POST /api/v1/actions/{id}/cross-references', 'flow', (W) =>
	[[W.A1, W.A4, ['own', 'own-action']], [W.A2, W.A4, ['own']], [W.OU, W.OL, ['other']]].map(([a, b, tags]) =>
		sit(`${a.label} -> ${b.label}`, async (ctx) => ({
			...(await linkCell(ctx, a, 'POST', `/api/v1/actions/${a.id}/cross-references`, { action_id: b.id, note: 'Same network' }, {
				may: mayLink(a),
				refs: [{ key: 'action_id', obj: b }],
				success: 201,
			})),
			after: async () => A(ctx, 'DELETE', `/api/v1/actions/${a.id}/cross-references/${b.id}`, undefined, true),
		}), tags),
	),
);
const xrefTargets = (W) => W.xrefs.map((x) => [x, x.from === W.XU || x.from.prio !== 9 ? ['other'] : ['own']]);
row('PATCH /api/v1/actions/{id}/cross-references/{action_id}', 'flow', (W) =>
	xrefTargets(W).map(([x, tags]) =>
		sit(`${x.from.label} -> ${x.to.label}: change the note`, async (ctx) =>
			linkCell(ctx, x.from, 'PATCH', `/api/v1/actions/${x.from.id}/cross-references/${x.to.id}`, { note: `Note ${next('note')}` }, { may: mayLink(x.from), success: 200 }), tags),
	),
);
row('DELETE /api/v1/actions/{id}/cross-references/{action_id}', 'flow', (W) =>
	xrefTargets(W).map(([x, tags]) =>
		sit(`${x.from.label} -> ${x.to.label}: remove`, async (ctx) => ({
			...(await linkCell(ctx, x.from, 'DELETE', `/api/v1/actions/${x.from.id}/cross-references/${x.to.id}`, undefined, { may: mayLink(x.from), success: 200 })),
			after: async () => A(ctx, 'POST', `/api/v1/actions/${x.from.id}/cross-references`, { action_id: x.to.id, note: 'Matrix note' }, true),
		}), tags),
	),
);

/* ---- monitoring workflows, links and results (server "flow") ---- */

/* A move of o from `from` (set first, with `reset` of the columns the move sets) to `to`. */
function moveSit(label, o, table, [from, to, extra = {}, reset = ''], may, tags = []) {
	return sit(label, async (ctx) => {
		await setState(ctx, o, table, from, reset);
		return {
			method: 'POST',
			path: `${o.path}/transitions`,
			body: { to, ...extra },
			ifMatch: await version(ctx, o.path),
			target: o,
			want: (p) => writeAnswer(p, { target: o, may, success: 200 }),
			after: async () => ctx.state.set(`${o.res}:${o.id}`, to),
		};
	}, [...tags, to]);
}
const placeTags = (W, a) => (a === W.A1 ? ['own', 'own-action'] : a.prio === 9 ? ['own'] : ['other']);

row('POST /api/v1/reporting-rounds/{id}/transitions', 'flow', (W) =>
	[['planned', 'open'], ['open', 'compiled'], ['compiled', 'closed'], ['closed', 'open', { reason: 'Matrix: a report arrived late' }]].map((m) =>
		moveSit(`${W.rFlow.label}: ${m[0]} -> ${m[1]}`, W.rFlow, 'reporting_rounds', m, mayMoveRound),
	),
);
// Chasing the missing reports of a round: "Europol's EMPACT Support Team compiles the reports"
// and "the EST ... opens and closes reporting rounds and compiles reports" (domain.md); asking the
// Action Leaders for what is missing is part of compiling them (design: the administrator too).
// Reports are written while the round is open, so only an open round is chased (422 otherwise).
const mayChase = (p) => has(p, ['admin', 'est']);
row('POST /api/v1/reporting-rounds/{id}/chase', 'flow', (W) =>
	[
		[W.rFlow, 'open', 0],
		[W.rFlow, 'planned', 422],
		[W.rFlow, 'closed', 422],
		[W.rH2, 'open', 0],
	].map(([rnd, state, conflict]) =>
		sit(`${rnd.name} (${state}${rnd === W.rH2 ? ', with reports' : ''})`, async (ctx) => {
			await setState(ctx, rnd, 'reporting_rounds', state);
			return {
				method: 'POST',
				path: `${rnd.path}/chase`,
				body: { message: 'Matrix: please send the report of the round' },
				target: rnd,
				want: (p) => writeAnswer(p, { target: rnd, may: mayChase, conflict, success: 200 }),
			};
		}, [state]),
	),
);
row('POST /api/v1/progress-reports/{id}/transitions', 'flow', (W) =>
	[W.rA1, W.rA2, W.rA3, W.rOU].flatMap((r) =>
		Object.keys(REPORT_TO).map((to) =>
			moveSit(`${r.label}: ${REPORT_FROM[to]} -> ${to}`, r, 'progress_reports', [
				REPORT_FROM[to],
				to,
				to === 'returned' ? { comment: 'Matrix: give the arrests by Member State' } : {},
				", narrative = 'Matrix report', action_status = 'ongoing'",
			], (p) => mayMoveReport(p, to, r), placeTags(W, r.action)),
		),
	),
);
row('POST /api/v1/follow-ups/{id}/transitions', 'flow', (W) =>
	W.followUps.map((f) =>
		moveSit(`${f.label}: open -> resolved`, f, 'follow_ups', ['open', 'resolved', { resolution: 'Matrix: the NEC asked again' }, ', resolution = NULL, resolved_at = NULL'],
			(p) => mayResolve(p, f), placeTags(W, f.action)),
	),
);

// Links and results are set whole: each cell sends the links the record has (the model's
// visibility of it stays true), or new results of a conducted JAD.
async function putCell(ctx, o, table, state, suffix, body, refs = []) {
	await setState(ctx, o, table, state);
	return {
		method: 'PUT',
		path: `${o.path}/${suffix}`,
		body,
		ifMatch: await version(ctx, o.path),
		target: o,
		want: (p) => writeAnswer(p, { target: o, refs, may: (q) => mayWrite(q, o.res), success: 200 }),
	};
}
row('PUT /api/v1/jads/{id}/links', 'flow', (W) =>
	W.jads.map((j) =>
		sit(`${j.label}: its links`, (ctx) => putCell(ctx, j, 'jads', 'planned', 'links', { participants: [], actions: j.actions.map((a) => a.id), priorities: j.priorities }, j.actions)),
	),
);
row('PUT /api/v1/jads/{id}/results', 'flow', (W) =>
	W.jads.map((j) =>
		sit(`${j.label} (conducted): its results`, (ctx) => putCell(ctx, j, 'jads', 'conducted', 'results', { results: [{ metric: 'arrests', value: next('arrests'), unit: 'persons' }] })),
	),
);
row('POST /api/v1/jads/{id}/transitions', 'flow', (W) =>
	W.jads.flatMap((j) =>
		[['planned', 'conducted'], ['conducted', 'results_reported'], ['planned', 'cancelled']].map((m) =>
			moveSit(`${j.label}: ${m[0]} -> ${m[1]}`, j, 'jads', m, (p) => mayWrite(p, 'jads')),
		),
	),
);
row('PUT /api/v1/grants/{id}/links', 'flow', (W) =>
	W.grants.map((g) => sit(`${g.label}: its links`, (ctx) => putCell(ctx, g, 'grants', 'applied', 'links', { beneficiaries: [], actions: g.actions.map((a) => a.id) }, g.actions))),
);
row('POST /api/v1/grants/{id}/transitions', 'flow', (W) =>
	W.grants.flatMap((g) =>
		[['applied', 'awarded'], ['applied', 'rejected'], ['awarded', 'in_progress'], ['in_progress', 'closed']].map((m) =>
			moveSit(`${g.label}: ${m[0]} -> ${m[1]}`, g, 'grants', m, (p) => mayWrite(p, 'grants')),
		),
	),
);
row('POST /api/v1/good-practices/{id}/transitions', 'flow', (W) =>
	W.practices.flatMap((x, i) =>
		Object.keys(PRACTICE_TO).map((to) =>
			moveSit(`${x.label}: ${PRACTICE_FROM[to]} -> ${to}`, x, 'good_practices', [
				PRACTICE_FROM[to],
				to,
				{},
				to === 'shared_with_est' ? ', shared_with_est_on = NULL, shared_with_necs_on = NULL' : ", shared_with_est_on = '2026-01-05', shared_with_necs_on = NULL",
			], (p) => mayShare(p, to, x), practiceVariants(W)[i][2]),
		),
	),
);
row('POST /api/v1/overlaps/{id}/transitions', 'flow', (W) =>
	W.overlaps.flatMap((o) =>
		['decided', 'dismissed'].map((to) =>
			moveSit(`${o.label}: open -> ${to}`, o, 'overlaps', ['open', to, { decision: 'Matrix: one action leads, the other supports' }, ', decision = NULL'],
				(p) => mayWrite(p, 'overlaps', placeOf(o))),
		),
	),
);

/* ---- partial declassification of Council documents (server "flow") ---- */

/*
 * "the GSC issues documents and declassifies them" (domain.md), with the originating organisation:
 * the Drivers and Co-Drivers of the OAP the document carries (docs/documents.md); the
 * administrator. A decision on the release of a document needs clearance (and LIMITE) for all of
 * the original. Signing off is the secretariat's second person: never the proposer (409).
 */
const mayDeclassify = (d) => (p) => has(p, ['admin', 'council_secretariat']) || (!!d.oap && drives(p, d.oap.prio));
const maySignOff = (p) => has(p, ['admin', 'council_secretariat']);
function declassAnswer(p, { target, orig, may, conflict = 0, success }) {
	const w = writeAnswer(p, { target, may, success: 0 });
	if (w) return w;
	if (!cleared(p, orig)) return 403;
	return conflict || success;
}
const declassTags = (W, d) => (d.oap === W.OAP1 ? ['own'] : d.oap ? ['other'] : ['cycle']);

// One decision map per original, as the brief and the example give them: each section of its OAP
// (or each priority of a goals note), each passage of the document.
row('POST /api/v1/documents/{id}/declassifications', 'flow', (W) =>
	[W.d2, W.d1, W.dUOther].map((d) =>
		sit(d.label, async (ctx) => ({
			method: 'POST',
			path: `${d.path}/declassifications`,
			body: await decisionMap(ctx, d),
			target: d,
			want: (p) => declassAnswer(p, { target: d, orig: d, may: mayDeclassify(d), success: 201 }),
		}), declassTags(W, d)),
	),
);
// A proposal's map replaced: the proposals of 13874/17 and 15850/11 (made by admin), and the issued
// 13874/17 EXT 1 (frozen: 409).
row('PUT /api/v1/documents/{id}/redactions', 'flow', (W) => [
	...[W.d2, W.d1].map((d) =>
		sit(`a proposal of ${d.label}`, async (ctx) => {
			const x = await slot(ctx, `redact-${d.id}`, () => propose(ctx, 'admin', d));
			return {
				method: 'PUT',
				path: `${x.path}/redactions`,
				body: await decisionMap(ctx, d),
				ifMatch: await version(ctx, x.path),
				target: x,
				want: (p) => declassAnswer(p, { target: x, orig: d, may: mayDeclassify(d), success: 200 }),
			};
		}, declassTags(W, d)),
	),
	sit(`${W.d3.label}: issued`, async (ctx) => ({
		method: 'PUT',
		path: `${W.d3.path}/redactions`,
		body: await decisionMap(ctx, W.d2),
		ifMatch: await version(ctx, W.d3.path),
		target: W.d3,
		want: (p) => declassAnswer(p, { target: W.d3, orig: W.d2, may: mayDeclassify(W.d3), conflict: 409, success: 200 }),
	}), ['own', 'issued']),
]);
/* A sign-off of a proposal of d made by proposer(who), made again after it was issued. */
const signOffSit = (label, d, proposer, tags) =>
	sit(label, async (ctx, who) => {
		const by = proposer(who);
		const key = `signoff-${d.id}-${by}`;
		const x = await slot(ctx, key, () => propose(ctx, by, d));
		return {
			method: 'POST',
			path: `${x.path}/sign-off`,
			ifMatch: await version(ctx, x.path),
			target: x,
			want: (p) => declassAnswer(p, { target: x, orig: d, may: maySignOff, conflict: by === who ? 409 : 0, success: 200 }),
			after: async () => consume(ctx, key),
		};
	}, tags);
// The second person: gsc signs off admin's proposal, everyone else gsc's.
const otherProposer = (who) => (who === 'gsc' ? 'admin' : 'gsc');
// The caller's own proposal where it may propose one (admin, gsc, the Drivers of priority 9).
const ownProposer = (who) => (['admin', 'gsc', 'driver', 'co-driver'].includes(who) ? who : 'admin');
row('POST /api/v1/documents/{id}/sign-off', 'flow', (W) => [
	signOffSit(`a proposal of ${W.d2.label} by another account`, W.d2, otherProposer, ['own']),
	signOffSit(`a proposal of ${W.d2.label} by the caller (by admin if it may not propose)`, W.d2, ownProposer, ['own', 'proposer']),
	signOffSit(`a proposal of ${W.d1.label} by another account`, W.d1, otherProposer, ['cycle']),
	sit(`${W.d3.label}: issued`, async (ctx) => ({
		method: 'POST',
		path: `${W.d3.path}/sign-off`,
		ifMatch: await version(ctx, W.d3.path),
		target: W.d3,
		want: (p) => declassAnswer(p, { target: W.d3, orig: W.d2, may: maySignOff, conflict: 409, success: 200 }),
	}), ['own', 'issued']),
]);

/* ---- the caller's own account (server "flow", last) ---- */

const PASSWORDS = {};
const NEW_PASSWORD = 'matrix rotated passphrase 2026';
function totpCode(secret, at = Date.now()) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const ch of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
	const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(Math.floor(at / 30000)));
	const h = createHmac('sha1', key).update(counter).digest();
	const o = h[h.length - 1] & 15;
	return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}
const signedIn = (ok) => (p) => (p.anon ? 401 : ok);
// Signing in is for anyone; the account signed in here is observer's (no second factor).
row('POST /api/v1/auth/login', 'flow', () => [
	sit('sign in as observer', () => ({ method: 'POST', path: '/api/v1/auth/login', body: { username: 'observer', password: DEMO_PASSWORD }, want: () => 200 })),
]);
// A token caller has no session to end: permitted, and answered 400.
row('POST /api/v1/auth/logout', 'flow', () => [sit('end the session', () => ({ method: 'POST', path: '/api/v1/auth/logout', body: {}, want: signedIn(400) }))]);
row('POST /api/v1/auth/tokens', 'flow', () => [
	sit('a new token', () => ({ method: 'POST', path: '/api/v1/auth/tokens', body: { name: 'matrix', expires_days: 1 }, want: signedIn(201) })),
]);
row('DELETE /api/v1/auth/tokens/{id}', 'flow', () => [
	sit('one of the caller\'s own tokens', async (ctx, who) => {
		let id = 1;
		if (who !== 'anonymous') {
			const r = await call(ctx, who, 'POST', '/api/v1/auth/tokens', { name: 'to revoke', expires_days: 1 });
			assert.equal(r.status, 201, r.text);
			id = r.body.id;
		}
		return { method: 'DELETE', path: `/api/v1/auth/tokens/${id}`, want: signedIn(204) };
	}),
	sit('a token that does not exist', () => ({ method: 'DELETE', path: `/api/v1/auth/tokens/${MISSING}`, want: signedIn(404) })),
]);
/* ---- account administration (server "flow") ---- */
// design (domain.md, "Actors": the administrator runs the installation): only administrators
// create and change accounts and grant roles. Each cell works on an account of its own.
const adminOnly = (ok) => (p) => (has(p, ['admin']) ? ok : deny(p));
const ACCOUNT_PASSWORD = 'Quince-Horizon-Willow-9043';
let accountSerial = 0;
async function freshAccount(ctx) {
	return admin(ctx, 'POST', '/api/v1/users', { username: `matrix-acct-${++accountSerial}`, password: ACCOUNT_PASSWORD, org_id: ctx.W.org1.id });
}
/* An account that has enrolled a second factor, through its own session. */
async function enrolledAccount(ctx) {
	const a = await freshAccount(ctx);
	const s = await api(ctx.base, 'POST', '/api/v1/auth/login', { anon: true, body: { username: a.username, password: ACCOUNT_PASSWORD } });
	assert.equal(s.status, 200, s.text);
	const headers = { Cookie: s.headers.getSetCookie()[0].split(';')[0], 'X-CSRF-Token': s.body.csrf_token };
	const b = await api(ctx.base, 'POST', '/api/v1/auth/totp', { headers, body: {} });
	assert.equal(b.status, 201, b.text);
	const c = await api(ctx.base, 'POST', '/api/v1/auth/totp/confirm', { headers, body: { code: totpCode(b.body.secret) } });
	assert.equal(c.status, 200, c.text);
	return a;
}
plain('GET /api/v1/roles', adminOnly(200));
row('POST /api/v1/users', 'flow', () => [
	sit('a new account', (ctx, who) => ({ method: 'POST', path: '/api/v1/users', body: { username: `matrix-new-${who}`, password: ACCOUNT_PASSWORD, org_id: ctx.W.org1.id }, want: adminOnly(201) })),
]);
row('PATCH /api/v1/users/{id}', 'flow', () => [
	sit('an account', async (ctx) => {
		const a = await freshAccount(ctx);
		return { method: 'PATCH', path: `/api/v1/users/${a.id}`, body: { display_name: 'Changed by the matrix' }, ifMatch: a.version, want: adminOnly(200) };
	}),
	sit('an account that does not exist', () => ({ method: 'PATCH', path: `/api/v1/users/${MISSING}`, body: { display_name: 'x' }, ifMatch: 1, want: adminOnly(404) })),
]);
row('POST /api/v1/users/{id}/roles', 'flow', () => [
	sit('grant a Participant role on action 1', async (ctx) => {
		const a = await freshAccount(ctx);
		return { method: 'POST', path: `/api/v1/users/${a.id}/roles`, body: { role: 'participant', scope: `action:${ctx.W.A1.id}` }, want: adminOnly(201) };
	}),
	sit('an account that does not exist', () => ({ method: 'POST', path: `/api/v1/users/${MISSING}/roles`, body: { role: 'observer' }, want: adminOnly(404) })),
]);
row('DELETE /api/v1/users/{id}/roles/{id}', 'flow', () => [
	sit('withdraw a role', async (ctx) => {
		const a = await freshAccount(ctx);
		const g = await admin(ctx, 'POST', `/api/v1/users/${a.id}/roles`, { role: 'observer' });
		return { method: 'DELETE', path: `/api/v1/users/${a.id}/roles/${g.roles[0].id}`, want: adminOnly(204) };
	}),
	sit('a role that does not exist', async (ctx) => {
		const a = await freshAccount(ctx);
		// The account is there and named: the 404 is of its role, not a hidden record.
		return { method: 'DELETE', path: `/api/v1/users/${a.id}/roles/${MISSING}`, want: adminOnly(404), likeMissing: false };
	}),
]);
row('POST /api/v1/users/{id}/password', 'flow', () => [
	sit('set a new password', async (ctx) => {
		const a = await freshAccount(ctx);
		return { method: 'POST', path: `/api/v1/users/${a.id}/password`, body: { new_password: 'Harbour-Fennel-Oxbow-2716' }, want: adminOnly(200) };
	}),
]);
row('POST /api/v1/users/{id}/totp-reset', 'flow', () => [
	sit('reset an enrolled second factor', async (ctx, who) => {
		// Only the administrator's cell needs the enrolment; the others are refused before it matters.
		const a = who === 'admin' ? await enrolledAccount(ctx) : await freshAccount(ctx);
		const v = (await admin(ctx, 'GET', `/api/v1/users/${a.id}`)).version;
		return { method: 'POST', path: `/api/v1/users/${a.id}/totp-reset`, body: {}, ifMatch: v, want: adminOnly(200) };
	}),
	sit('an account without a second factor: permitted, and refused as a conflict', async (ctx) => {
		const a = await freshAccount(ctx);
		return { method: 'POST', path: `/api/v1/users/${a.id}/totp-reset`, body: {}, ifMatch: a.version, want: adminOnly(409) };
	}),
]);
// Replacing an enrolled second factor takes the password, which the body gives.
const totpBody = (who) => ({ current_password: PASSWORDS[who] || DEMO_PASSWORD });
row('POST /api/v1/auth/totp', 'flow', () => [
	sit('start an enrolment', (ctx, who) => ({ method: 'POST', path: '/api/v1/auth/totp', body: totpBody(who), want: signedIn(201) })),
]);
row('POST /api/v1/auth/totp/confirm', 'flow', () => [
	sit('confirm an enrolment with a code of the new secret', async (ctx, who) => {
		let code = '123456';
		if (who !== 'anonymous') {
			const r = await call(ctx, who, 'POST', '/api/v1/auth/totp', totpBody(who));
			assert.equal(r.status, 201, r.text);
			code = totpCode(r.body.secret);
		}
		return { method: 'POST', path: '/api/v1/auth/totp/confirm', body: { code }, want: signedIn(200) };
	}),
]);
row('POST /api/v1/auth/password', 'flow', () => [
	sit('change the caller\'s own password', (ctx, who) => ({
		method: 'POST',
		path: '/api/v1/auth/password',
		body: { current_password: PASSWORDS[who] || DEMO_PASSWORD, new_password: NEW_PASSWORD },
		want: signedIn(200),
	})),
]);

/* ================================================================================================
 * The runner
 * ============================================================================================== */

const REPORT = [];
const DUMP = [];
const TODO_PASSING = [];
let CELLS = 0;
let TODO_CELLS = 0;
const normalise = (body) => JSON.parse(JSON.stringify(body).replace(/\d+/g, 'N'));

async function observe(ctx, who, cell) {
	if (cell.pick) {
		// A roll-up: one request per caller and path, and whether what pick() looks for is in it.
		const key = `pick ${who} ${cell.path}`;
		if (!ctx.lists.has(key)) ctx.lists.set(key, await call(ctx, who, 'GET', cell.path));
		const r = ctx.lists.get(key);
		return { res: null, value: r.status === 200 && cell.pick(r.body) ? 'listed' : 'absent' };
	}
	if (!cell.list) {
		const res = await call(ctx, who, cell.method, cell.path, cell.body, cell.ifMatch);
		return { res, value: res.status };
	}
	const key = `${who} ${cell.path}`;
	if (!ctx.lists.has(key)) {
		const items = [];
		let cursor = null;
		let status = 200;
		for (let i = 0; i < 50; i++) {
			// referenced-by is one page and takes no parameters
			const q = cell.path.endsWith('/referenced-by') ? '' : `?limit=500${cursor ? `&cursor=${cursor}` : ''}`;
			const r = await call(ctx, who, 'GET', `${cell.path}${q}`);
			status = r.status;
			if (r.status !== 200) break;
			items.push(...r.body.items);
			cursor = r.body.next_cursor;
			if (!cursor) break;
		}
		ctx.lists.set(key, { status, items });
	}
	const l = ctx.lists.get(key);
	return { res: null, value: l.items.some((it) => it[cell.list.key] === cell.list.id) ? 'listed' : 'absent' };
}

/* A hidden record must read exactly as a missing one: the same status and error body. */
async function assertLikeMissing(ctx, who, cell, res) {
	let variant;
	if (res.status === 404 && /\/\d+/.test(cell.path)) {
		variant = { ...cell, path: cell.path.replace(/^(\/api\/v1\/[a-z-]+\/)\d+/, `$1${MISSING}`) };
	} else if (res.status === 422 && cell.refs && cell.refs.length) {
		const p = PRINCIPALS[who];
		const body = { ...cell.body };
		for (const r of cell.refs) if (!sees(p, r.obj)) body[r.key] = MISSING;
		variant = { ...cell, body };
	} else {
		return;
	}
	if (variant.path === cell.path && JSON.stringify(variant.body) === JSON.stringify(cell.body)) return;
	// A missing record of a route answers the same whatever else the request says.
	const memo = res.status === 404 ? `${who} ${cell.method} ${variant.path.replace(/\/\d+(?=\/|$)/g, (x) => (x === `/${MISSING}` ? x : '/N'))}` : null;
	if (memo && ctx.missing.has(memo)) {
		assert.deepEqual(normalise(res.body), ctx.missing.get(memo), 'a hidden record answers exactly as a missing one');
		return;
	}
	const m = await call(ctx, who, variant.method, variant.path, variant.body, variant.ifMatch);
	if (memo && m.status === 404) ctx.missing.set(memo, normalise(m.body));
	assert.equal(m.status, res.status, `the same request naming a missing record answers ${m.status}: ${m.text.slice(0, 300)}`);
	assert.deepEqual(normalise(res.body), normalise(m.body), 'a hidden record answers exactly as a missing one');
}

async function runRow(t, ctx, r) {
	const situations = r.situations(ctx.W);
	for (const s of situations) {
		for (const who of NAMES) {
			const p = PRINCIPALS[who];
			const cell = await s.prepare(ctx, who);
			const want = cell.want(p);
			const info = { key: r.key, who, label: s.label, tags: s.tags, want };
			const todo = todoFor(info);
			if (todo) TODO_CELLS++;
			let got;
			let res;
			CELLS++;
			await t.test(`${who}: ${s.label}`, todo ? { todo } : {}, async () => {
				({ res, value: got } = await observe(ctx, who, cell));
				if (got !== want) REPORT.push({ ...info, got, todo: todo || null, body: res ? res.text.slice(0, 200) : undefined });
				else if (todo) TODO_PASSING.push({ ...info, todo });
				if (process.env.MATRIX_DUMP) DUMP.push({ key: r.key, who, situation: s.label, want, got });
				assert.equal(got, want, `${r.key} as ${who}, ${s.label}: ${res ? res.text.slice(0, 300) : ''}`);
				if (res && (res.status === 404 || res.status === 422) && cell.likeMissing !== false) await assertLikeMissing(ctx, who, cell, res);
			});
			if (res && res.status >= 200 && res.status < 300 && cell.method !== 'GET') {
				ctx.versions.clear();
				ctx.lists.clear();
				if (cell.after) await cell.after(res);
			}
		}
	}
}

/* ================================================================================================
 * The accounts, the servers and the tests
 * ============================================================================================== */

const PARTNER_PASSWORD = 'acme partner passphrase 2026';
function privatePartnerAccount() {
	const db = demoDatabase();
	const env = { ...process.env, EMPACT_PASSWORD_COST: 'test' };
	const cli = (args, input) => execFileSync(BIN, ['--db', db, ...args], { input, env, stdio: ['pipe', 'pipe', 'pipe'] }).toString().trim();
	const org = { code: 'ACMESEC', kind: 'private_partner', name: 'Acme Security (matrix private partner)' };
	cli(['load', '-'], JSON.stringify({ format: 'empact-dataset/1', organisations: [org] }));
	cli(['user', 'add', 'partner', '--org', 'ACMESEC', '--clearance', 'restreint_ue'], `${PARTNER_PASSWORD}\n`);
	cli(['user', 'role', 'partner', 'participant', '--scope', 'action:1']);
	tokens.partner = cli(['user', 'token', 'partner', '--expires', '2']);
	PASSWORDS.partner = PARTNER_PASSWORD;
}

async function newContext(kind) {
	const srv = await startServer();
	const ctx = { srv, base: srv.base, versions: new Map(), slots: new Map(), lists: new Map(), state: new Map(), missing: new Map() };
	ctx.sql = sqliteShell(srv.db);
	await buildWorld(ctx, kind);
	return ctx;
}

const started = Date.now();
before(() => privatePartnerAccount());
after(() => {
	const secs = ((Date.now() - started) / 1000).toFixed(1);
	console.log(`# authorization matrix: ${CELLS} cells, ${REQUESTS} requests in ${secs} s; ${REPORT.length} differ from the model, ` +
		`${TODO_CELLS} marked todo, ${TODO_PASSING.length} of those now pass`);
	if (process.env.MATRIX_DUMP) writeFileSync(process.env.MATRIX_DUMP, JSON.stringify(DUMP));
	if (process.env.MATRIX_REPORT)
		writeFileSync(process.env.MATRIX_REPORT, JSON.stringify({ cells: CELLS, todo: TODO_CELLS, seconds: Number(secs), differences: REPORT, todoPassing: TODO_PASSING }, null, 1));
});

test('every demo account is a caller of the matrix', () => {
	for (const u of DEMO_USERS) assert.ok(PRINCIPALS[u], `${u} has no model`);
});

test('every route of the OpenAPI document has a row in the matrix, and every row a route', async () => {
	const srv = await startServer();
	try {
		const r = await api(srv.base, 'GET', '/api/v1/openapi.json', { anon: true });
		assert.equal(r.status, 200);
		const documented = [];
		for (const [path, item] of Object.entries(r.body.paths)) for (const m of Object.keys(item)) documented.push(`${m.toUpperCase()} ${path}`);
		const missing = documented.filter((k) => !ROWS.has(k));
		assert.deepEqual(missing, [], `routes without a row in the authorization matrix: ${missing.join(', ')}`);
		const stale = [...ROWS.keys()].filter((k) => !documented.includes(k));
		assert.deepEqual(stale, [], `rows for routes the server does not have: ${stale.join(', ')}`);
		assert.ok(documented.length >= 100, `only ${documented.length} operations documented`);
	} finally {
		await srv.stop();
	}
});

test('a bad credential is 401 on every kind of route', async () => {
	const srv = await startServer();
	try {
		for (const [m, p] of [['GET', '/api/v1/organisations'], ['GET', '/api/v1/actions/1'], ['PATCH', '/api/v1/actions/1'], ['GET', '/api/v1/auth/session']]) {
			const r = await api(srv.base, m, p, { headers: { Authorization: 'Bearer ept_not-a-token-of-this-server' }, body: m === 'PATCH' ? { what: 'x' } : undefined });
			assert.equal(r.status, 401, `${m} ${p}: ${r.text}`);
			assert.equal(r.body.error.code, 'unauthorized');
		}
	} finally {
		await srv.stop();
	}
});

for (const [group, title] of [['read', 'reads'], ['write', 'resource writes'], ['flow', 'transitions, links and the own account']]) {
	describe(`authorization matrix: ${title}`, () => {
		let ctx;
		before(async () => {
			ctx = await newContext(group);
			if (group === 'write') await writeFixtures(ctx);
			if (group === 'flow') await flowFixtures(ctx);
			await reportingFixtures(ctx, group);
		});
		after(async () => {
			if (!ctx) return;
			await ctx.sql.close();
			await ctx.srv.stop();
		});
		for (const r of ROWS.values()) if (r.group === group) test(r.key, async (t) => runRow(t, ctx, r));
	});
}

/* An adopted OAP of priority 9 (2020) with sections and actions made before its adoption. */
async function writeFixtures(ctx) {
	const W = ctx.W;
	const o = await admin(ctx, 'POST', '/api/v1/oaps', { priority_id: 9, first_year: 2020, last_year: 2020, title: 'Matrix adopted plan', classification: 'restreint_ue' });
	W.oAdopted = mk('oaps', o.id, 'adopted own OAP 2020 (restreint)', { cls: R, prio: 9 });
	W.adoptedSections = [];
	W.adoptedActions = [];
	for (let i = 0; i < 7; i++) {
		const s = await admin(ctx, 'POST', `/api/v1/oaps/${o.id}/sections`, sectionBody(null, 'U'));
		W.adoptedSections.push(mk('sections', s.id, 'a section of the adopted OAP', { oap: W.oAdopted }));
		const a = await admin(ctx, 'POST', `/api/v1/oaps/${o.id}/actions`, actionBody(null, 'U'));
		W.adoptedActions.push(mk('actions', a.id, 'an action of the adopted OAP', { prio: 9, oapId: o.id }));
	}
	W.adoptedSection = { ...W.adoptedSections.shift(), label: 'a section of the adopted own OAP' };
	W.adoptedAction = { ...W.adoptedActions.shift(), label: 'an action of the adopted own OAP' };
	for (const to of ['agreed_at_nec', 'submitted_to_cosi', 'adopted']) await admin(ctx, 'POST', `/api/v1/oaps/${o.id}/transitions`, { to }, true);
}

/* Organisations to link, and the links the PATCH and DELETE cells change. */
async function flowFixtures(ctx) {
	const W = ctx.W;
	W.pool = [];
	for (let i = 0; i < 40; i++)
		W.pool.push((await admin(ctx, 'POST', '/api/v1/organisations', { code: `MXL${i}`, kind: 'eu_agency', name: `Matrix link organisation ${i}` })).id);
	ctx.poolAt = 0;
	const orgs = (await admin(ctx, 'GET', '/api/v1/organisations?kind=member_state&limit=500')).items;
	const onA1 = new Set((await admin(ctx, 'GET', '/api/v1/actions/1')).participants.map((x) => x.org_id));
	W.msPool = orgs.filter((o) => !onA1.has(o.id)).map((o) => ({ id: o.id, country: o.country }));
	ctx.msAt = 0;
	W.linked = {};
	let n = 0;
	for (const a of [W.A1, W.A2, W.A3, W.OU, W.OR]) {
		const l = { leader: await mkOrg(), removableLeader: await mkOrg(), removableParticipant: await mkOrg() };
		await admin(ctx, 'POST', `/api/v1/actions/${a.id}/leaders`, { org_id: l.leader, role: 'co_leader' }, true);
		await admin(ctx, 'POST', `/api/v1/actions/${a.id}/leaders`, { org_id: l.removableLeader, role: 'co_leader' }, true);
		await admin(ctx, 'POST', `/api/v1/actions/${a.id}/participants`, { org_id: l.removableParticipant }, true);
		const now = (await admin(ctx, 'GET', a.path)).participants.map((x) => x.org_id);
		if (!now.includes(33)) await admin(ctx, 'POST', `/api/v1/actions/${a.id}/participants`, { org_id: 33 }, true);
		W.linked[a.id] = l;
	}
	for (const a of [W.A1, W.A2, W.OU, W.OR]) await admin(ctx, 'POST', `/api/v1/actions/${a.id}/goals`, { goal_id: goal2For(W, a).id }, true);
	async function mkOrg() {
		return (await admin(ctx, 'POST', '/api/v1/organisations', { code: `MXK${++n}`, kind: 'eu_agency', name: `Matrix linked organisation ${n}` })).id;
	}
}

/* A record's workflow state, set with sqlite3 unless this file already put it there. */
async function setState(ctx, o, table, state, extra = '') {
	const key = `${o.res}:${o.id}`;
	if (ctx.state.get(key) === state) return;
	await dbWrite(ctx, `UPDATE ${table} SET status = '${state}'${extra}, version = version + 1 WHERE id = ${o.id}`);
	ctx.state.set(key, state);
}

/*
 * Monitoring. OAP 1 (priority 9, 2018) and the other OAP C-2012 are put in implementation and their
 * actions planned for as long as it takes to open their rounds, then put back as they were (the
 * other rows need them so). Round 2018-H1 was opened, compiled and closed: the report of own action
 * 1.1 in it was marked RESTREINT UE and gave an actual of the action's KPI. The demo round 2018-H2
 * and round 2012-H1 of 2011-2013 are open, with a report for each action. On the read and flow
 * servers a "status unclear" report of 1.1, 1.2, 2.1 and of an other-priority action opened a
 * follow-up (on the read server those reports were then returned, on the flow server they are put
 * in the state each cell needs); the read server also has an actual of OAP 1's KPI and results of
 * every JAD, the write server an open round 2018-Q4 without reports, the flow server a round of a
 * cycle of its own to move.
 */
async function reportingFixtures(ctx, kind) {
	const W = ctx.W;
	const A = (m, p, b, v) => admin(ctx, m, p, b, v);
	const move = (path, to, extra = {}) => A('POST', `${path}/transitions`, { to, ...extra }, true);
	const all = async (path) => (await A('GET', `${path}?limit=500`)).items;
	const oaps = [W.OAP1, W.oOtherR];
	const acts = [W.A1, W.A2, W.A3, W.A4, W.A5, W.OU, W.OR, W.OL];
	const was = [];
	for (const o of [...oaps, ...acts]) was.push([o.res, o.id, (await A('GET', o.path)).status]);
	await dbWrite(ctx, `UPDATE oaps SET status = 'in_implementation' WHERE id IN (${oaps.map((o) => o.id)})`);
	await dbWrite(ctx, `UPDATE actions SET status = 'planned' WHERE id IN (${acts.map((a) => a.id)})`);
	const round = (r, label) => mk('reporting-rounds', r.id, label, { name: r.label });
	const reportsIn = async (rnd) => Object.fromEntries((await all(`/api/v1/reporting-rounds/${rnd.id}/progress-reports`)).map((r) => [r.action_id, r]));
	// A report starts at its action's level (design: it describes the action).
	const report = (r, rnd, action, label) => {
		assert.deepEqual([r.classification, r.marking], [action.cls === R ? 'restreint_ue' : 'unclassified', action.lim ? 'limite' : 'none'], `${label}: ${JSON.stringify(r)}`);
		return mk('progress-reports', r.id, label, { cls: action.cls, lim: action.lim, action, round: rnd });
	};

	const old = round(await A('POST', '/api/v1/reporting-rounds', { cycle_id: W.c2018.id, label: '2018-H1', opens_on: '2018-05-01', closes_on: '2018-05-31' }), 'round 2018-H1 (closed)');
	await move(old.path, 'open');
	const r1 = (await reportsIn(old))[W.A1.id];
	const p1 = `/api/v1/progress-reports/${r1.id}`;
	await A('PATCH', p1, { classification: 'restreint_ue', narrative: 'Matrix report', action_status: 'ongoing', kpi_actuals: [{ kpi_id: W.kpis.A1.id, value: 3 }] }, true);
	await move(p1, 'submitted');
	await move(p1, 'consolidated');
	await move(old.path, 'compiled');
	await move(old.path, 'closed');
	W.rOld = old;
	W.rA1old = mk('progress-reports', r1.id, 'restreint report of own action 1.1 (round closed)', { cls: R, action: W.A1, round: old });

	const h2 = (await all(`/api/v1/cycles/${W.c2018.id}/reporting-rounds`)).find((r) => r.label === '2018-H2');
	assert.ok(h2, 'no demo round 2018-H2');
	W.rH2 = round(h2, 'round 2018-H2 (open)');
	await move(W.rH2.path, 'open');
	const r2012 = await A('POST', '/api/v1/reporting-rounds', { cycle_id: W.c2011.id, label: '2012-H1', opens_on: '2012-05-01', closes_on: '2012-05-31' });
	W.r2012 = round(r2012, 'round 2012-H1 (open)');
	await move(W.r2012.path, 'open');
	const inH2 = await reportsIn(W.rH2);
	const in2012 = await reportsIn(W.r2012);
	W.rA1 = report(inH2[W.A1.id], W.rH2, W.A1, 'report of own action 1.1');
	W.rA4 = report(inH2[W.A4.id], W.rH2, W.A4, 'report of an own-priority action (unclassified)');
	W.rA2 = report(inH2[W.A2.id], W.rH2, W.A2, 'report of own-priority action 1.2 (restreint)');
	W.rA3 = report(inH2[W.A3.id], W.rH2, W.A3, 'report of own-priority action 2.1 (LIMITE)');
	W.rOU = report(in2012[W.OU.id], W.r2012, W.OU, 'report of an other-priority action (unclassified)');
	W.rOR = report(in2012[W.OR.id], W.r2012, W.OR, 'report of an other-priority action (restreint)');
	W.rOL = report(in2012[W.OL.id], W.r2012, W.OL, 'report of an other-priority action (LIMITE)');
	W.reports = [W.rA1, W.rA1old, W.rA4, W.rA2, W.rA3, W.rOU, W.rOR, W.rOL];

	W.followUps = [];
	if (kind !== 'write') {
		const unclear = [W.rA1, W.rA2, W.rA3, W.rOU];
		for (const r of unclear) {
			await A('PATCH', r.path, { narrative: 'Matrix report', action_status: 'status_unclear' }, true);
			await move(r.path, 'submitted');
			if (kind === 'read') await move(r.path, 'returned', { comment: 'Matrix: clear the status up' });
		}
		const open = await all('/api/v1/follow-ups');
		for (const r of unclear) {
			const f = open.find((x) => x.action_id === r.action.id && x.round_id === r.round.id);
			assert.ok(f, `no follow-up of ${r.label}: ${JSON.stringify(open)}`);
			W.followUps.push(mk('follow-ups', f.id, `follow-up of ${r.action.label}`, { action: r.action }));
		}
		if (kind === 'flow') await dbWrite(ctx, `UPDATE progress_reports SET action_status = 'ongoing' WHERE id IN (${unclear.map((r) => r.id)})`);
	}
	if (kind === 'read') {
		await A('PUT', `/api/v1/kpis/${W.kpis.OAP1.id}/actuals/${W.rH2.id}`, { value: 4, note: 'Matrix actual' });
		for (const j of W.jads) {
			await move(j.path, 'conducted');
			await A('PUT', `${j.path}/results`, { results: [{ metric: 'arrests', value: 2, unit: 'persons' }] }, true);
		}
	}
	if (kind === 'write') {
		const q4 = await A('POST', '/api/v1/reporting-rounds', { cycle_id: W.c2018.id, label: '2018-Q4', opens_on: '2018-10-01', closes_on: '2018-12-31' });
		await dbWrite(ctx, `UPDATE reporting_rounds SET status = 'open' WHERE id = ${q4.id}`);
		W.rAsk = round(q4, 'round 2018-Q4 (open, no reports)');
	}
	if (kind === 'flow') {
		const c = await A('POST', '/api/v1/cycles', { label: '2060-2061', first_year: 2060, last_year: 2061, oap_period_years: 1, status: 'planning' });
		W.rFlow = round(await A('POST', '/api/v1/reporting-rounds', { cycle_id: c.id, label: '2060-H1', opens_on: '2060-05-01', closes_on: '2060-05-31' }), 'round 2060-H1');
	}
	for (const [table, id, st] of was) await dbWrite(ctx, `UPDATE ${table} SET status = '${st}' WHERE id = ${id}`);
}
