// End-to-end test of monitoring and reporting (docs/monitoring.md): one whole reporting round
// for the demo OAP, each step made by the role that makes it in EMPACT (open, report, return,
// revise, consolidate, compile, discuss, transmit, close, reopen), the refusals of bad input and
// wrong roles, and every roll-up checked against figures the test computes itself from what it
// wrote; then what a caller with a narrow scope sees of the roll-ups, and, on a server of its
// own, carrying an action over into the next OAP.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, get, post, patch, expectStatus, expectError } from './lib.mjs';

const V = '/api/v1';
const im = (v) => ({ 'If-Match': `"${v}"` });
const round4 = (x) => Math.round(x * 1e4) / 1e4;
const REPORT_STATES = ['requested', 'draft', 'submitted', 'returned', 'consolidated', 'compiled', 'discussed_at_nec', 'transmitted_to_cosi'];
const VALIDATED = new Set(['consolidated', 'compiled', 'discussed_at_nec', 'transmitted_to_cosi']);
const SUBMITTED = new Set(['submitted', ...VALIDATED]);
const ACTION_STATUSES = ['planned', 'ongoing', 'completed', 'not_completed', 'cancelled', 'continued', 'status_unclear'];
// The KPIs of the demo data (`empact init --demo`), found by name.
const DEMO_KPIS = {
	arrests: { name: 'Suspects arrested', unit: 'arrests', baseline: 0, target: 40, direction: 'increase', action: 1 },
	networks: { name: 'Smuggling networks disrupted', unit: 'networks', baseline: 0, target: 4, direction: 'increase', action: 1 },
	documents: { name: 'Fraudulent documents detected', unit: 'documents', baseline: 50, target: 250, direction: 'increase', action: 2 },
	ads: { name: 'Online advertisements taken down', unit: 'advertisements', baseline: 0, target: 300, direction: 'increase', action: 3 },
	oap: { name: 'Suspects arrested under the OAP', unit: 'arrests', target: 60, direction: 'increase', aggregation: 'sum' },
	goal: { name: 'Networks disrupted', unit: 'networks', target: 10, direction: 'increase', aggregation: 'sum' },
};

const body = (res, status, what) => expectStatus(res, status, what).body;
const read = async (B, p, as = 'admin') => body(await get(B, p, { as }), 200, `GET ${p} as ${as}:`);
async function items(B, p, as = 'admin') {
	const out = [];
	let cursor = null;
	do {
		const page = await read(B, p + (cursor ? `${p.includes('?') ? '&' : '?'}cursor=${cursor}` : ''), as);
		out.push(...page.items);
		cursor = page.next_cursor;
	} while (cursor);
	return out;
}
/* Asserts an error and that its message, field or problems name what went wrong. */
function refused(res, status, names, what) {
	const e = expectError(res, status, what);
	if (names) assert.match(`${e.message} ${e.field} ${JSON.stringify(e.problems || [])}`, names, `${what}: the error does not name ${names}: ${res.text}`);
	return e;
}
/* POST {p}/transitions with the record's current version (as read by the admin, unless given). */
async function move(B, p, to, { as = 'admin', extra = {}, status = 200, names, version } = {}) {
	const v = version ?? (await read(B, p)).version;
	const res = await api(B, 'POST', `${p}/transitions`, { body: { to, ...extra }, headers: im(v), as });
	const what = `${as}: ${p} -> ${to} ${JSON.stringify(extra)}:`;
	if (status >= 400) return refused(res, status, names, what);
	const b = body(res, status, what);
	assert.equal(b.status, to, `${what} status after the move: ${res.text.slice(0, 300)}`);
	return b;
}
/* PATCH p with the record's current version. */
async function save(B, p, change, { as = 'admin', status = 200, names } = {}) {
	const cur = await read(B, p);
	const res = await patch(B, p, change, cur.version, { as });
	const what = `${as}: PATCH ${p} ${JSON.stringify(change).slice(0, 200)}:`;
	if (status >= 400) return refused(res, status, names, what);
	return body(res, status, what);
}
const near = (actual, expected, what, tol = 1e-6) =>
	assert.ok(
		expected === null ? actual === null : typeof actual === 'number' && Math.abs(actual - expected) <= tol,
		`${what}: expected ${expected}, got ${actual}`,
	);
/* Asserts that a roll-up has the keys the contract gives it. */
function shape(doc, keys, what) {
	for (const k of keys) assert.ok(doc && doc[k] !== undefined, `${what} has no "${k}": ${JSON.stringify(doc).slice(0, 600)}`);
	return doc;
}
/* POST p as `as`, expecting 201; PUT p with the current version of the record at `of`. */
const create = async (B, p, b, as = 'admin') => body(await post(B, p, b, { as }), 201, `${as}: POST ${p} ${JSON.stringify(b)}:`);
async function put(B, p, of, b, as = 'est') {
	return api(B, 'PUT', p, { body: b, headers: im((await read(B, of)).version), as });
}

/* docs/monitoring.md, "Achievement". */
function achievement(k, v) {
	if (v === null || v === undefined) return null;
	const t = k.target;
	const b = k.baseline;
	if (k.direction === 'maintain') return round4(v >= t ? 1 : v / t);
	if (b !== null && b !== undefined) return round4((v - b) / (t - b));
	if (k.direction === 'increase') return round4(v / t);
	return round4(v <= t ? 1 : t / v);
}

/* The demo state every test starts from: OAP 1 adopted and in implementation, its actions planned, 1.1 ongoing. */
async function implement(B) {
	await move(B, `${V}/oaps/1`, 'adopted', { as: 'cosi' });
	await move(B, `${V}/oaps/1`, 'in_implementation', { as: 'driver' });
	for (const a of [1, 2, 3]) await move(B, `${V}/actions/${a}`, 'planned', { as: 'driver' });
	await move(B, `${V}/actions/1`, 'ongoing', { as: 'driver' });
}
async function cycleId(B) {
	const c = (await items(B, `${V}/cycles`)).find((x) => x.label === '2018-2021');
	assert.ok(c, 'no demo cycle 2018-2021');
	return c.id;
}
async function demoRound(B, C) {
	const r = (await items(B, `${V}/cycles/${C}/reporting-rounds`)).find((x) => x.label === '2018-H2');
	assert.ok(r, 'no demo reporting round 2018-H2');
	return r;
}

describe('a whole reporting round for the demo OAP, and every roll-up of it', () => {
	let srv;
	let B;
	let C; // the demo cycle
	let G; // the demo strategic goal of priority 9
	let R; // the round 2018-H2
	const K = {}; // KPI records by short name
	const KPIS_OF = {}; // action id -> its KPI records
	const REP = {}; // action id -> report id
	const A = {}; // action id -> the action as the admin reads it
	// What the test wrote into each report, and the state it moved it to: the source of every expected figure.
	const W = {};
	for (const a of [1, 2, 3]) W[a] = { status: 'requested', action_status: null, allocated: null, used: null, problems: null, actuals: {}, practices: [] };
	const rep = (a) => `${V}/progress-reports/${REP[a]}`;
	/* Records what the test writes into the report of action a, and the PATCH body that writes it. */
	const write = (a, action_status, allocated, used, problems, actuals, practices = []) =>
		Object.assign(W[a], { action_status, allocated, used, problems, actuals, practices });
	const reportBody = (a, narrative) => ({
		narrative,
		action_status: W[a].action_status,
		resources_allocated_cents: W[a].allocated,
		resources_used_cents: W[a].used,
		problems: W[a].problems,
		// the unit is sent (and must match) for all but the last actual
		kpi_actuals: Object.entries(W[a].actuals).map(([id, value], i, all) => {
			const k = KPIS_OF[a].find((x) => x.id === Number(id));
			return i < all.length - 1 ? { kpi_id: k.id, value, unit: k.unit, note: `reported for ${k.name}` } : { kpi_id: k.id, value };
		}),
		practices: W[a].practices,
	});
	// The parts build on each other: one whose predecessor failed says so instead of failing obscurely.
	const done = new Set();
	const needs = (n) => assert.ok(done.has(n), `part ${n} did not complete, and this part builds on it`);

	before(async () => {
		srv = await startServer();
		B = srv.base;
	});
	after(async () => {
		await srv.stop();
	});

	/* The figures of the OAP monitoring report for a caller who sees the actions `acts`. */
	function expected(acts) {
		const e = { owed: 0, submitted: 0, validated: 0, by_status: {}, action_status: { not_reported: 0 }, allocated: 0, used: 0, kpis: [] };
		for (const a of acts) {
			const w = W[a];
			const ok = VALIDATED.has(w.status);
			e.owed++;
			e.by_status[w.status] = (e.by_status[w.status] || 0) + 1;
			if (SUBMITTED.has(w.status)) e.submitted++;
			if (ok) {
				e.validated++;
				e.action_status[w.action_status] = (e.action_status[w.action_status] || 0) + 1;
				e.allocated += w.allocated;
				e.used += w.used;
			} else e.action_status.not_reported++;
			for (const k of KPIS_OF[a]) e.kpis.push({ k, owner: 'action', action: a, value: ok && k.id in w.actuals ? w.actuals[k.id] : null });
		}
		const fed = (k) => {
			const vals = e.kpis.filter((x) => x.k.feeds_kpi_id === k.id && x.value !== null).map((x) => x.value);
			return vals.length ? vals.reduce((s, v) => s + v, 0) : null; // aggregation sum
		};
		e.kpis.push({ k: K.oap, owner: 'oap', value: fed(K.oap) });
		e.goalValue = fed(K.goal);
		for (const x of e.kpis) {
			x.achievement = achievement(x.k, x.value);
			x.met = x.achievement !== null && x.achievement >= 1;
		}
		e.missing = e.owed - e.submitted;
		e.overdue = e.missing; // closes_on 2018-11-30 has passed
		const withValue = e.kpis.filter((x) => x.value !== null);
		e.summary = {
			count: e.kpis.length,
			with_value: withValue.length,
			met: e.kpis.filter((x) => x.met).length,
			mean: withValue.length ? withValue.reduce((s, x) => s + x.achievement, 0) / withValue.length : null,
		};
		return e;
	}

	/* Checks an OAP monitoring report against expected(acts). */
	function checkMonitoring(m, acts, what) {
		const e = expected(acts);
		const show = (x) => `${what}: ${JSON.stringify(x).slice(0, 1500)}`;
		shape(m, ['oap', 'round', 'classification', 'marking', 'reports', 'action_status', 'kpi_summary', 'resources', 'actions', 'kpis', 'problems', 'practices'], what);
		shape(m.reports, ['owed', 'submitted', 'validated', 'missing', 'overdue', 'by_status'], `${what} reports`);
		for (const f of ['owed', 'submitted', 'validated', 'missing', 'overdue']) assert.equal(m.reports[f], e[f], show({ field: f, reports: m.reports }));
		for (const s of REPORT_STATES) assert.equal(m.reports.by_status[s] ?? 0, e.by_status[s] ?? 0, show({ by_status: s, reports: m.reports }));
		for (const s of [...ACTION_STATUSES, 'not_reported'])
			assert.equal(m.action_status[s] ?? 0, e.action_status[s] ?? 0, show({ action_status: s, got: m.action_status }));
		assert.deepEqual(m.resources, { allocated_cents: e.allocated, used_cents: e.used }, show(m.resources));
		assert.equal(m.kpi_summary.count, e.summary.count, show(m.kpi_summary));
		assert.equal(m.kpi_summary.with_value, e.summary.with_value, show(m.kpi_summary));
		assert.equal(m.kpi_summary.met, e.summary.met, show(m.kpi_summary));
		// the mean of rounded or of unrounded achievements, rounded: the same to 1e-4
		near(m.kpi_summary.mean_achievement, e.summary.mean === null ? null : round4(e.summary.mean), `${what} mean_achievement`, 1.01e-4);
		assert.deepEqual(m.actions.map((r) => r.action_id).sort(), [...acts].sort(), show(m.actions));
		for (const r of m.actions) {
			const w = W[r.action_id];
			assert.equal(r.number, A[r.action_id].number, show(r));
			assert.equal(r.report_id, REP[r.action_id], show(r));
			assert.equal(r.report_status, w.status, show(r));
			const mine = e.kpis.filter((x) => x.action === r.action_id);
			assert.equal(r.kpis, mine.length, show(r));
			assert.equal(r.kpis_met, mine.filter((x) => x.met).length, show(r));
			if (VALIDATED.has(w.status)) {
				assert.equal(r.action_status, w.action_status, show(r));
				assert.equal(r.allocated_cents, w.allocated, show(r));
				assert.equal(r.used_cents, w.used, show(r));
			} else {
				assert.ok([null, 0].includes(r.allocated_cents) && [null, 0].includes(r.used_cents), `${what}: resources of an unvalidated report counted: ${show(r)}`);
			}
		}
		assert.deepEqual(m.kpis.map((r) => r.kpi_id).sort((a, b) => a - b), e.kpis.map((x) => x.k.id).sort((a, b) => a - b), show(m.kpis));
		const lastAction = m.kpis.map((r) => r.owner).lastIndexOf('action');
		assert.ok(lastAction < m.kpis.findIndex((r) => r.owner === 'oap'), `${what}: action KPIs first, then the OAP's: ${show(m.kpis)}`);
		for (const x of e.kpis) {
			const r = m.kpis.find((row) => row.kpi_id === x.k.id);
			assert.equal(r.owner, x.owner, show(r));
			assert.equal(r.name, x.k.name, show(r));
			assert.equal(r.unit, x.k.unit, show(r));
			if (x.owner === 'action') assert.equal(r.action_number, A[x.action].number, show(r));
			near(r.value, x.value, `${what} value of KPI "${x.k.name}"`);
			near(r.achievement, x.achievement, `${what} achievement of KPI "${x.k.name}"`);
			assert.equal(Boolean(r.met), x.met, show(r));
		}
		const probs = acts.filter((a) => VALIDATED.has(W[a].status) && W[a].problems);
		assert.deepEqual(m.problems.map((p) => p.action_id).sort(), probs.sort(), show(m.problems));
		for (const p of m.problems) assert.equal(p.problems, W[p.action_id].problems, show(p));
		for (const a of [1, 2, 3])
			for (const pr of W[a].practices) {
				const shown = m.practices.some((p) => p.title === pr.title && p.action_id === a && p.kind === pr.kind);
				assert.equal(shown, acts.includes(a) && VALIDATED.has(W[a].status), `${what}: practice "${pr.title}" of action ${a}: ${show(m.practices)}`);
			}
		return e;
	}

	test('1. setup as each role: KPIs, OAP adopted and in implementation, actions planned', async () => {
		C = await cycleId(B);
		const goals = await items(B, `${V}/priorities/9/goals`);
		G = goals.find((g) => g.number === 1)?.id;
		assert.ok(G, `no demo goal 1 of priority 9: ${JSON.stringify(goals)}`);
		for (const a of [1, 2, 3]) KPIS_OF[a] = await items(B, `${V}/actions/${a}/kpis`);
		const byName = (list, n) => list.find((k) => k.name === n);
		for (const [key, d] of Object.entries(DEMO_KPIS)) {
			const list = d.action ? KPIS_OF[d.action] : key === 'oap' ? await items(B, `${V}/kpis?oap_id=1`) : await items(B, `${V}/kpis?goal_id=${G}`);
			K[key] = byName(list, d.name);
			assert.ok(K[key], `no demo KPI "${d.name}" in ${JSON.stringify(list)}`);
			for (const f of ['unit', 'target', 'direction', 'aggregation', 'baseline'])
				if (f in d) assert.equal(K[key][f], d[f], `KPI "${d.name}" ${f}: ${JSON.stringify(K[key])}`);
		}
		assert.equal(K.arrests.feeds_kpi_id, K.oap.id, 'the arrests KPI of action 1.1 feeds the OAP KPI');
		assert.equal(K.networks.feeds_kpi_id, K.goal.id, 'the networks KPI of action 1.1 feeds the goal KPI');
		// Two more KPIs of action 1.2, by the Support Team, for the decrease and maintain formulas.
		const kpi = { action_id: 2, position: 8, name: 'Days to verify a document', unit: 'days', target: 10, direction: 'decrease' };
		K.days = await create(B, `${V}/kpis`, kpi, 'est');
		K.officers = await create(B, `${V}/kpis`, { ...kpi, position: 9, name: 'Liaison officers deployed', unit: 'officers', target: 5, direction: 'maintain' }, 'est');
		KPIS_OF[2] = await items(B, `${V}/actions/2/kpis`);
		assert.equal(KPIS_OF[2].length, 3, JSON.stringify(KPIS_OF[2]));
		await save(B, `${V}/actions/1`, { budget_cents: 8000000 }, { as: 'driver' });
		const oap = await read(B, `${V}/oaps/1`);
		assert.equal(oap.status, 'submitted_to_cosi');
		await implement(B);
		assert.equal((await read(B, `${V}/oaps/1`)).status, 'in_implementation');
		for (const a of [1, 2, 3]) A[a] = await read(B, `${V}/actions/${a}`);
		assert.deepEqual([1, 2, 3].map((a) => A[a].status), ['ongoing', 'planned', 'planned']);
		assert.deepEqual([1, 2, 3].map((a) => A[a].number), ['1.1', '1.2', '2.1']);
		done.add(1);
	});

	test('2. the Support Team opens the round: a requested report for each action in implementation', async () => {
		needs(1);
		const round = await demoRound(B, C);
		R = round.id;
		assert.equal(round.status, 'planned');
		assert.equal(round.closes_on, '2018-11-30');
		await move(B, `${V}/reporting-rounds/${R}`, 'open', { as: 'driver', status: 403 });
		await move(B, `${V}/reporting-rounds/${R}`, 'open', { as: 'est' });
		const reports = await items(B, `${V}/reporting-rounds/${R}/progress-reports`);
		assert.deepEqual(reports.map((r) => r.action_id).sort(), [1, 2, 3], JSON.stringify(reports));
		for (const r of reports) {
			assert.equal(r.status, 'requested', JSON.stringify(r));
			assert.equal(r.round_id, R);
			REP[r.action_id] = r.id;
		}
		assert.deepEqual((await items(B, `${V}/actions/1/progress-reports`)).map((r) => r.id), [REP[1]]);
		// opening again: 409, and nothing changes
		const before = await read(B, `${V}/reporting-rounds/${R}`);
		const e = await move(B, `${V}/reporting-rounds/${R}`, 'open', { as: 'est', status: 409 });
		assert.match(e.message, /open/);
		assert.equal((await read(B, `${V}/reporting-rounds/${R}`)).version, before.version);
		assert.equal((await items(B, `${V}/reporting-rounds/${R}/progress-reports`)).length, 3);
		// another round of the cycle cannot open while this one is
		const other = await create(B, `${V}/reporting-rounds`, { cycle_id: C, label: '2019-H1', opens_on: '2019-05-01', closes_on: '2019-05-31' }, 'est');
		await move(B, `${V}/reporting-rounds/${other.id}`, 'open', { as: 'est', status: 409 });
		assert.equal((await read(B, `${V}/reporting-rounds/${other.id}`)).status, 'planned');
		// every report is missing, and overdue
		const miss = shape(await read(B, `${V}/reporting-rounds/${R}/missing-reports`), ['reports', 'by_driver', 'by_nec'], 'missing reports');
		assert.deepEqual(miss.reports.map((r) => r.action_id).sort(), [1, 2, 3], JSON.stringify(miss));
		assert.ok(miss.reports.every((r) => r.overdue === true && r.status === 'requested'), JSON.stringify(miss.reports));
		const nec = Object.fromEntries(miss.by_nec.map((n) => [n.country, [n.missing, n.overdue]]));
		assert.deepEqual(nec, { DE: [1, 1], FR: [1, 1], NL: [1, 1] }, JSON.stringify(miss.by_nec));
		done.add(2);
	});

	const NARRATIVE =
		'## Progress\n\nSuspects arrested in **three** Member States.<script>alert(1)</script>\n\n' +
		'See [x](javascript:alert(1)) and [the plan](https://example.org/plan).\n';

	test('3. the Action Leader writes the report; a second save of the same version is refused; submit', async () => {
		needs(2);
		const r0 = await read(B, rep(1), 'action-leader');
		write(1, 'ongoing', 5000000, 1000000, 'Late replies from two Member States.', { [K.arrests.id]: 12, [K.networks.id]: 5 }, [
			{ kind: 'good', title: 'Joint liaison desk in the hotspot', text: 'A shared desk cut reply times.' },
		]);
		const saved = body(await patch(B, rep(1), reportBody(1, NARRATIVE), r0.version, { as: 'action-leader' }), 200, 'action-leader: save');
		W[1].status = 'draft';
		assert.equal(saved.status, 'draft');
		assert.equal(saved.narrative, NARRATIVE);
		assert.match(saved.narrative_html, /<strong>three<\/strong>/, saved.narrative_html);
		assert.match(saved.narrative_html, /https:\/\/example\.org\/plan/, saved.narrative_html);
		assert.doesNotMatch(saved.narrative_html, /<script/i, saved.narrative_html);
		assert.doesNotMatch(saved.narrative_html, /javascript:/i, saved.narrative_html);
		assert.equal(saved.kpi_actuals.find((k) => k.kpi_id === K.arrests.id)?.value, 12, JSON.stringify(saved.kpi_actuals));
		// the Co-Action Leader saves the same version: 409, and the first save is intact
		const late = await patch(B, rep(1), { narrative: 'Overwritten', problems: 'None' }, r0.version, { as: 'co-action-leader' });
		expectError(late, 412, 'co-action-leader: second save of the same version:');
		const now = await read(B, rep(1));
		assert.equal(now.narrative, NARRATIVE);
		assert.equal(now.problems, W[1].problems);
		assert.equal(now.version, saved.version);
		// a participant may not submit it
		await move(B, rep(1), 'submitted', { as: 'participant', status: 403 });
		assert.equal((await read(B, rep(1))).status, 'draft');
		await move(B, rep(1), 'submitted', { as: 'action-leader' });
		W[1].status = 'submitted';
		done.add(3);
	});

	test('4. the Driver returns it with a comment, the Action Leader revises and resubmits, the Driver consolidates', async () => {
		needs(3);
		await move(B, rep(1), 'returned', { as: 'driver', status: 422, names: /comment/ });
		await move(B, rep(1), 'consolidated', { as: 'action-leader', status: 403 });
		assert.equal((await read(B, rep(1))).status, 'submitted');
		const gp = await items(B, `${V}/good-practices?action_id=1`);
		assert.equal(gp.filter((p) => p.title === W[1].practices[0].title).length, 1, `the practice enters the register once: ${JSON.stringify(gp)}`);
		const comment = 'Please give the arrests by Member State.';
		const ret = await move(B, rep(1), 'returned', { as: 'driver', extra: { comment } });
		W[1].status = 'returned';
		assert.equal(ret.return_comment, comment);
		W[1].actuals[K.arrests.id] = 14;
		W[1].used = 1234567;
		const rev = await save(
			B,
			rep(1),
			{
				resources_used_cents: 1234567,
				kpi_actuals: [{ kpi_id: K.arrests.id, value: 14, unit: 'arrests', note: 'DE 8, IT 6' }, { kpi_id: K.networks.id, value: 5 }],
			},
			{ as: 'action-leader' },
		);
		assert.ok(['returned', 'draft'].includes(rev.status), JSON.stringify(rev));
		await move(B, rep(1), 'submitted', { as: 'action-leader' });
		await move(B, rep(1), 'consolidated', { as: 'driver' });
		W[1].status = 'consolidated';
		const r = await read(B, rep(1));
		assert.equal(r.kpi_actuals.find((k) => k.kpi_id === K.arrests.id)?.value, 14, JSON.stringify(r.kpi_actuals));
		assert.equal(r.resources_used_cents, 1234567);
		const moves = r.history.map((h) => h.to).filter((s) => ['submitted', 'returned', 'consolidated'].includes(s));
		assert.deepEqual(moves, ['submitted', 'returned', 'submitted', 'consolidated'], JSON.stringify(r.history));
		const h = r.history.find((x) => x.to === 'returned');
		assert.deepEqual([h.from, h.actor, h.comment], ['submitted', 'driver', comment], JSON.stringify(h));
		const act = await read(B, `${V}/kpis/${K.arrests.id}/actuals`);
		const rows = Array.isArray(act) ? act : act.items;
		assert.equal(rows.find((x) => x.round_id === R)?.value, 14, JSON.stringify(act));
		assert.equal((await items(B, `${V}/good-practices?action_id=1`)).filter((p) => p.title === W[1].practices[0].title).length, 1);
		done.add(4);
	});

	test('5. the admin reports for 1.2 and 2.1; "status unclear" opens a follow-up; one is consolidated, one not', async () => {
		needs(4);
		await move(B, rep(2), 'submitted', { status: 422, names: /narrative|action_status/ });
		write(2, 'completed', 2000000, 750000, '=1+2 translations of seized documents arrived late', { [K.documents.id]: 130, [K.days.id]: 12, [K.officers.id]: 4 });
		await save(B, rep(2), reportBody(2, 'Document fraud experts met twice.'));
		write(3, 'status_unclear', 300000, 100000, 'The third country has not answered.', { [K.ads.id]: 120 }, [
			{ kind: 'bad', title: 'Requests sent without translation', text: 'They went unanswered.' },
		]);
		await save(B, rep(3), reportBody(3, 'No news from the partner.'));
		for (const a of [2, 3]) {
			await move(B, rep(a), 'submitted');
			W[a].status = 'submitted';
		}
		const fu = (await items(B, `${V}/follow-ups`)).filter((f) => f.round_id === R);
		assert.deepEqual(fu.map((f) => f.action_id), [3], `one follow-up, for 2.1: ${JSON.stringify(fu)}`);
		assert.equal(fu[0].status, 'open');
		const fp = `${V}/follow-ups/${fu[0].id}`;
		await move(B, fp, 'resolved', { as: 'driver', version: fu[0].version, status: 422, names: /resolution/ });
		await move(B, fp, 'resolved', { as: 'driver', version: fu[0].version, extra: { resolution: 'The NEC of NL will call the partner.' } });
		await move(B, rep(2), 'consolidated', { as: 'driver' });
		W[2].status = 'consolidated';
		// submitted, validated and missing differ now: 2.1 is submitted but not validated
		const m = await read(B, `${V}/oaps/1/monitoring-report?round_id=${R}`);
		const e = checkMonitoring(m, [1, 2, 3], 'monitoring report with 2.1 submitted');
		assert.deepEqual([e.submitted, e.validated, e.missing], [3, 2, 0]);
		done.add(5);
	});

	test('6. bad input is refused with the right status, naming the problem, and changes nothing', async () => {
		needs(5);
		await save(B, rep(3), { problems: 'Changed while submitted' }, { status: 409 });
		await move(B, rep(3), 'returned', { as: 'driver', extra: { comment: 'Status unclear: ask the partner again.' } });
		W[3].status = 'returned';
		const snap = await read(B, rep(3));
		const snap1 = await read(B, rep(1));
		const bad = [
			[{ kpi_actuals: [{ kpi_id: K.arrests.id, value: 3 }] }, /kpi/, 'a KPI of another action'],
			[{ kpi_actuals: [{ kpi_id: K.ads.id, value: 5, unit: 'arrests' }] }, /unit/, 'a wrong unit'],
			[{ kpi_actuals: [{ kpi_id: K.ads.id, value: -1 }] }, /value|negative/, 'a negative value'],
			[{ resources_used_cents: 100000000000000000 }, /resources_used_cents/, 'resources over 10^14'],
			[{ action_status: 'flying' }, /action_status/, 'an unknown action status'],
			[{ practices: Array.from({ length: 21 }, (_, i) => ({ kind: 'good', title: `P${i}`, text: 'x' })) }, /practices/, '21 practices'],
		];
		for (const [change, names, what] of bad) {
			refused(await patch(B, rep(3), change, snap.version), 422, names, `${what}:`);
			assert.deepEqual(await read(B, rep(3)), snap, `${what} changed the report`);
		}
		assert.deepEqual(await read(B, rep(1)), snap1, 'a refused actual for a KPI of 1.1 changed its report');
		const e = refused(await patch(B, rep(3), { problems: 'No If-Match' }), 428, /If-Match/, 'no If-Match:');
		assert.equal(e.field, 'If-Match');
		assert.deepEqual(await read(B, rep(3)), snap);
		// "value": null removes an actual; it can be put back
		let r = await save(B, rep(3), { kpi_actuals: [{ kpi_id: K.ads.id, value: null }] });
		assert.ok(!r.kpi_actuals.some((k) => k.kpi_id === K.ads.id && k.value !== null), JSON.stringify(r.kpi_actuals));
		r = await save(B, rep(3), { kpi_actuals: [{ kpi_id: K.ads.id, value: 120 }] });
		assert.equal(r.kpi_actuals.find((k) => k.kpi_id === K.ads.id)?.value, 120);
		// a report for an action that does not owe one in this round
		const oap = await create(B, `${V}/oaps`, { priority_id: 1, first_year: 2012, last_year: 2012, title: 'A plan of the 2011-2013 cycle' });
		const far = await create(B, `${V}/oaps/${oap.id}/actions`, { number: '1.1', position: 1, title: 'An action of another cycle' });
		refused(await post(B, `${V}/progress-reports`, { round_id: R, action_id: far.id }), 422, /action/, 'a report for an action of another cycle:');
		const dup = await post(B, `${V}/progress-reports`, { round_id: R, action_id: 1 });
		assert.ok([409, 422].includes(dup.status), `a second report for 1.1: ${dup.status} ${dup.text}`);
		assert.equal((await items(B, `${V}/reporting-rounds/${R}/progress-reports`)).length, 3);
		done.add(6);
	});

	test('7. compile, discuss at the NEC, transmit to COSI, close, reopen with a reason, close again', async () => {
		needs(6);
		const round = `${V}/reporting-rounds/${R}`;
		await move(B, round, 'compiled', { as: 'est' });
		for (const a of [1, 2]) W[a].status = 'compiled';
		const st = Object.fromEntries((await items(B, `${round}/progress-reports`)).map((r) => [r.action_id, r.status]));
		assert.deepEqual(st, { 1: 'compiled', 2: 'compiled', 3: 'returned' });
		await move(B, rep(1), 'discussed_at_nec', { as: 'driver', status: 403 });
		await move(B, rep(1), 'discussed_at_nec', { as: 'est' });
		await move(B, rep(1), 'transmitted_to_cosi', { as: 'est' });
		W[1].status = 'transmitted_to_cosi';
		await move(B, round, 'closed', { as: 'est' });
		// locked: reports, their moves and the round's own fields
		const snap = await read(B, rep(3));
		await save(B, rep(3), { problems: 'After closing' }, { status: 409 });
		await move(B, rep(3), 'submitted', { status: 409 });
		await move(B, rep(2), 'discussed_at_nec', { as: 'est', status: 409 });
		await save(B, round, { nec_meeting: '2018-12-12' }, { as: 'est', status: 409 });
		assert.deepEqual(await read(B, rep(3)), snap);
		assert.equal((await read(B, rep(2))).status, 'compiled');
		// reopening needs a reason, kept in the audit trail
		await move(B, round, 'open', { as: 'est', status: 422, names: /reason/ });
		assert.equal((await read(B, round)).status, 'closed');
		const reason = 'Reopened: the report of action 2.1 arrived after the NEC meeting.';
		await move(B, round, 'open', { as: 'est', extra: { reason } });
		const audit = await read(B, `${V}/audit?object_kind=reporting-rounds&object_id=${R}&limit=50`);
		assert.ok(audit.items.some((x) => (x.detail || '').includes(reason)), `no audit record with the reason: ${JSON.stringify(audit.items).slice(0, 2000)}`);
		await move(B, round, 'compiled', { as: 'est' });
		await move(B, round, 'closed', { as: 'est' });
		const st2 = Object.fromEntries((await items(B, `${round}/progress-reports`)).map((r) => [r.action_id, r.status]));
		assert.deepEqual(st2, { 1: 'transmitted_to_cosi', 2: 'compiled', 3: 'returned' });
		done.add(7);
	});

	test('8. every roll-up matches figures computed from what the test wrote', async () => {
		needs(7);
		// a grant funding 1.1, and two Joint Action Days linked to it
		const g = { scheme: 'empact_grant', reference: 'EMPACT-2018-MON-1', amount_allocated_cents: 3000000, amount_used_cents: 1000000 };
		const grant = await create(B, `${V}/grants`, g, 'est');
		const gp = `${V}/grants/${grant.id}`;
		body(await put(B, `${gp}/links`, gp, { beneficiaries: [A[1].leader.org_id], actions: [1] }), 200, 'grant links:');
		await move(B, gp, 'awarded', { as: 'est' });
		await move(B, gp, 'in_progress', { as: 'est' });
		await save(B, gp, { amount_used_cents: 5000000 }, { as: 'est', status: 422, names: /amount_used_cents/ });
		const jads = [];
		for (const [name, results] of [
			['JAD Mare', [{ metric: 'arrests', value: 12, unit: 'persons' }, { metric: 'seizures', value: 3.5, unit: 'kg' }]],
			['JAD Terra', [{ metric: 'arrests', value: 8, unit: 'persons' }]],
		]) {
			const j = await create(B, `${V}/jads`, { cycle_id: C, name, start_date: '2018-10-01', end_date: '2018-10-03' }, 'est');
			const jp = `${V}/jads/${j.id}`;
			body(await put(B, `${jp}/links`, jp, { participants: [A[1].leader.org_id], actions: [1], priorities: [9] }), 200, 'jad links:');
			await move(B, jp, 'conducted', { as: 'est' });
			const res = async (rs) => put(B, `${jp}/results`, jp, { results: rs });
			refused(await res([{ metric: 'arrests', value: -1, unit: 'persons' }]), 422, /value/, 'a negative JAD result:');
			refused(await res([{ metric: 'Arrests made!', value: 1 }]), 422, /metric/, 'a JAD metric that is not a lower-case word:');
			body(await res(results), 200, 'jad results:');
			await move(B, jp, 'results_reported', { as: 'est' });
			jads.push({ id: j.id, name, results });
		}

		// the OAP monitoring report; also its default round (the latest that is not planned)
		const m = await read(B, `${V}/oaps/1/monitoring-report?round_id=${R}`);
		const e = checkMonitoring(m, [1, 2, 3], 'final monitoring report');
		const head = [m.oap.id, m.oap.status, m.round.id, m.round.label, m.round.status, m.round.closes_on];
		assert.deepEqual(head, [1, 'in_implementation', R, '2018-H2', 'closed', '2018-11-30']);
		assert.equal(m.classification, 'restreint_ue', 'action 1.2 is RESTREINT UE');
		assert.equal(m.marking, 'limite', 'action 2.1 is LIMITE');
		assert.deepEqual([e.owed, e.submitted, e.validated, e.missing, e.overdue], [3, 2, 2, 1, 1]);
		assert.equal((await read(B, `${V}/oaps/1/monitoring-report`)).round.id, R);

		// as CSV: the actions table by default, the kpis and problems tables by name
		const csv = expectStatus(await get(B, `${V}/oaps/1/monitoring-report?round_id=${R}&format=csv`), 200, 'csv:');
		assert.match(csv.headers.get('content-type') || '', /^text\/csv/);
		const lines = (t) => {
			assert.ok(t.endsWith('\r\n') && !t.replace(/\r\n/g, '').includes('\n'), `CSV lines must end with CRLF: ${JSON.stringify(t.slice(0, 300))}`);
			return t.split('\r\n').slice(0, -1);
		};
		const al = lines(csv.text);
		assert.equal(al[0], Object.keys(m.actions[0]).join(','));
		assert.equal(al.length, 1 + m.actions.length);
		const kc = expectStatus(await get(B, `${V}/oaps/1/monitoring-report?round_id=${R}&format=csv&table=kpis`), 200, 'csv kpis:');
		const kl = lines(kc.text);
		assert.equal(kl[0], Object.keys(m.kpis[0]).join(','));
		assert.equal(kl.length, 1 + m.kpis.length);
		const pc = expectStatus(await get(B, `${V}/oaps/1/monitoring-report?round_id=${R}&format=csv&table=problems`), 200, 'csv problems:');
		assert.ok(pc.text.includes("'=1+2 translations"), `a formula-like cell is not prefixed with ': ${pc.text}`);
		expectError(await get(B, `${V}/oaps/1/monitoring-report?round_id=${R}&format=csv&table=nope`), 400);

		// the cross-priority overview
		const ov = shape(await read(B, `${V}/reporting-rounds/${R}/overview`), ['round', 'classification', 'marking', 'oaps', 'totals'], 'overview');
		assert.equal(ov.round.id, R);
		assert.equal(ov.oaps.length, 1, JSON.stringify(ov.oaps));
		const want = {
			priority_id: 9, priority_code: '3', oap_id: 1, owed: e.owed, submitted: e.submitted, validated: e.validated, missing: e.missing, overdue: e.overdue,
			ongoing: e.action_status.ongoing ?? 0, completed: e.action_status.completed ?? 0, not_completed: 0, cancelled: 0, status_unclear: 0,
			kpis: e.summary.count, kpis_with_value: e.summary.with_value, kpis_met: e.summary.met, allocated_cents: e.allocated, used_cents: e.used,
		};
		for (const [f, v] of Object.entries(want)) {
			assert.equal(ov.oaps[0][f], v, `overview ${f}: ${JSON.stringify(ov.oaps[0])}`);
			if (typeof v === 'number' && !f.endsWith('_id')) assert.equal(ov.totals[f], v, `overview totals ${f}: ${JSON.stringify(ov.totals)}`);
		}

		// missing and overdue reports: 2.1, returned
		const miss = shape(await read(B, `${V}/reporting-rounds/${R}/missing-reports`), ['reports', 'by_driver', 'by_nec'], 'missing reports');
		assert.equal(miss.reports.length, 1, JSON.stringify(miss));
		const mr = miss.reports[0];
		const mrow = [mr.report_id, mr.action_id, mr.number, mr.oap_id, mr.priority_code, mr.status, mr.leader_country, mr.overdue];
		assert.deepEqual(mrow, [REP[3], 3, '2.1', 1, '3', 'returned', 'NL', true], JSON.stringify(mr));
		assert.deepEqual(miss.by_driver.map((d) => [d.priority_id, d.priority_code, d.missing, d.overdue]), [[9, '3', 1, 1]], JSON.stringify(miss.by_driver));
		assert.deepEqual(miss.by_nec.filter((n) => n.missing > 0).map((n) => [n.country, n.missing, n.overdue]), [['NL', 1, 1]], JSON.stringify(miss.by_nec));

		// goal achievement: the goal KPI is fed by the networks KPI of 1.1
		const ga = shape(await read(B, `${V}/cycles/${C}/goal-achievement?round_id=${R}`), ['classification', 'marking', 'goals'], 'goal achievement');
		const gr = ga.goals.find((x) => x.kpi_id === K.goal.id);
		assert.ok(gr, JSON.stringify(ga));
		const grow = [gr.kind, gr.goal_id, gr.priority_code, gr.number, gr.kpi, gr.unit, gr.target];
		assert.deepEqual(grow, ['strategic', G, '3', 1, DEMO_KPIS.goal.name, 'networks', 10], JSON.stringify(gr));
		near(gr.value, e.goalValue, 'goal KPI value');
		near(gr.achievement, achievement(K.goal, e.goalValue), 'goal KPI achievement');
		assert.equal(Boolean(gr.met), achievement(K.goal, e.goalValue) >= 1);
		assert.equal(Array.isArray(gr.feeders) ? gr.feeders.length : gr.feeders, 1, JSON.stringify(gr));

		// participation matrix, from the demo links
		const pm = shape(await read(B, `${V}/oaps/1/participation-matrix`), ['actions', 'rows'], 'participation matrix');
		assert.deepEqual(pm.actions.map((x) => [x.id, x.number]), [[1, '1.1'], [2, '1.2'], [3, '2.1']]);
		const wantPm = {
			DE: { '1.1': 'leader' }, FRONTEX: { '1.1': 'co_leader' }, AT: { '1.1': 'confirmed' }, NL: { '1.1': 'invited', '1.2': 'invited', '2.1': 'leader' },
			IT: { '1.1': 'confirmed' }, FR: { '1.2': 'leader' }, ES: { '1.2': 'invited' }, US: { '2.1': 'invited' },
		};
		const orgId = {};
		for (const a of [1, 2, 3]) for (const o of [A[a].leader, ...A[a].co_leaders, ...A[a].participants]) orgId[o.org] = o.org_id;
		for (const [code, cells] of Object.entries(wantPm)) {
			const row = pm.rows.find((x) => x.org_id === orgId[code]);
			assert.ok(row, `no matrix row for ${code}: ${JSON.stringify(pm.rows)}`);
			for (const n of ['1.1', '1.2', '2.1']) assert.equal(row[n] || '', cells[n] || '', `matrix ${code} x ${n}: ${JSON.stringify(row)}`);
		}
		for (const [code, n] of [['AT', 1], ['IT', 1], ['ES', 0], ['US', 0]])
			assert.equal(pm.rows.find((x) => x.org_id === orgId[code]).confirmed, n, `confirmed of ${code}`);
		const known = new Set(Object.values(orgId));
		for (const row of pm.rows)
			if (!known.has(row.org_id)) assert.ok(['1.1', '1.2', '2.1'].every((n) => !row[n]), `a row for an organisation taking no part: ${JSON.stringify(row)}`);

		// funding: budgets, reported resources (validated reports only) and grants
		const fu = shape(await read(B, `${V}/cycles/${C}/funding`), ['classification', 'marking', 'actions', 'grants', 'schemes'], 'funding');
		const fa = (id) => fu.actions.find((x) => x.action_id === id);
		assert.deepEqual(
			[fa(1)?.budget_cents, fa(1)?.reported_allocated_cents, fa(1)?.reported_used_cents, fa(1)?.grants_allocated_cents, fa(1)?.grants_used_cents],
			[8000000, W[1].allocated, W[1].used, 3000000, 1000000],
			JSON.stringify(fa(1)),
		);
		assert.deepEqual([fa(2)?.reported_allocated_cents, fa(2)?.reported_used_cents], [W[2].allocated, W[2].used], JSON.stringify(fa(2)));
		assert.ok([0, null].includes(fa(2).grants_allocated_cents), JSON.stringify(fa(2)));
		const none = (v) => v === null || v === 0;
		assert.ok(!fa(3) || (none(fa(3).reported_allocated_cents) && none(fa(3).reported_used_cents)), `2.1 was never validated: ${JSON.stringify(fa(3))}`);
		const fg = fu.grants.find((x) => x.grant_id === grant.id);
		const grow2 = [fg?.scheme, fg?.reference, fg?.status, fg?.allocated_cents, fg?.used_cents];
		assert.deepEqual(grow2, ['empact_grant', 'EMPACT-2018-MON-1', 'in_progress', 3000000, 1000000], JSON.stringify(fu.grants));
		const schemes = fu.schemes.filter((s) => s.grants > 0).map((s) => [s.scheme, s.grants, s.allocated_cents, s.used_cents]);
		assert.deepEqual(schemes, [['empact_grant', 1, 3000000, 1000000]], JSON.stringify(fu.schemes));

		// JAD results by metric, and their totals
		const jr = shape(await read(B, `${V}/cycles/${C}/jad-results`), ['results', 'totals'], 'JAD results');
		const wantRows = jads.flatMap((j) => j.results.map((r) => [j.id, j.name, 'results_reported', r.metric, r.value, r.unit]));
		const gotRows = jr.results.map((r) => [r.jad_id, r.jad, r.status, r.metric, r.value, r.unit]);
		const key = (x) => JSON.stringify(x);
		assert.deepEqual(gotRows.map(key).sort(), wantRows.map(key).sort(), JSON.stringify(jr.results));
		const totals = {};
		for (const j of jads)
			for (const r of j.results) {
				totals[r.metric] ??= { metric: r.metric, unit: r.unit, value: 0, jads: 0 };
				totals[r.metric].value += r.value;
				totals[r.metric].jads++;
			}
		const tot = (list) => list.map((t) => [t.metric, t.unit, t.value, t.jads]).sort();
		assert.deepEqual(tot(jr.totals), tot(Object.values(totals)), JSON.stringify(jr.totals));

		// the progress sheet of 1.1: its report in the round, its KPIs with their actual
		const ps = shape(await read(B, `${V}/actions/1/progress-sheet`), ['rounds', 'kpis'], 'progress sheet');
		assert.equal(ps.rounds.length, 1, JSON.stringify(ps.rounds));
		const rv = Object.values(ps.rounds[0]);
		for (const v of ['2018-H2', 'transmitted_to_cosi', 'ongoing', W[1].allocated, W[1].used])
			assert.ok(rv.includes(v), `progress sheet round row lacks ${v}: ${JSON.stringify(ps.rounds[0])}`);
		for (const k of [K.arrests, K.networks]) {
			const row = ps.kpis.find((x) => Object.values(x).includes(k.name));
			assert.ok(row && Object.values(row).includes(W[1].actuals[k.id]), `progress sheet KPI ${k.name}: ${JSON.stringify(ps.kpis)}`);
		}
		done.add(8);
	});

	test('9. roll-ups leave out what the caller may not read; the public gets none', async () => {
		needs(7);
		const hidden = [A[2].title, A[3].title, ...KPIS_OF[2].map((k) => k.name), K.ads.name, W[2].problems, W[3].problems, W[3].practices[0].title];
		const clean = (res, what) => {
			for (const h of hidden) assert.ok(!res.text.includes(h), `${what} shows "${h}": ${res.text.slice(0, 1500)}`);
		};
		// the Action Leader of 1.1 (RESTREINT UE clearance, scope: action 1.1)
		const m = await get(B, `${V}/oaps/1/monitoring-report?round_id=${R}`, { as: 'action-leader' });
		checkMonitoring(body(m, 200, 'action-leader monitoring report:'), [1], 'action-leader monitoring report');
		clean(m, 'action-leader monitoring report');
		assert.equal(m.body.marking, 'none', 'the LIMITE action 2.1 leaked into the marking');
		const e = expected([1]);
		const ov = await get(B, `${V}/reporting-rounds/${R}/overview`, { as: 'action-leader' });
		clean(ov, 'action-leader overview');
		const want = { owed: e.owed, submitted: e.submitted, validated: e.validated, missing: e.missing };
		Object.assign(want, { kpis: e.summary.count, kpis_met: e.summary.met, allocated_cents: e.allocated, used_cents: e.used });
		for (const [f, v] of Object.entries(want))
			assert.equal(body(ov, 200, 'overview')?.totals[f], v, `action-leader overview totals ${f}: ${ov.text}`);
		const miss = await get(B, `${V}/reporting-rounds/${R}/missing-reports`, { as: 'action-leader' });
		assert.equal(body(miss, 200, 'missing').reports.length, 0, miss.text);
		assert.equal(miss.body.by_nec.reduce((s, n) => s + n.missing, 0), 0, miss.text);
		const fu = await get(B, `${V}/cycles/${C}/funding`, { as: 'action-leader' });
		assert.deepEqual(body(fu, 200, 'funding').actions.map((x) => x.action_id), [1], fu.text);
		const pm = await get(B, `${V}/oaps/1/participation-matrix`, { as: 'action-leader' });
		assert.deepEqual(body(pm, 200, 'matrix').actions.map((x) => x.id), [1], pm.text);
		assert.ok(pm.body.rows.every((r) => !r['1.2'] && !r['2.1']), pm.text);
		clean(pm, 'action-leader participation matrix');
		expectError(await get(B, `${V}/actions/2/progress-sheet`, { as: 'action-leader' }), 404);
		// a participant of 1.1 (unclassified clearance): OAP 1 is RESTREINT UE, so its report may be a 404;
		// whatever it sees covers 1.1 only
		const pmr = await get(B, `${V}/oaps/1/monitoring-report?round_id=${R}`, { as: 'participant' });
		assert.ok([200, 404].includes(pmr.status), `participant monitoring report: ${pmr.status} ${pmr.text.slice(0, 300)}`);
		clean(pmr, 'participant monitoring report');
		if (pmr.status === 200) {
			assert.deepEqual(pmr.body.actions.map((x) => x.action_id), [1]);
			assert.equal(pmr.body.reports.owed, 1);
		}
		const pov = await get(B, `${V}/reporting-rounds/${R}/overview`, { as: 'participant' });
		clean(pov, 'participant overview');
		assert.ok(body(pov, 200, 'participant overview').totals.owed <= 1, pov.text);
		const pfu = await get(B, `${V}/cycles/${C}/funding`, { as: 'participant' });
		assert.ok(body(pfu, 200, 'participant funding').actions.every((x) => x.action_id === 1), pfu.text);
		// the public: no reporting-rounds.read
		const rr = `/reporting-rounds/${R}`;
		const cc = `/cycles/${C}`;
		const rollups = [`/oaps/1/monitoring-report?round_id=${R}`, `${rr}/overview`, `${rr}/missing-reports`, `${rr}/progress-reports`];
		rollups.push(`${cc}/goal-achievement?round_id=${R}`, '/oaps/1/participation-matrix', `${cc}/funding`, `${cc}/jad-results`, '/actions/1/progress-sheet');
		for (const p of rollups) {
			const pub = await get(B, V + p, { as: 'public' });
			assert.ok([401, 403, 404].includes(pub.status), `public GET ${p}: ${pub.status} ${pub.text.slice(0, 200)}`);
			// a record hidden from an anonymous caller answers 404 exactly like a missing one
			const anon = await get(B, V + p, { anon: true });
			assert.ok([401, 404].includes(anon.status), `anonymous GET ${p}: ${anon.status} ${anon.text.slice(0, 200)}`);
		}
		done.add(9);
	});
});

describe('carrying an action over into the next OAP', () => {
	let srv;
	let B;
	before(async () => {
		srv = await startServer();
		B = srv.base;
	});
	after(async () => {
		await srv.stop();
	});

	test('10. 1.1 continues in the 2019 OAP: same leaders, participants invited again, KPIs without actuals', async () => {
		await implement(B);
		// 1.1 reports an actual in a round first, so that "without actuals" means something
		const R = (await demoRound(B, await cycleId(B))).id;
		await move(B, `${V}/reporting-rounds/${R}`, 'open', { as: 'est' });
		const report = (await items(B, `${V}/actions/1/progress-reports`)).find((r) => r.round_id === R);
		assert.ok(report, 'no report of 1.1 in the opened round');
		const oldKpis = await items(B, `${V}/actions/1/kpis`);
		assert.ok(oldKpis.length >= 2, JSON.stringify(oldKpis));
		const rp = `${V}/progress-reports/${report.id}`;
		await save(B, rp, { narrative: 'Done.', action_status: 'ongoing', kpi_actuals: oldKpis.map((k) => ({ kpi_id: k.id, value: 7 })) }, { as: 'action-leader' });
		await move(B, rp, 'submitted', { as: 'action-leader' });
		await move(B, rp, 'consolidated', { as: 'driver' });
		const old = await read(B, `${V}/actions/1`);
		const next = await create(B, `${V}/oaps`, { priority_id: 9, first_year: 2019, last_year: 2019, title: 'Facilitated illegal immigration 2019' }, 'driver');
		// not into the OAP it is in
		const into = { to: 'continued', oap_id: 1, number: '9.9' };
		const same = await api(B, 'POST', `${V}/actions/1/transitions`, { body: into, headers: im(old.version), as: 'driver' });
		assert.ok([409, 422].includes(same.status), `continued into its own OAP: ${same.status} ${same.text.slice(0, 300)}`);
		assert.equal((await read(B, `${V}/actions/1`)).status, 'ongoing');
		await move(B, `${V}/actions/1`, 'continued', { as: 'driver', extra: { oap_id: next.id, number: '1.1' } });
		const was = await read(B, `${V}/actions/1`);
		assert.equal(was.status, 'continued');
		const successors = (await read(B, `${V}/actions?predecessor_id=1`)).items;
		assert.equal(successors.length, 1, `actions continuing 1: ${JSON.stringify(successors)}`);
		const now = await read(B, `${V}/actions/${successors[0].id}`);
		const copy = [now.oap_id, now.number, now.predecessor_id, now.title, now.description];
		assert.deepEqual(copy, [next.id, '1.1', 1, old.title, old.description], JSON.stringify(now));
		assert.deepEqual((await items(B, `${V}/oaps/${next.id}/actions`)).map((a) => a.id), [now.id]);
		assert.deepEqual(now.leader, old.leader);
		assert.deepEqual(now.co_leaders, old.co_leaders);
		const parts = (list, status) => list.map((p) => [p.org_id, status ?? p.status]).sort((a, b) => a[0] - b[0]);
		assert.deepEqual(parts(now.participants), parts(old.participants, 'invited'), 'participants are invited again');
		assert.deepEqual(now.goals.map((g) => g.goal_id ?? g.id), old.goals.map((g) => g.goal_id ?? g.id));
		const newKpis = await items(B, `${V}/actions/${now.id}/kpis`);
		const shape = (ks) => ks.map((k) => [k.name, k.unit, k.baseline, k.target, k.direction]).sort();
		assert.deepEqual(shape(newKpis), shape(oldKpis));
		for (const k of newKpis) {
			assert.ok(!oldKpis.some((o) => o.id === k.id), 'the KPIs are copies');
			const act = await read(B, `${V}/kpis/${k.id}/actuals`);
			assert.equal((Array.isArray(act) ? act : act.items).length, 0, `copied KPI ${k.name} has actuals: ${JSON.stringify(act)}`);
		}
		const kept = await read(B, `${V}/kpis/${oldKpis[0].id}/actuals`);
		assert.equal((Array.isArray(kept) ? kept : kept.items).find((x) => x.round_id === R)?.value, 7, 'the old KPI keeps its actual');
	});
});

describe('the Support Team chases the missing reports of a round', () => {
	let srv;
	let B;
	let R; // the round 2018-H2
	let round; // its path
	const REP = {}; // action id -> report id
	const rep = (a) => `${V}/progress-reports/${REP[a]}`;
	const MESSAGE = 'Please send the report of your action by Friday: the NEC meets on Monday. <b>Thanks</b> & regards';
	const chase = (b, as = 'est', r = R) => post(B, `${V}/reporting-rounds/${r}/chase`, b, { as });
	/* What a chase must not have changed: the round, its reports and every reminder of them. */
	const snapshot = async () => ({
		round: await read(B, round),
		reports: await items(B, `${round}/progress-reports`),
		reminders: await Promise.all(Object.values(REP).map(async (id) => (await read(B, `${V}/progress-reports/${id}`)).reminders)),
		missing: (await read(B, `${round}/missing-reports`)).reports,
	});
	/* The audit records of chases of the round with this outcome, newest first. */
	const auditOf = async (outcome = 'ok') =>
		(await read(B, `${V}/audit?object_kind=reporting-rounds&object_id=${R}&limit=200`)).items.filter((x) => x.action === 'reporting-rounds.chase' && x.outcome === outcome);
	const done = new Set();
	const needs = (n) => assert.ok(done.has(n), `part ${n} did not complete, and this part builds on it`);

	before(async () => {
		srv = await startServer();
		B = srv.base;
	});
	after(async () => {
		await srv.stop();
	});

	test('11. a planned round is not chased (422, nothing changes); an unknown round is 404; Drivers and Action Leaders may not chase', async () => {
		R = (await demoRound(B, await cycleId(B))).id;
		round = `${V}/reporting-rounds/${R}`;
		const before = await read(B, round);
		assert.equal(before.status, 'planned');
		const e = refused(await chase({ message: MESSAGE }), 422, /planned/, 'chasing a planned round:');
		assert.match(e.message, /open/, e.message);
		assert.deepEqual(await read(B, round), before, 'the refused chase changed the round');
		assert.deepEqual(await items(B, `${round}/progress-reports`), [], 'the refused chase asked for reports');
		refused(await chase({}, 'est', 987654321), 404, /987654321/, 'an unknown round:');
		assert.deepEqual(await auditOf(), [], 'a refused chase is audited as done');
		assert.match((await auditOf('failed'))[0]?.detail ?? '', /is planned/, 'the refused chase is not in the audit trail');
		// OAP 1 in implementation with 1.1 and 1.2 planned; 2.1 stays proposed, so that the round
		// opens without it.
		await move(B, `${V}/oaps/1`, 'adopted', { as: 'cosi' });
		await move(B, `${V}/oaps/1`, 'in_implementation', { as: 'driver' });
		for (const a of [1, 2]) await move(B, `${V}/actions/${a}`, 'planned', { as: 'driver' });
		await move(B, round, 'open', { as: 'est' });
		for (const r of await items(B, `${round}/progress-reports`)) REP[r.action_id] = r.id;
		assert.deepEqual(Object.keys(REP).map(Number).sort(), [1, 2]);
		const snap = await snapshot();
		for (const who of ['driver', 'co-driver', 'action-leader', 'nec-nl', 'cosi']) {
			const res = await chase({ message: MESSAGE }, who);
			refused(res, 403, /reporting-rounds\.chase/, `${who} chasing:`);
		}
		refused(await api(B, 'POST', `${round}/chase`, { body: {}, anon: true }), 404, null, 'the public chasing:');
		assert.deepEqual(await snapshot(), snap, 'a refused chase changed something');
		done.add(11);
	});

	test('12. bad messages are refused with 422 naming the field, and change nothing', async () => {
		needs(11);
		const snap = await snapshot();
		const bad = [
			[{ message: 'x'.repeat(2001) }, /message/, 'a message of 2001 characters'],
			[{ message: 'é'.repeat(2001) }, /message/, 'a message of 2001 two-byte characters'],
			[{ message: 42 }, /message/, 'a message that is a number'],
			[{ message: MESSAGE, to: 'everyone' }, /to|unknown/, 'an unknown field'],
		];
		for (const [b, names, what] of bad) {
			const e = refused(await chase(b), 422, names, `${what}:`);
			if (what.startsWith('a message')) assert.match(`${e.field}`, /message/, `${what}: the field is not named: ${JSON.stringify(e)}`);
		}
		refused(await api(B, 'POST', `${round}/chase`, {}), 400, /body/, 'no body:');
		assert.deepEqual(await snapshot(), snap, 'a refused chase changed something');
		done.add(12);
	});

	test('13. chasing an open round asks for the report it lacks and reminds every report not yet submitted, in one audited step', async () => {
		needs(12);
		// 1.1: a draft of its Action Leader; 1.2: submitted (not missing); 2.1: planned after the
		// round opened, so the round lacks its report.
		const r1 = await save(B, rep(1), { narrative: 'Started.' }, { as: 'action-leader' });
		assert.equal(r1.status, 'draft');
		await save(B, rep(2), { narrative: 'Done.', action_status: 'ongoing' });
		await move(B, rep(2), 'submitted');
		await move(B, `${V}/actions/3`, 'planned', { as: 'driver' });
		const v1 = (await read(B, rep(1))).version;
		const res = await chase({ message: MESSAGE });
		const c = body(res, 200, 'est chases:');
		shape(c, ['round', 'sent_at', 'sent_by', 'message', 'reminded', 'created', 'reports', 'by_leader', 'classification', 'marking'], 'the chase');
		assert.equal(c.round.id, R);
		assert.equal(c.sent_by, 'est');
		assert.equal(c.message, MESSAGE);
		assert.match(c.sent_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		const reports = await items(B, `${round}/progress-reports`);
		const r3 = reports.find((r) => r.action_id === 3);
		assert.ok(r3, `the chase asked no report of 2.1: ${JSON.stringify(reports)}`);
		REP[3] = r3.id;
		assert.equal(r3.status, 'requested');
		assert.equal(reports.length, 3);
		assert.equal(c.created, 1, JSON.stringify(c));
		assert.equal(c.reminded, 2, JSON.stringify(c));
		assert.deepEqual(c.reports.map((r) => [r.action_id, r.report_id, r.number, r.status, r.leader, r.created, r.chase_count]), [
			[1, REP[1], '1.1', 'draft', 'DE', false, 1],
			[3, REP[3], '2.1', 'requested', 'NL', true, 1],
		]);
		assert.ok(c.reports.every((r) => r.last_chased_at === c.sent_at), JSON.stringify(c.reports));
		assert.deepEqual(c.by_leader.map((l) => [l.leader, l.reports, l.created]).sort(), [['DE', 1, 0], ['NL', 1, 1]]);
		// The reminder is on the report, for its Action Leader to read; the report itself is unchanged.
		const mine = await read(B, rep(1), 'action-leader');
		assert.deepEqual(mine.reminders, [{ sent_at: c.sent_at, sent_by: 'est', message: MESSAGE }]);
		assert.equal(mine.chase_count, 1);
		assert.equal(mine.last_chased_at, c.sent_at);
		assert.equal(mine.version, v1, 'a reminder moved the version of the report');
		assert.equal(mine.status, 'draft');
		const submitted = await read(B, rep(2));
		assert.deepEqual([submitted.reminders, submitted.chase_count, submitted.last_chased_at], [[], 0, null], 'a submitted report was chased');
		assert.equal((await read(B, rep(3))).chase_count, 1);
		// The round's missing reports say who was chased, when and how often.
		const miss = await read(B, `${round}/missing-reports`);
		assert.deepEqual(miss.reports.map((r) => [r.report_id, r.chase_count, r.last_chased_at, r.last_chase_message]), [
			[REP[1], 1, c.sent_at, MESSAGE],
			[REP[3], 1, c.sent_at, MESSAGE],
		]);
		// One audit record of the change, saying how many were chased.
		const recs = await auditOf();
		assert.equal(recs.length, 1, JSON.stringify(recs));
		assert.equal(recs[0].outcome, 'ok');
		assert.equal(recs[0].actor, 'est');
		assert.match(recs[0].detail, /2 missing reports reminded, 1 asked for/, recs[0].detail);
		// The Action Leader writes on: its save is not refused because of the reminder.
		assert.equal((await save(B, rep(1), { narrative: 'Started; more next week.' }, { as: 'action-leader' })).status, 'draft');
		done.add(13);
	});

	test('14. a second chase without a message; a returned report is chased again; a long message in many-byte characters is fine', async () => {
		needs(13);
		await move(B, rep(2), 'returned', { as: 'driver', extra: { comment: 'Give the figures.' } });
		const c = body(await chase({}), 200, 'the second chase:');
		assert.equal(c.message, null);
		assert.equal(c.created, 0);
		assert.equal(c.reminded, 3);
		assert.deepEqual(c.reports.map((r) => [r.action_id, r.status, r.chase_count]), [[1, 'draft', 2], [2, 'returned', 1], [3, 'requested', 2]]);
		const r1 = await read(B, rep(1), 'action-leader');
		assert.equal(r1.chase_count, 2);
		assert.deepEqual(r1.reminders.map((x) => x.message), [null, MESSAGE], 'reminders are listed newest first');
		assert.equal(r1.last_chased_at, c.sent_at);
		const long = 'é'.repeat(2000);
		assert.equal(body(await chase({ message: long }, 'admin'), 200, 'a message of 2000 two-byte characters:').message, long);
		const miss = await read(B, `${round}/missing-reports`);
		assert.ok(miss.reports.every((r) => r.chase_count === (r.report_id === REP[2] ? 2 : 3) && r.last_chase_message === long), JSON.stringify(miss.reports));
		assert.equal((await auditOf()).length, 3);
		done.add(14);
	});

	test('15. a compiled or closed round is not chased: 422, and nothing changes', async () => {
		needs(14);
		for (const a of [1, 3]) {
			await save(B, rep(a), { narrative: 'Done.', action_status: 'ongoing' });
			await move(B, rep(a), 'submitted');
		}
		await save(B, rep(2), { narrative: 'Done, with figures.', action_status: 'ongoing' });
		await move(B, rep(2), 'submitted');
		for (const a of [1, 2, 3]) await move(B, rep(a), 'consolidated', { as: 'driver' });
		await move(B, round, 'compiled', { as: 'est' });
		let snap = await snapshot();
		refused(await chase({ message: MESSAGE }), 422, /compiled/, 'chasing a compiled round:');
		assert.deepEqual(await snapshot(), snap);
		await move(B, round, 'closed', { as: 'est' });
		snap = await snapshot();
		refused(await chase({ message: MESSAGE }), 422, /closed/, 'chasing a closed round:');
		assert.deepEqual(await snapshot(), snap);
		assert.equal((await auditOf()).length, 3);
	});
});
