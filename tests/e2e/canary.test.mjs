// Canary tests: restricted records carry a unique random canary string (CANARY-<16 hex>) in every
// text field they have: CONFIDENTIEL UE and RESTREINT UE records (the server accredited up to
// CONFIDENTIEL UE, with an administrator cleared for it), LIMITE documents, sections, actions
// and practices, records of another priority, a private partner's participation in a LIMITE
// action. Then every caller calls every GET route of the OpenAPI document (lists with and
// without q= for the canary words, nested lists, item routes with the hidden ids, referenced-by,
// the audit trail) and a sample of writes naming the hidden ids, and no response may carry a
// canary of a record the caller has no right to read. Callers with the right must see every
// canary of the record, so that the test cannot pass by seeing nothing.
//
// Who may read what (SEES below) is written by hand from domain.md: clearance at or above the
// classification, LIMITE never for private partners or the public, and need to know (the
// Support Team, COSI, the GSC, the Commission, observers, NECs and the administrator read every
// OAP and action; Drivers those of their priority; the action roles their own action and the OAP
// it belongs to).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startServer, api, tokens, BIN } from './lib.mjs';

let srv;
let B;
const MISSING = 987654321;
const CANARY = /CANARY-[0-9a-f]{16}/g;

/* ---- the callers ---- */

const CALLERS = ['anonymous', 'public', 'participant', 'co-action-leader', 'observer', 'action-leader', 'driver', 'co-driver',
	'nec-nl', 'est', 'cosi', 'gsc', 'commission', 'admin', 'partner', 'conf-admin'];
// Global readers cleared for RESTREINT UE (conf-admin: an administrator cleared for CONFIDENTIEL UE).
const R_READERS = ['admin', 'cosi', 'gsc', 'commission', 'est', 'nec-nl', 'conf-admin'];
const DRIVERS = ['driver', 'co-driver'];
// Everyone of the EMPACT community who may read LIMITE content (all members but the private partner).
const LIMITE_MEMBERS = [...R_READERS, 'observer', ...DRIVERS, 'action-leader', 'co-action-leader', 'participant'];

/*
 * The restricted records: what each is, and who may read it. The private partner ("partner")
 * participates in action 1 and in the LIMITE action L; action-leader, co-action-leader and
 * participant in action 1 (unclassified) of OAP 1 (RESTREINT UE, priority 9).
 */
const SEES = {
	oapC: ['conf-admin'], // a CONFIDENTIEL UE OAP of priority 9
	actionC: ['conf-admin'], // a CONFIDENTIEL UE action in it
	sectionC: ['conf-admin'],
	docC: ['conf-admin'], // a CONFIDENTIEL UE Council document
	actionR: [...R_READERS, ...DRIVERS], // a RESTREINT UE action of OAP 1 (not action 1)
	kpiR: [...R_READERS, ...DRIVERS], // its KPI
	noteR: [...R_READERS, ...DRIVERS], // its cross-reference note to action 1
	overlapR: [...R_READERS, ...DRIVERS], // its overlap with action 1
	sectionR: [...R_READERS, ...DRIVERS, 'action-leader', 'partner'], // a RESTREINT UE section of OAP 1
	practiceR: [...R_READERS, ...DRIVERS, 'action-leader', 'partner'], // a RESTREINT UE practice of action 1
	docR: [...R_READERS, ...DRIVERS, 'action-leader', 'partner'], // a RESTREINT UE document of OAP 1
	kpiOap: [...R_READERS, ...DRIVERS, 'action-leader', 'partner'], // a KPI of OAP 1 (RESTREINT UE)
	actionL: [...R_READERS, 'observer', ...DRIVERS], // a LIMITE action of OAP 1; the partner takes part in it
	sectionL: LIMITE_MEMBERS, // a LIMITE section of OAP 1
	practiceL: LIMITE_MEMBERS, // a LIMITE practice of action 1
	docL: LIMITE_MEMBERS, // a LIMITE document of the cycle
	jadL: LIMITE_MEMBERS, // a LIMITE JAD of action 1
	oapL: [...R_READERS, 'observer', ...DRIVERS], // a LIMITE OAP of priority 9
	oapX: [...R_READERS, 'observer'], // an OAP of another priority
	actionX: [...R_READERS, 'observer'], // an action of another priority
	noteX: [...R_READERS, 'observer'], // its cross-reference note to action 1
	grantX: [...R_READERS, 'observer'], // a grant of that action
	goalC: [...R_READERS, 'observer'], // a strategic goal of another priority (goals are LIMITE: 15850/11)
	goal9: LIMITE_MEMBERS, // a strategic goal of priority 9
	shared: LIMITE_MEMBERS, // a shared goal
	jadR: R_READERS, // a RESTREINT UE JAD of no action
	round: [...LIMITE_MEMBERS, 'partner'], // a reporting round: for members only
};


/* ---- the canaries ---- */

const canaryOf = new Map(); // canary -> object key
const fields = {}; // object key -> {field: canary}
function canaries(obj, ...names) {
	fields[obj] = fields[obj] || {};
	const out = {};
	for (const n of names) {
		const c = `CANARY-${randomBytes(8).toString('hex')}`;
		canaryOf.set(c, obj);
		fields[obj][n] = c;
		out[n] = c;
	}
	return out;
}
const ACTION_TEXT = ['title', 'description', 'what', 'when', 'where', 'who', 'how', 'documentation_ref'];
const DOC_TEXT = ['subject', 'kind', 'from', 'to', 'initials', 'directorate', 'new_status'];

/* ---- requests ---- */

async function as(who, method, path, body, ifMatch) {
	const opts = { body, headers: ifMatch != null ? { 'If-Match': `"${ifMatch}"` } : {} };
	if (who === 'anonymous') opts.anon = true;
	else opts.as = who;
	return api(B, method, path, opts);
}
async function make(method, path, body) {
	let ifMatch;
	const m = /^(\/api\/v1\/(actions|oaps)\/\d+)\/(cross-references|transitions|participants|leaders|goals)$/.exec(path);
	if (m) ifMatch = (await as('conf-admin', 'GET', m[1])).body.version;
	const r = await as('conf-admin', method, path, body, ifMatch);
	assert.ok(r.status < 300, `fixture ${method} ${path}: ${r.status} ${r.text.slice(0, 400)}`);
	return r.body;
}
/* A record whose text fields (names) carry canaries; a link answers with its action. */
async function restricted(key, res, path, body, ...names) {
	const made = await make('POST', path, { ...body, ...canaries(key, ...names) });
	W[key] = { res, id: made.id };
	return made;
}

function cli(...args) {
	const input = args[0] === 'user' && args[1] === 'add' ? 'canary passphrase for tests 2026\n' : undefined;
	return execFileSync(BIN, ['--db', srv.db, '--max-classification', 'confidentiel_ue', ...args], {
		input,
		env: { ...process.env, EMPACT_PASSWORD_COST: 'test' },
		stdio: ['pipe', 'pipe', 'pipe'],
	}).toString().trim();
}

const W = {}; // object key -> {res, id}
const seen = new Map(); // caller -> Map(object key -> first request that carried it)
for (const c of CALLERS) seen.set(c, new Map());

function record(who, what, text) {
	for (const c of text.match(CANARY) || []) {
		const obj = canaryOf.get(c);
		if (!obj) continue;
		const m = seen.get(who);
		if (!m.has(obj)) m.set(obj, `${what}: ${c}`);
		m.set(`${obj}#${c}`, true);
	}
}

before(async () => {
	srv = await startServer(['--max-classification', 'confidentiel_ue']);
	B = srv.base;
	// An administrator cleared for CONFIDENTIEL UE, made on the live database.
	cli('user', 'add', 'conf-admin', '--org', 'COUNCIL_GSC', '--clearance', 'confidentiel_ue');
	cli('user', 'role', 'conf-admin', 'admin');
	tokens['conf-admin'] = cli('user', 'token', 'conf-admin', '--expires', '1');

	// CONFIDENTIEL UE: an OAP of priority 9 with an action and a section, and a document.
	const C = { classification: 'confidentiel_ue' };
	const oapC = await restricted('oapC', 'oaps', '/api/v1/oaps', { priority_id: 9, first_year: 2019, last_year: 2019, ...C }, 'title');
	await restricted('actionC', 'actions', `/api/v1/oaps/${oapC.id}/actions`, { number: '1.1', position: 1, ...C }, ...ACTION_TEXT);
	await restricted('sectionC', 'sections', `/api/v1/oaps/${oapC.id}/sections`, { number: '1', position: 1, ...C }, 'heading', 'text');
	await restricted('docC', 'documents', '/api/v1/documents', { number: '9001/19', date: '2019-02-01', ...C }, ...DOC_TEXT);

	// RESTREINT UE: in OAP 1 of priority 9.
	const R = { classification: 'restreint_ue' };
	const actionR = await restricted('actionR', 'actions', '/api/v1/oaps/1/actions', { number: '5.1', position: 51, ...R }, ...ACTION_TEXT);
	await restricted('kpiR', 'kpis', '/api/v1/kpis', { action_id: actionR.id, position: 1, target: 200, direction: 'increase' }, 'name', 'unit');
	await restricted('noteR', 'actions', `/api/v1/actions/${actionR.id}/cross-references`, { action_id: 1 }, 'note');
	await restricted('overlapR', 'overlaps', '/api/v1/overlaps', { action_a_id: 1, action_b_id: actionR.id }, 'description', 'decision');
	await restricted('sectionR', 'sections', '/api/v1/oaps/1/sections', { number: '9.1', position: 91, ...R }, 'heading', 'text');
	await restricted('practiceR', 'good-practices', '/api/v1/good-practices', { action_id: 1, kind: 'good', ...R }, 'title', 'text');
	await restricted('docR', 'documents', '/api/v1/documents', { number: '9003/19', date: '2019-02-01', oap_id: 1, ...R }, ...DOC_TEXT);
	await restricted('kpiOap', 'kpis', '/api/v1/kpis', { oap_id: 1, position: 2, target: 12, direction: 'increase' }, 'name', 'unit');

	// LIMITE.
	const L = { marking: 'limite' };
	const actionL = await restricted('actionL', 'actions', '/api/v1/oaps/1/actions', { number: '5.2', position: 52, ...L }, ...ACTION_TEXT);
	await restricted('sectionL', 'sections', '/api/v1/oaps/1/sections', { number: '9.2', position: 92, ...L }, 'heading', 'text');
	await restricted('practiceL', 'good-practices', '/api/v1/good-practices', { action_id: 1, kind: 'bad', ...L }, 'title', 'text');
	await restricted('docL', 'documents', '/api/v1/documents', { number: '9002/19', date: '2019-02-01', cycle_id: 2, ...L }, ...DOC_TEXT);
	const days = { start_date: '2019-04-01', end_date: '2019-04-02' };
	const jadL = await restricted('jadL', 'jads', '/api/v1/jads', { cycle_id: 2, ...days, ...L }, 'name', 'description');
	await restricted('oapL', 'oaps', '/api/v1/oaps', { priority_id: 9, first_year: 2020, last_year: 2020, ...L }, 'title');

	// Another priority of the same cycle: an OAP, an action, a note on action 1 and a grant.
	const px = await make('POST', '/api/v1/cycles/2/priorities', { code: 'X', position: 50, short_name: 'Another priority', aim: 'Elsewhere' });
	const oapX = await restricted('oapX', 'oaps', '/api/v1/oaps', { priority_id: px.id, first_year: 2018, last_year: 2018 }, 'title');
	const actionX = await restricted('actionX', 'actions', `/api/v1/oaps/${oapX.id}/actions`, { number: '1.1', position: 1 }, ...ACTION_TEXT);
	await restricted('noteX', 'actions', `/api/v1/actions/${actionX.id}/cross-references`, { action_id: 1 }, 'note');
	const grantX = await restricted('grantX', 'grants', '/api/v1/grants', { scheme: 'empact_grant', amount_allocated_cents: 500000 }, 'reference', 'title');

	// Goals (a LIMITE source), a RESTREINT UE JAD of no action, a reporting round.
	await restricted('goalC', 'goals', '/api/v1/priorities/3/goals', { number: 50 }, 'text', 'group');
	// (goal 1 of priority 9 is the demo goal that init --demo makes)
	await restricted('goal9', 'goals', '/api/v1/priorities/9/goals', { number: 2 }, 'text', 'group');
	await restricted('shared', 'shared-goals', '/api/v1/cycles/2/shared-goals', { number: 1 }, 'text', 'scope');
	await restricted('jadR', 'jads', '/api/v1/jads', { cycle_id: 2, ...days, ...R }, 'name', 'description');
	// (a round's label starts with a year of its cycle, so only its NEC meeting carries a canary)
	await restricted('round', 'reporting-rounds', '/api/v1/reporting-rounds', { cycle_id: 2, label: '2019-H2', opens_on: '2019-06-01', closes_on: '2019-06-30' }, 'nec_meeting');

	// Links the API has no route for.
	const links = `INSERT INTO jad_actions (jad_id, action_id) VALUES (${jadL.id}, 1);` +
		`INSERT INTO grant_actions (grant_id, action_id) VALUES (${grantX.id}, ${actionX.id});`;
	execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, links]);

	// A private partner's participant in action 1 and in the LIMITE action.
	const acme = await make('POST', '/api/v1/organisations', { code: 'ACME', kind: 'private_partner', name: 'Acme Security (private partner)' });
	await make('POST', `/api/v1/actions/${actionL.id}/participants`, { org_id: acme.id, status: 'confirmed' });
	cli('user', 'add', 'partner', '--org', 'ACME', '--clearance', 'restreint_ue');
	cli('user', 'role', 'partner', 'participant', '--scope', `action:${actionL.id}`);
	cli('user', 'role', 'partner', 'participant', '--scope', 'action:1');
	tokens.partner = cli('user', 'token', 'partner', '--expires', '1');
});

after(async () => {
	if (srv) await srv.stop();
});

/* ---- the sweep ---- */

/* The ids to put in a path for a collection: every restricted record of it, and a few others. */
function idsFor(coll) {
	const own = Object.values(W).filter((o) => o.res === coll).map((o) => o.id);
	const extra = {
		cycles: [1, 2],
		priorities: [3, 9],
		organisations: [1],
		users: [1],
		oaps: [1],
		actions: [1, 2, 3],
		documents: [1, 2, 3],
	}[coll] || [];
	return [...new Set([...own, ...extra, MISSING])];
}

/* Every concrete GET request of the OpenAPI document. */
function getRequests(doc) {
	const out = [];
	for (const [p, item] of Object.entries(doc.paths)) {
		if (!item.get) continue;
		const params = (item.get.parameters || []).filter((x) => x.in === 'query').map((x) => x.name);
		const m = /^\/api\/v1\/([a-z-]+)\/\{id\}/.exec(p);
		const concrete = m ? idsFor(m[1]).map((id) => p.replace('{id}', id)) : [p];
		for (let c of concrete) {
			c = c.replace(/\{[a-z_]+\}/g, '1');
			out.push(c);
			if (params.includes('limit')) out.push(`${c}?limit=500`);
			if (params.includes('archived')) out.push(`${c}?archived=true&limit=500`);
			if (params.includes('q')) {
				out.push(`${c}?q=CANARY&limit=500`);
				// each canary word, in the list of its own kind
				const kind = /^\/api\/v1\/([a-z-]+)$/.exec(p)?.[1];
				for (const [obj, o] of Object.entries(W))
					if (o.res === kind) for (const word of Object.values(fields[obj])) out.push(`${c}?q=${encodeURIComponent(word)}`);
			}
			if (params.includes('object_id')) for (const o of Object.values(W)) out.push(`${c}?object_kind=${o.res}&object_id=${o.id}`);
		}
	}
	return out;
}

/* Writes that name the hidden records, in the path or in the body; none may change anything. */
function writeRequests(who) {
	const out = [];
	for (const [obj, o] of Object.entries(W)) {
		if (SEES[obj].includes(who)) continue;
		const path = `/api/v1/${o.res}/${o.id}`;
		out.push(['PATCH', path, o.res === 'actions' ? { what: 'x' } : { title: 'x' }]);
		out.push(['DELETE', path]);
		if (o.res === 'actions') {
			out.push(['POST', `${path}/transitions`, { to: 'planned' }]);
			out.push(['POST', `${path}/leaders`, { org_id: 1, role: 'co_leader' }]);
			out.push(['POST', `${path}/participants`, { org_id: 1 }]);
			out.push(['PATCH', `${path}/participants/1`, { status: 'confirmed' }]);
			out.push(['POST', `${path}/cross-references`, { action_id: 1, note: 'x' }]);
			out.push(['POST', '/api/v1/actions/1/cross-references', { action_id: o.id, note: 'x' }]);
			out.push(['POST', '/api/v1/kpis', { action_id: o.id, position: 1, name: 'x', target: 1, direction: 'increase' }]);
			out.push(['POST', '/api/v1/good-practices', { action_id: o.id, kind: 'good', title: 'x', text: 'x' }]);
			out.push(['POST', '/api/v1/overlaps', { action_a_id: 1, action_b_id: o.id, description: 'x' }]);
			out.push(['POST', '/api/v1/actions', { oap_id: 1, number: '77.1', position: 1, title: 'x', predecessor_id: o.id }]);
		}
		if (o.res === 'oaps') {
			out.push(['POST', `${path}/transitions`, { to: 'agreed_at_nec' }]);
			out.push(['POST', `${path}/actions`, { number: '77.2', position: 1, title: 'x' }]);
			out.push(['POST', `${path}/sections`, { number: '77', position: 1, heading: 'x', text: 'x' }]);
			out.push(['POST', '/api/v1/actions', { oap_id: o.id, number: '77.3', position: 1, title: 'x' }]);
			out.push(['POST', '/api/v1/documents', { number: '7777/19', date: '2019-01-01', subject: 'x', oap_id: o.id }]);
			out.push(['POST', '/api/v1/kpis', { oap_id: o.id, position: 1, name: 'x', target: 1, direction: 'increase' }]);
		}
		if (o.res === 'documents')
			out.push(['POST', '/api/v1/documents', { number: '7778/19', suffix: 'EXT 1', date: '2020-01-01', subject: 'x', new_status: 'Public', parent_id: o.id }]);
		if (o.res === 'goals') {
			out.push(['POST', '/api/v1/kpis', { goal_id: o.id, position: 1, name: 'x', target: 1, direction: 'increase' }]);
			out.push(['POST', '/api/v1/actions/1/goals', { goal_id: o.id }]);
		}
	}
	return out;
}

test('the sweep: every GET route and writes naming hidden records, as every caller', async (t) => {
	const doc = (await as('anonymous', 'GET', '/api/v1/openapi.json')).body;
	const gets = getRequests(doc);
	assert.ok(gets.length > 150, `only ${gets.length} GET requests`);
	let n = 0;
	for (const who of CALLERS) {
		for (const p of gets) {
			const r = await as(who, 'GET', p);
			assert.ok(r.status < 500, `GET ${p} as ${who}: ${r.status}`);
			record(who, `GET ${p}`, r.text);
			n++;
		}
		for (const [m, p, body] of writeRequests(who)) {
			const r = await as(who, m, p, body, 1);
			assert.ok(r.status < 500, `${m} ${p} as ${who}: ${r.status}`);
			assert.ok(r.status >= 400, `${m} ${p} as ${who} naming a hidden record succeeded: ${r.status} ${r.text.slice(0, 300)}`);
			record(who, `${m} ${p}`, r.text);
			n++;
		}
		// What reached the audit trail of these requests is read as well.
		for (const q of ['', '?limit=500', '?outcome=denied&limit=500', `?actor=${who}&limit=500`]) {
			const r = await as(who, 'GET', `/api/v1/audit${q}`);
			record(who, `GET /api/v1/audit${q}`, r.text);
			n++;
		}
	}
	t.diagnostic(`${n} requests, ${canaryOf.size} canaries in ${Object.keys(W).length} records`);
});

for (const who of CALLERS) {
	test(`${who}: reads every canary it may, and none it may not`, async (t) => {
		for (const obj of Object.keys(SEES)) {
			const may = SEES[obj].includes(who);
			await t.test(`${may ? 'sees' : 'never sees'} ${obj}`, () => {
				const m = seen.get(who);
				if (may) {
					for (const [f, c] of Object.entries(fields[obj])) assert.ok(m.has(`${obj}#${c}`), `${who} may read ${obj} but never saw its ${f}`);
				} else {
					assert.ok(!m.has(obj), `${who} must not read ${obj}, yet ${m.get(obj)}`);
				}
			});
		}
	});
}
