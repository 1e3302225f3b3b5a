// End-to-end tests of account administration over the API, against the real binary on
// loopback: an administrator creates an account, changes it, grants and withdraws scoped
// roles, sets a new password and resets a lost second factor; the new holder signs in with
// what the administrator set. Each refusal (a wrong field, a taken name, a clearance above the
// installation's, a stale version, a scope that names nothing, the last administrator, a caller
// who is not an administrator) changes nothing, and every change is in the audit trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, api, get, post, patch, del, expectStatus, expectError, totp } from './lib.mjs';

let srv;
let B;
const PASSWORD = 'Copper-Meadow-Lantern-4182';

function sql(query) {
	return execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, query], { encoding: 'utf8' }).trim();
}

function login(username, password, code) {
	const body = { username, password };
	if (code !== undefined) body.totp = code;
	return api(B, 'POST', '/api/v1/auth/login', { anon: true, body });
}

async function orgId(code) {
	const r = expectStatus(await get(B, `/api/v1/organisations?limit=200`), 200);
	const o = r.body.items.find((x) => x.code === code);
	assert.ok(o, `no organisation ${code}`);
	return o.id;
}

async function account(id) {
	return expectStatus(await get(B, `/api/v1/users/${id}`), 200).body;
}

async function auditOf(id) {
	const r = expectStatus(await get(B, `/api/v1/audit?object_kind=users&object_id=${id}&limit=100`), 200);
	return r.body.items;
}

const count = () => Number(sql('SELECT count(*) FROM users'));

before(async () => {
	srv = await startServer();
	B = srv.base;
});

after(async () => {
	if (srv) await srv.stop();
});

test('an administrator creates an account; its holder signs in with the password set', async () => {
	const nl = await orgId('NL');
	const r = expectStatus(
		await post(B, '/api/v1/users', { username: 'j.devries', password: PASSWORD, org_id: nl, display_name: 'Jan de Vries', email: 'j.devries@politie.example' }),
		201,
	);
	assert.match(r.headers.get('location'), /^\/api\/v1\/users\/\d+$/);
	assert.equal(r.body.username, 'j.devries');
	assert.equal(r.body.org_code, 'NL');
	assert.equal(r.body.clearance, 'unclassified');
	assert.deepEqual(r.body.roles, []);
	assert.equal(r.body.totp, false);
	const signed = await login('j.devries', PASSWORD);
	expectStatus(signed, 200, 'sign-in with the password the administrator set');
	const audit = await auditOf(r.body.id);
	assert.ok(audit.some((a) => a.action === 'users.write' && a.outcome === 'ok' && /account j\.devries created/.test(a.detail)), JSON.stringify(audit));
	assert.ok(!JSON.stringify(audit).includes(PASSWORD), 'the password is never in the audit trail');
	assert.ok(!sql(`SELECT password_hash FROM users WHERE username = 'j.devries'`).includes(PASSWORD));
});

test('a new account with wrong fields is refused field by field and nothing is created', async () => {
	const before = count();
	const r = await post(B, '/api/v1/users', { username: 'Bad Name', password: 'short', org_id: 999999, clearance: 'top', email: 'nope', colour: 'red' });
	const e = expectError(r, 422);
	const fields = e.problems.map((p) => p.field).sort();
	assert.deepEqual(fields, ['clearance', 'colour', 'email', 'org_id', 'password', 'username']);
	assert.match(e.problems.find((p) => p.field === 'username').message, /is not a user name/);
	assert.match(e.problems.find((p) => p.field === 'org_id').message, /no organisation 999999/);
	expectError(await post(B, '/api/v1/users', { password: PASSWORD, org_id: await orgId('NL') }), 422);
	expectError(await api(B, 'POST', '/api/v1/users', { raw: 'not json', headers: { 'Content-Type': 'application/json' } }), 400);
	assert.equal(count(), before);
});

test('a taken user name and a clearance above the installation are refused', async () => {
	const nl = await orgId('NL');
	const before = count();
	const taken = expectError(await post(B, '/api/v1/users', { username: 'driver', password: PASSWORD, org_id: nl }), 422);
	assert.match(taken.problems.find((p) => p.field === 'username').message, /already an account 'driver'/);
	const high = expectError(await post(B, '/api/v1/users', { username: 'k.high', password: PASSWORD, org_id: nl, clearance: 'secret_ue' }), 422);
	assert.match(high.problems[0].message, /above restreint_ue/);
	assert.equal(count(), before);
});

test('changing an account takes its version; a stale change is refused and changes nothing', async () => {
	const nl = await orgId('NL');
	const de = await orgId('DE');
	const made = expectStatus(await post(B, '/api/v1/users', { username: 'p.weber', password: PASSWORD, org_id: nl }), 201).body;
	expectStatus(await patch(B, `/api/v1/users/${made.id}`, { display_name: 'Petra Weber' }), 428, 'no If-Match');
	const changed = expectStatus(await patch(B, `/api/v1/users/${made.id}`, { display_name: 'Petra Weber', org_id: de, clearance: 'restreint_ue' }, made.version), 200);
	assert.equal(changed.body.display_name, 'Petra Weber');
	assert.equal(changed.body.org_code, 'DE');
	assert.equal(changed.body.clearance, 'restreint_ue');
	assert.ok(changed.body.version > made.version);
	expectError(await patch(B, `/api/v1/users/${made.id}`, { display_name: 'Lost update' }, made.version), 412);
	assert.equal((await account(made.id)).display_name, 'Petra Weber');
	const bad = expectError(await patch(B, `/api/v1/users/${made.id}`, { disabled: 'yes', username: 'x' }, changed.body.version), 422);
	assert.deepEqual(bad.problems.map((p) => p.field).sort(), ['disabled', 'username']);
	expectError(await patch(B, '/api/v1/users/999999', { display_name: 'x' }, 1), 404);
	const audit = await auditOf(made.id);
	assert.ok(audit.some((a) => /clearance unclassified -> restreint_ue; organisation NL -> DE/.test(a.detail)), JSON.stringify(audit.map((a) => a.detail)));
});

test('disabling an account ends its sessions and its API tokens; the administrator cannot disable themselves', async () => {
	const nl = await orgId('NL');
	const made = expectStatus(await post(B, '/api/v1/users', { username: 'q.disable', password: PASSWORD, org_id: nl }), 201).body;
	const s = expectStatus(await login('q.disable', PASSWORD), 200);
	const cookie = s.headers.getSetCookie()[0].split(';')[0];
	expectStatus(await api(B, 'GET', '/api/v1/auth/session', { headers: { Cookie: cookie } }), 200);
	const off = expectStatus(await patch(B, `/api/v1/users/${made.id}`, { disabled: true }, made.version), 200);
	assert.equal(off.body.disabled, true);
	expectStatus(await api(B, 'GET', '/api/v1/auth/session', { headers: { Cookie: cookie } }), 401, 'the session ended');
	expectStatus(await login('q.disable', PASSWORD), 401, 'a disabled account cannot sign in');
	const adminId = Number(sql(`SELECT id FROM users WHERE username = 'admin'`));
	const me = await account(adminId);
	const self = expectError(await patch(B, `/api/v1/users/${adminId}`, { disabled: true }, me.version), 422);
	assert.match(self.problems[0].message, /your own account/);
	assert.equal((await account(adminId)).disabled, false);
	const on = expectStatus(await patch(B, `/api/v1/users/${made.id}`, { disabled: false }, off.body.version), 200);
	assert.equal(on.body.disabled, false);
	expectStatus(await login('q.disable', PASSWORD), 200);
});

test('roles are granted with their scope and withdrawn by id; a scope that names nothing is refused', async () => {
	const nl = await orgId('NL');
	const made = expectStatus(await post(B, '/api/v1/users', { username: 'r.roles', password: PASSWORD, org_id: nl, clearance: 'restreint_ue' }), 201).body;
	const g = expectStatus(await post(B, `/api/v1/users/${made.id}/roles`, { role: 'nec', scope: 'country:NL' }), 201);
	assert.match(g.headers.get('location'), new RegExp(`^/api/v1/users/${made.id}/roles/\\d+$`));
	const nec = g.body.roles.find((x) => x.role === 'nec');
	assert.equal(nec.scope_kind, 'country');
	assert.equal(nec.scope_country, 'NL');
	expectStatus(await post(B, `/api/v1/users/${made.id}/roles`, { role: 'action_leader', scope: 'action:1' }), 201);
	expectError(await post(B, `/api/v1/users/${made.id}/roles`, { role: 'nec', scope: 'country:NL' }), 409, 'the same role twice');
	const cases = [
		[{ role: 'wizard' }, 'role', /unknown role 'wizard'/],
		[{ role: 'nec' }, 'scope', /nec needs a scope: country:CC/],
		[{ role: 'admin', scope: 'country:NL' }, 'scope', /global role and takes no scope/],
		[{ role: 'driver', scope: 'action:1' }, 'scope', /driver takes the scope priority:ID or oap:ID/],
		[{ role: 'nec', scope: 'country:XX' }, 'scope', /no Member State organisation has the country 'XX'/],
		[{ role: 'participant', scope: 'action:999999' }, 'scope', /no operational action 999999/],
		[{ role: 'driver', scope: 'priority:abc' }, 'scope', /is not the id of a priority/],
		[{ role: 'observer', extra: 1 }, 'extra', /unknown field/],
	];
	for (const [body, field, msg] of cases) {
		const e = expectError(await post(B, `/api/v1/users/${made.id}/roles`, body), 422, JSON.stringify(body));
		const p = e.problems.find((x) => x.field === field);
		assert.ok(p, `${JSON.stringify(body)}: no problem on ${field}: ${JSON.stringify(e)}`);
		assert.match(p.message, msg);
	}
	assert.equal((await account(made.id)).roles.length, 2);
	// The new NEC sees the NEC's work: a role takes effect at once.
	expectStatus(await del(B, `/api/v1/users/${made.id}/roles/${nec.id}`), 204);
	const after = await account(made.id);
	assert.deepEqual(after.roles.map((x) => x.role), ['action_leader']);
	expectError(await del(B, `/api/v1/users/${made.id}/roles/${nec.id}`), 404, 'withdrawn already');
	expectError(await post(B, '/api/v1/users/999999/roles', { role: 'observer' }), 404);
	const audit = (await auditOf(made.id)).map((a) => a.detail).join('\n');
	assert.match(audit, /role nec \(country:NL\) granted to r\.roles/);
	assert.match(audit, /role nec \(country:NL\) withdrawn from r\.roles/);
});

test('the last enabled administrator keeps the role', async () => {
	const adminId = Number(sql(`SELECT id FROM users WHERE username = 'admin'`));
	const me = await account(adminId);
	const role = me.roles.find((x) => x.role === 'admin');
	const e = expectError(await del(B, `/api/v1/users/${adminId}/roles/${role.id}`), 409);
	assert.match(e.message, /no enabled administrator/);
	assert.ok((await account(adminId)).roles.some((x) => x.role === 'admin'), 'nothing changed');
	// With a second administrator, the first may step down.
	const nl = await orgId('NL');
	const other = expectStatus(await post(B, '/api/v1/users', { username: 's.admin2', password: PASSWORD, org_id: nl }), 201).body;
	const g = expectStatus(await post(B, `/api/v1/users/${other.id}/roles`, { role: 'admin' }), 201).body;
	const r2 = g.roles.find((x) => x.role === 'admin');
	expectStatus(await del(B, `/api/v1/users/${other.id}/roles/${r2.id}`), 204);
});

test('an administrator sets a new password and resets a lost second factor', async () => {
	const nl = await orgId('NL');
	const made = expectStatus(await post(B, '/api/v1/users', { username: 't.phone', password: PASSWORD, org_id: nl, clearance: 'restreint_ue' }), 201).body;
	// A cleared account without a second factor gets an enrolment session only.
	const first = expectStatus(await login('t.phone', PASSWORD), 200);
	assert.equal(first.body.totp_enrolment_required, true, JSON.stringify(first.body));
	const cookie = first.headers.getSetCookie()[0].split(';')[0];
	const csrf = first.body.csrf_token;
	const begin = expectStatus(await api(B, 'POST', '/api/v1/auth/totp', { headers: { Cookie: cookie, 'X-CSRF-Token': csrf }, body: {} }), 201);
	expectStatus(await api(B, 'POST', '/api/v1/auth/totp/confirm', { headers: { Cookie: cookie, 'X-CSRF-Token': csrf }, body: { code: totp(begin.body.secret) } }), 200);
	assert.equal((await account(made.id)).totp, true);
	expectStatus(await post(B, `/api/v1/users/${made.id}/totp-reset`, {}), 428, 'without the version it was seen at');
	const seen = await account(made.id);
	expectError(await api(B, 'POST', `/api/v1/users/${made.id}/totp-reset`, { body: {}, headers: { 'If-Match': `"${seen.version - 1}"` } }), 412, 'a stale version');
	const reset = expectStatus(await api(B, 'POST', `/api/v1/users/${made.id}/totp-reset`, { body: {}, headers: { 'If-Match': `"${seen.version}"` } }), 200);
	assert.equal(reset.body.totp, false);
	expectStatus(await api(B, 'GET', '/api/v1/auth/session', { headers: { Cookie: cookie } }), 401, 'sessions ended');
	expectError(await api(B, 'POST', `/api/v1/users/${made.id}/totp-reset`, { body: {}, headers: { 'If-Match': `"${reset.body.version}"` } }), 409, 'nothing to reset');
	const again = expectStatus(await login('t.phone', PASSWORD), 200);
	assert.equal(again.body.totp_enrolment_required, true, 'it enrols again');

	const NEW = 'Juniper-Ferry-Orchard-5517';
	const weak = expectError(await post(B, `/api/v1/users/${made.id}/password`, { new_password: 'password' }), 422);
	assert.equal(weak.problems[0].field, 'new_password');
	expectStatus(await post(B, `/api/v1/users/${made.id}/password`, { new_password: NEW }), 200);
	expectStatus(await login('t.phone', PASSWORD), 401, 'the old password no longer works');
	expectStatus(await login('t.phone', NEW), 200);
	const adminId = Number(sql(`SELECT id FROM users WHERE username = 'admin'`));
	const self = expectError(await post(B, `/api/v1/users/${adminId}/password`, { new_password: NEW }), 422);
	assert.match(self.problems[0].message, /your account page/);
	expectError(await api(B, 'POST', `/api/v1/users/${adminId}/totp-reset`, { body: {}, headers: { 'If-Match': `"${(await account(adminId)).version}"` } }), 409);
	const audit = (await auditOf(made.id)).map((a) => a.detail).join('\n');
	assert.match(audit, /second factor of t\.phone reset/);
	assert.match(audit, /password of t\.phone set by an administrator/);
	assert.ok(!audit.includes(NEW));
});

test('only administrators manage accounts; others are refused and nothing changes', async () => {
	const nl = await orgId('NL');
	const before = count();
	for (const as of ['driver', 'est', 'nec-nl', 'observer', 'gsc']) {
		const r = await post(B, '/api/v1/users', { username: `x-${as}`, password: PASSWORD, org_id: nl }, { as });
		assert.ok(r.status === 403 || r.status === 404, `${as}: ${r.status}`);
		const g = await post(B, '/api/v1/users/1/roles', { role: 'admin' }, { as });
		assert.ok(g.status === 403 || g.status === 404, `${as} grant: ${g.status}`);
	}
	expectStatus(await api(B, 'POST', '/api/v1/users', { anon: true, body: { username: 'anon', password: PASSWORD, org_id: nl } }), 401);
	assert.equal(count(), before);
	const denied = expectStatus(await get(B, '/api/v1/audit?outcome=denied&limit=100'), 200).body.items;
	assert.ok(denied.some((a) => a.actor === 'driver' && a.action === 'users.write'), 'refusals are audited');
});

test('the roles list says what each role may do and what scope it takes', async () => {
	const r = expectStatus(await get(B, '/api/v1/roles'), 200);
	const roles = Object.fromEntries(r.body.items.map((x) => [x.role, x]));
	assert.equal(r.body.items.length, 13);
	assert.deepEqual(roles.nec.scope_kinds, ['country']);
	assert.deepEqual(roles.driver.scope_kinds, ['priority', 'oap']);
	assert.deepEqual(roles.admin.scope_kinds, []);
	assert.equal(roles.est.title, 'EMPACT Support Team');
	assert.ok(roles.admin.permissions.some((p) => p.name === 'users.write' && p.where === 'anywhere'));
	assert.ok(roles.driver.permissions.some((p) => p.name === 'oaps.write' && p.where === 'in scope'));
	assert.ok(!roles.public.permissions.some((p) => p.name === 'users.read'));
	expectStatus(await get(B, '/api/v1/roles', { as: 'driver' }), 403);
});
