// The audit trail as the router writes it: every state-changing route leaves a record of the
// request (found by its X-Request-Id) with the right outcome; successful changes name their
// object; denials and reads of classified content are recorded; GET /api/v1/audit filters;
// and `empact audit verify` passes on the server's database afterwards and fails, naming the
// record, once a record is changed behind empact's back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { startServer, api, get, post, patch, expectStatus, BIN } from './lib.mjs';

let srv;
let B;

before(async () => {
	srv = await startServer();
	B = srv.base;
});
after(async () => {
	await srv.stop();
});

/* The audit record of a response, found by its request id among the newest records. Records
 * of reads are written in batches within a few tens of milliseconds: wait up to 2 s. */
async function recordOf(res) {
	const rid = res.headers.get('x-request-id');
	assert.ok(rid, 'no X-Request-Id');
	for (let i = 0; i < 40; i++) {
		const page = expectStatus(await get(B, '/api/v1/audit?limit=50'), 200).body;
		const rec = page.items.find((r) => r.request_id === rid);
		if (rec) return rec;
		await new Promise((r) => setTimeout(r, 50));
	}
	return undefined;
}

test('every state-changing route leaves a record with the right outcome', async () => {
	const doc = expectStatus(await get(B, '/api/v1/openapi.json'), 200).body;
	const ids = { organisations: 1, cycles: 1, priorities: 1, goals: 1, 'shared-goals': 1, oaps: 1, sections: 1, actions: 1, documents: 1, users: 1, tokens: 999999 };
	// Records of the rest of the collections, made by the administrator.
	const kpi = expectStatus(await post(B, '/api/v1/kpis', { action_id: 1, position: 1, name: 'Arrests', target: 10, direction: 'increase' }), 201).body;
	ids.kpis = kpi.id;
	const round = expectStatus(await post(B, '/api/v1/reporting-rounds', { cycle_id: 2, label: '2018-H1', opens_on: '2018-06-01', closes_on: '2018-06-30' }), 201).body;
	ids['reporting-rounds'] = round.id;
	ids.jads = expectStatus(await post(B, '/api/v1/jads', { cycle_id: 2, name: 'JAD Mare', start_date: '2018-05-01', end_date: '2018-05-03' }), 201).body.id;
	ids.grants = expectStatus(await post(B, '/api/v1/grants', { scheme: 'empact_grant', reference: 'EMPACT-2018-1', amount_allocated_cents: 100000 }), 201).body.id;
	ids['good-practices'] = expectStatus(await post(B, '/api/v1/good-practices', { action_id: 1, kind: 'good', title: 'Liaison', text: 'Early liaison helped.' }), 201).body.id;
	ids.overlaps = expectStatus(await post(B, '/api/v1/overlaps', { action_a_id: 1, action_b_id: 2, description: 'Same route' }), 201).body.id;
	// A progress report and a follow-up item: the round opens on an adopted OAP with a planned
	// action, and a report leaving its status unclear is submitted.
	const move = async (path, body) => {
		const cur = expectStatus(await get(B, path), 200).body;
		return expectStatus(await api(B, 'POST', `${path}/transitions`, { body, headers: { 'If-Match': `"${cur.version}"` } }), 200).body;
	};
	// (A plan of its own for 2019, so that the demo OAP stays as the later tests expect it.)
	const plan = expectStatus(await post(B, '/api/v1/oaps', { priority_id: 9, first_year: 2019, last_year: 2019, title: 'Audit plan' }), 201).body;
	const act = expectStatus(await post(B, `/api/v1/oaps/${plan.id}/actions`, { number: '1.1', position: 1, title: 'Audited action' }), 201).body;
	for (const to of ['agreed_at_nec', 'submitted_to_cosi', 'adopted', 'in_implementation']) await move(`/api/v1/oaps/${plan.id}`, { to });
	await move(`/api/v1/actions/${act.id}`, { to: 'planned' });
	const round19 = expectStatus(await post(B, '/api/v1/reporting-rounds', { cycle_id: 2, label: '2019-H1', opens_on: '2019-06-01', closes_on: '2019-06-30' }), 201).body;
	await move(`/api/v1/reporting-rounds/${round19.id}`, { to: 'open' });
	const report = expectStatus(await get(B, `/api/v1/reporting-rounds/${round19.id}/progress-reports`), 200).body.items[0];
	ids['progress-reports'] = report.id;
	expectStatus(await patch(B, `/api/v1/progress-reports/${report.id}`, { narrative: 'Under way.', action_status: 'status_unclear' }, report.version), 200);
	await move(`/api/v1/progress-reports/${report.id}`, { to: 'submitted' });
	ids['follow-ups'] = expectStatus(await get(B, '/api/v1/follow-ups'), 200).body.items[0].id;
	// The administrator's own administrator role: withdrawing it is refused (the last one) and recorded.
	ids.roles = expectStatus(await get(B, '/api/v1/users/1'), 200).body.roles.find((r) => r.role === 'admin').id;
	let n = 0;
	for (const [p, item] of Object.entries(doc.paths)) {
		const concrete = p.replace(/\/([a-z-]+)\/\{id\}/g, (_, coll) => `/${coll}/${ids[coll]}`).replace('{org_id}', '1').replace('{goal_id}', '1').replace('{action_id}', '2')
			.replace('{round_id}', String(round.id));
		for (const method of Object.keys(item)) {
			if (method === 'get' || p === '/api/v1/auth/logout') continue;
			// No body and no If-Match: refused, nothing changes, and the refusal is recorded.
			const res = await api(B, method.toUpperCase(), concrete);
			assert.ok(res.status < 500, `${method} ${concrete} -> ${res.status}`);
			const rec = await recordOf(res);
			assert.ok(rec, `${method.toUpperCase()} ${concrete} (${res.status}) left no audit record`);
			const want = res.status < 300 ? 'ok' : [401, 403].includes(res.status) ? 'denied' : 'failed';
			assert.equal(rec.outcome, want, `${method.toUpperCase()} ${concrete} (${res.status}): ${JSON.stringify(rec)}`);
			assert.equal(rec.actor, p === '/api/v1/auth/login' ? rec.actor : 'admin');
			n++;
		}
	}
	assert.ok(n >= 50, `only ${n} state-changing routes`);
});

test('a change is recorded with its object, actor, organisation and the chain', async () => {
	const res = expectStatus(await patch(B, '/api/v1/actions/1', { what: 'Joint patrols' }, (await get(B, '/api/v1/actions/1')).body.version), 200);
	const rec = await recordOf(res);
	assert.equal(rec.outcome, 'ok');
	assert.equal(rec.action, 'actions.write');
	assert.equal(rec.object_kind, 'actions');
	assert.equal(rec.object_id, 1);
	assert.equal(rec.actor, 'admin');
	assert.equal(rec.org_code, 'COUNCIL_GSC');
	assert.match(rec.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	assert.match(rec.hash, /^[0-9a-f]{64}$/);
	const prev = expectStatus(await get(B, `/api/v1/audit?limit=1&before=${rec.id}`), 200).body.items[0];
	assert.equal(rec.prev_hash, prev.hash);
	// A create names the new record.
	const made = expectStatus(await post(B, '/api/v1/oaps/1/sections', { number: '9', position: 90, heading: 'Annex note', text: 'A note.' }), 201);
	const rec2 = await recordOf(made);
	assert.equal(rec2.object_id, made.body.id);
});

test('denials and reads of classified or LIMITE content are recorded', async () => {
	// A driver reaching for another priority's action by id: 404, recorded as denied.
	const other = expectStatus(await post(B, '/api/v1/oaps', { priority_id: 1, first_year: 2012, last_year: 2012, title: 'Other plan' }), 201).body;
	const hidden = expectStatus(await post(B, `/api/v1/oaps/${other.id}/actions`, { number: '1.1', position: 1, title: 'Hidden' }), 201).body;
	const r = await get(B, `/api/v1/actions/${hidden.id}`, { as: 'driver' });
	assert.equal(r.status, 404);
	const rec = await recordOf(r);
	assert.equal(rec.outcome, 'denied');
	assert.equal(rec.actor, 'driver');
	// A write by the wrong role: 403, recorded.
	const w = await post(B, '/api/v1/documents', { number: '1/26', date: '2026-01-01', subject: 'x' }, { as: 'driver' });
	assert.equal(w.status, 403);
	assert.equal((await recordOf(w)).outcome, 'denied');
	// Reading a RESTREINT UE action is recorded; reading an unclassified one is not.
	const c = expectStatus(await get(B, '/api/v1/actions/2', { as: 'driver' }), 200);
	const rc = await recordOf(c);
	assert.equal(rc.action, 'read');
	assert.equal(rc.object_id, 2);
	assert.match(rc.detail, /1 classified or LIMITE record/);
	// Read again (now from the cache): recorded again.
	const c2 = expectStatus(await get(B, '/api/v1/actions/2', { as: 'driver' }), 200);
	assert.equal(c2.text, c.text);
	assert.equal((await recordOf(c2)).action, 'read');
	const u = expectStatus(await get(B, '/api/v1/organisations/1', { as: 'driver' }), 200);
	assert.equal(await recordOf(u), undefined);
	// A list holding LIMITE records is recorded with their ids.
	const l = expectStatus(await get(B, '/api/v1/oaps/1/actions', { as: 'nec-nl' }), 200);
	assert.match((await recordOf(l)).detail, /\b3\b/);
});

test('the Drivers and agencies of a priority (from LIMITE 15850/11) are not shown to the public', async () => {
	const pub = expectStatus(await get(B, '/api/v1/priorities/1', { anon: true }), 200).body;
	assert.equal(pub.code, 'A');
	for (const k of ['driver', 'co_drivers', 'supporting_agencies']) assert.ok(!(k in pub), `${k} shown to the public`);
	const list = expectStatus(await get(B, '/api/v1/cycles/1/priorities', { anon: true }), 200).body.items;
	assert.ok(list.length === 8 && list.every((p) => !('driver' in p)));
	const member = expectStatus(await get(B, '/api/v1/priorities/1', { as: 'observer' }), 200).body;
	assert.ok(member.driver && Array.isArray(member.supporting_agencies));
});

test('GET /api/v1/audit filters by object, actor, outcome and time, and only for those allowed', async () => {
	const byObject = expectStatus(await get(B, '/api/v1/audit?object_kind=actions&object_id=1'), 200).body.items;
	assert.ok(byObject.length > 0 && byObject.every((r) => r.object_kind === 'actions' && r.object_id === 1));
	const byActor = expectStatus(await get(B, '/api/v1/audit?actor=driver&outcome=denied'), 200).body.items;
	assert.ok(byActor.length >= 2 && byActor.every((r) => r.actor === 'driver' && r.outcome === 'denied'));
	assert.equal(expectStatus(await get(B, '/api/v1/audit?since=2099-01-01'), 200).body.items.length, 0);
	assert.ok(expectStatus(await get(B, '/api/v1/audit?until=2099-01-01&limit=2'), 200).body.items.length === 2);
	assert.equal((await get(B, '/api/v1/audit', { as: 'driver' })).status, 403);
	assert.equal((await get(B, '/api/v1/audit', { anon: true })).status, 401);
	assert.equal((await get(B, '/api/v1/audit?outcome=maybe')).status, 400);
});

test('audit verify passes on the server database, and names a changed record', async () => {
	await srv.stop();
	const ok = spawnSync(BIN, ['--db', srv.db, 'audit', 'verify'], { encoding: 'utf8' });
	assert.equal(ok.status, 0, ok.stderr + ok.stdout);
	assert.match(ok.stdout, /intact/);
	const victim = Number(execFileSync('sqlite3', [srv.db, 'SELECT id FROM audit ORDER BY id LIMIT 1 OFFSET 5']).toString().trim());
	execFileSync('sqlite3', [srv.db, `DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'someone else' WHERE id = ${victim};`]);
	const bad = spawnSync(BIN, ['--db', srv.db, 'audit', 'verify'], { encoding: 'utf8' });
	assert.equal(bad.status, 1);
	assert.match(bad.stderr + bad.stdout, new RegExp(`\\b${victim}\\b`));
	srv = { stop: async () => {} };
});
