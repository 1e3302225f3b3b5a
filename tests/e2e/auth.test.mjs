// End-to-end tests of authentication over loopback against the real binary: sign-in with a
// password and a TOTP code (RFC 6238, computed here), enrol-only sessions of cleared accounts
// without TOTP, session fixation and rotation (logout, password change, disabled accounts),
// the idle and absolute lifetimes of sessions, CSRF and Origin checks, API tokens, login
// throttling, and the audit trail of all of it (with `empact audit verify` at the end, before
// and after tampering). Each refusal is checked for its status, headers and body, for leaving
// nothing changed, and, at the end, for its audit record.
//
// Time is simulated by moving sessions.seen_at / created_at and api_tokens.expires_at into the
// past with the sqlite3 CLI on the live database. TOTP codes can be used once per account and
// time step, so every test signs in a TOTP account of its own; most flows use unclassified
// accounts made for this file (password only).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { startServer, api, get, post, del, expectStatus, expectError, BIN, DEMO_PASSWORD, sleep, base32Decode, hotp, totp, totpStep } from './lib.mjs';

let srv;
let B;
let auditStart = 0; // the id of the newest audit record before the tests
// Refused requests, checked against the audit trail at the end: {what, res, outcome}.
const refusals = [];
const NEW_PASSWORD = 'Lantern-Harbour-Quince-7301';
const COOKIE = '__Host-empact';

/* ---- helpers ---- */

function sql(query) {
	return execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, query], { encoding: 'utf8' }).trim();
}

function cli(args, input) {
	const r = spawnSync(BIN, ['--db', srv.db, ...args], { input: input ?? '', encoding: 'utf8' });
	assert.equal(r.status, 0, `empact ${args.join(' ')}: ${r.stderr}${r.stdout}`);
	return r.stdout;
}

/* An unclassified account with the observer role (global read), password NEW_PASSWORD. */
function makeUser(name, clearance = 'unclassified') {
	cli(['user', 'add', name, '--org', 'NL', '--clearance', clearance], `${NEW_PASSWORD}\n`);
	cli(['user', 'role', name, 'observer']);
}

const secretOf = (user) => sql(`SELECT totp_secret FROM users WHERE username = '${user}'`);
const nowS = () => Math.floor(Date.now() / 1000);
const hashHex = (token) => createHash('sha256').update(token).digest('hex');

function login(username, password, totpCode, opts = {}) {
	const body = { username, password };
	if (totpCode !== undefined) body.totp = totpCode;
	return api(B, 'POST', '/api/v1/auth/login', { anon: true, body, headers: opts.headers || {} });
}

/* The Set-Cookie of a response, split: {name, value, attrs: Map(lowercase name -> value)}. */
function parseSetCookie(res) {
	const all = res.headers.getSetCookie();
	assert.equal(all.length, 1, `expected one Set-Cookie, got ${JSON.stringify(all)}`);
	const [first, ...rest] = all[0].split('; ');
	const eq = first.indexOf('=');
	const attrs = new Map();
	for (const a of rest) {
		const i = a.indexOf('=');
		attrs.set((i < 0 ? a : a.slice(0, i)).toLowerCase(), i < 0 ? true : a.slice(i + 1));
	}
	return { raw: all[0], name: first.slice(0, eq), value: first.slice(eq + 1), attrs, parts: rest };
}

function assertSessionCookie(res, maxAge) {
	const c = parseSetCookie(res);
	assert.equal(c.name, COOKIE);
	assert.equal(c.attrs.get('path'), '/');
	assert.equal(c.attrs.get('max-age'), String(maxAge));
	assert.equal(c.attrs.get('httponly'), true);
	assert.equal(c.attrs.get('secure'), true);
	assert.equal(c.attrs.get('samesite'), 'Strict');
	assert.ok(!c.attrs.has('domain'), 'a __Host- cookie has no Domain');
	assert.ok(!c.attrs.has('expires'));
	return c;
}

/* A successful sign-in: asserts the cookie and the body, returns {cookie, csrf, body}. */
async function signIn(username, password = NEW_PASSWORD, totpCode) {
	const res = expectStatus(await login(username, password, totpCode), 200, `login ${username}`);
	const c = assertSessionCookie(res, 43200);
	assert.match(c.value, /^eps_[A-Za-z0-9_-]{43}$/);
	assert.equal(c.raw, `${COOKIE}=${c.value}; Path=/; Max-Age=43200; HttpOnly; Secure; SameSite=Strict`);
	assert.match(res.body.csrf_token, /^epc_[A-Za-z0-9_-]{43}$/);
	assert.equal(res.body.user.username, username);
	assert.equal(res.body.auth, 'session');
	assert.ok(Array.isArray(res.body.user.roles));
	assert.equal(res.headers.get('cache-control'), 'no-store', 'a sign-in answer is never stored');
	return { cookie: c.value, csrf: res.body.csrf_token, body: res.body, res };
}

const withCookie = (cookie, csrf, extra = {}) => ({ Cookie: `${COOKIE}=${cookie}`, ...(csrf ? { 'X-CSRF-Token': csrf } : {}), ...extra });
const session = (cookie) => get(B, '/api/v1/auth/session', { headers: withCookie(cookie) });

/* Asserts the answer to a dead session cookie: 401, the error, and a Set-Cookie that clears it. */
function expectDeadSession(res, what) {
	const e = expectError(res, 401, what);
	assert.equal(e.code, 'unauthorized');
	assert.match(e.message, /session has expired or ended/);
	assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="empact"');
	const c = assertSessionCookie(res, 0);
	assert.equal(c.value, '', `${what}: the clearing cookie has an empty value`);
	refusals.push({ what, res, outcome: 'denied' });
}

/* A request with an explicit local (source) address, for throttling by address. */
function fromAddress(localAddress, method, p, body) {
	return new Promise((resolve, reject) => {
		const payload = body === undefined ? undefined : JSON.stringify(body);
		const r = http.request(
			{
				host: '127.0.0.1',
				port: srv.port,
				localAddress,
				method,
				path: p,
				headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {},
				agent: false,
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (text += d));
				res.on('end', () => {
					let json = null;
					if ((res.headers['content-type'] || '').startsWith('application/json') && text) json = JSON.parse(text);
					resolve({ status: res.statusCode, headers: new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), body: json, text });
				});
			},
		);
		r.on('error', reject);
		if (payload) r.write(payload);
		r.end();
	});
}
const loginFrom = (addr, username, password, totpCode) =>
	fromAddress(addr, 'POST', '/api/v1/auth/login', totpCode === undefined ? { username, password } : { username, password, totp: totpCode });

/* Waits until the clock is early in a second, so that a few requests fall within one second. */
async function alignToSecond() {
	const ms = Date.now() % 1000;
	if (ms > 150) await sleep(1000 - ms + 20);
}

before(async () => {
	srv = await startServer();
	B = srv.base;
	auditStart = Number(sql('SELECT COALESCE(MAX(id), 0) FROM audit'));
	for (const u of ['u-fix', 'u-pw', 'u-dis', 'u-life', 'u-csrf', 'u-csrf2', 'u-tok', 'u-thr', 'u-bound']) makeUser(u);
	makeUser('cleared1', 'restreint_ue');
});

after(async () => {
	if (srv) await srv.stop();
});

test('RFC 6238: the TOTP code of this test matches the SHA-1 vector, base32 included', () => {
	const key = Buffer.from('12345678901234567890');
	assert.deepEqual(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'), key);
	assert.equal(hotp(key, totpStep(59), 8), '94287082');
	assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59, 8), '94287082');
	assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1111111109, 8), '07081804');
	assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 20000000000, 8), '65353130');
});

test('sign-in: password and TOTP, wrong password, unknown user, missing, wrong and replayed codes', async () => {
	// Right password and code: 200, the cookie with every attribute, the user and the CSRF token.
	const code = totp(secretOf('cosi'));
	const s = await signIn('cosi', DEMO_PASSWORD, code);
	assert.equal(s.body.user.clearance, 'restreint_ue');
	assert.equal(s.body.user.totp, true);
	assert.equal(s.body.totp_enrolment_required, false);
	assert.ok(s.body.user.roles.some((r) => r.role === 'cosi_member' && r.scope_kind === 'global'));
	// The session works, and gives back the same CSRF token (but never the session id).
	const me = expectStatus(await session(s.cookie), 200);
	assert.equal(me.body.user.username, 'cosi');
	assert.equal(me.body.auth, 'session');
	assert.equal(me.body.csrf_token, s.csrf);
	assert.ok(!me.text.includes(s.cookie), 'the session id is never in a body');
	assert.ok(!s.res.text.includes(s.cookie), 'the session id is never in a body');
	assert.equal(me.headers.getSetCookie().length, 0, 'a live session is not re-set on each request');
	expectStatus(await get(B, '/api/v1/actions/2', { headers: withCookie(s.cookie) }), 200);

	// The same code again (a second sign-in within its step): refused as a replay.
	const replay = await login('cosi', DEMO_PASSWORD, code);
	let e = expectError(replay, 401, 'replayed TOTP');
	assert.equal(e.field, 'totp');
	assert.equal(replay.headers.getSetCookie().length, 0);
	refusals.push({ what: 'replayed TOTP code', res: replay, outcome: 'failed' });

	// Wrong password and unknown user: the very same answer.
	const wrong = await login('est', 'not-the-password-at-all', totp(secretOf('est')));
	const unknown = await login('nobody-at-all', DEMO_PASSWORD, '123456');
	expectError(wrong, 401, 'wrong password');
	expectError(unknown, 401, 'unknown user');
	assert.deepEqual(wrong.body, unknown.body);
	assert.equal(wrong.text, unknown.text);
	assert.deepEqual(wrong.body, { error: { code: 'unauthorized', message: 'wrong user name or password', field: 'password' } });
	for (const r of [wrong, unknown]) {
		assert.equal(r.headers.getSetCookie().length, 0);
		assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="empact"');
		assert.equal(r.headers.get('retry-after'), null);
	}
	refusals.push({ what: 'wrong password', res: wrong, outcome: 'failed' }, { what: 'unknown user', res: unknown, outcome: 'failed' });

	// A TOTP account without its code: 401 naming the field.
	const missing = await login('commission', DEMO_PASSWORD);
	e = expectError(missing, 401, 'missing TOTP');
	assert.equal(e.field, 'totp');
	assert.match(e.message, /TOTP/);
	assert.equal(missing.headers.getSetCookie().length, 0);
	refusals.push({ what: 'missing TOTP code', res: missing, outcome: 'failed' });
	// An empty code is a missing code.
	expectError(await login('commission', DEMO_PASSWORD, ''), 401, 'empty TOTP');

	// A wrong code (none of the codes of the steps around now).
	const gscSecret = secretOf('gsc');
	const near = new Set([-1, 0, 1].map((d) => totp(gscSecret, Date.now() / 1000 + 30 * d)));
	let bad = '000000';
	while (near.has(bad)) bad = String((Number(bad) + 111111) % 1000000).padStart(6, '0');
	const wrongCode = await login('gsc', DEMO_PASSWORD, bad);
	e = expectError(wrongCode, 401, 'wrong TOTP');
	assert.equal(e.field, 'totp');
	assert.equal(wrongCode.headers.getSetCookie().length, 0);
	refusals.push({ what: 'wrong TOTP code', res: wrongCode, outcome: 'failed' });
	// No session was made by any of the refusals.
	assert.equal(sql(`SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username IN ('est', 'commission', 'gsc')`), '0');
	assert.equal(sql(`SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'cosi'`), '1');

	// An unclassified account without TOTP signs in with its password alone.
	const obs = await signIn('observer', DEMO_PASSWORD);
	assert.equal(obs.body.user.clearance, 'unclassified');
	assert.equal(obs.body.user.totp, false);
	assert.equal(obs.body.totp_enrolment_required, false);
	expectStatus(await get(B, '/api/v1/organisations', { headers: withCookie(obs.cookie) }), 200);
});

test('a TOTP code sent in several sign-ins at once signs in exactly once', async () => {
	const code = totp(secretOf('nec-nl'));
	const all = await Promise.all([0, 1, 2].map(() => login('nec-nl', DEMO_PASSWORD, code)));
	const statuses = all.map((r) => r.status).sort();
	assert.deepEqual(statuses, [200, 401, 401], all.map((r) => r.text).join('\n'));
	for (const r of all.filter((x) => x.status === 401)) {
		assert.equal(r.body.error.field, 'totp');
		assert.equal(r.headers.getSetCookie().length, 0);
		refusals.push({ what: 'a TOTP code replayed concurrently', res: r, outcome: 'failed' });
	}
	assert.equal(sql(`SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'nec-nl'`), '1');
});

test('a cleared account without TOTP gets an enrol-only session until it enrols', async () => {
	const s = await signIn('cleared1');
	assert.equal(s.body.totp_enrolment_required, true);
	assert.equal(s.body.user.totp, false);
	const H = withCookie(s.cookie, s.csrf);
	// Every data route, and the account's own tokens: 403 asking for TOTP enrolment.
	for (const [method, p, body] of [
		['GET', '/api/v1/organisations'],
		['GET', '/api/v1/actions'],
		['GET', '/api/v1/actions/2'],
		['GET', '/api/v1/oaps/1'],
		['GET', '/api/v1/users'],
		['GET', '/api/v1/auth/tokens'],
		['POST', '/api/v1/auth/tokens', { name: 'sneaky' }],
		['POST', '/api/v1/auth/password', { current_password: NEW_PASSWORD, new_password: 'Another-Quiet-Harbour-88' }],
	]) {
		const r = await api(B, method, p, { headers: H, body });
		const e = expectError(r, 403, `${method} ${p} (enrol-only)`);
		assert.equal(e.code, 'forbidden');
		assert.match(e.message, /TOTP/);
		assert.match(e.message, /enrol/);
		refusals.push({ what: `${method} ${p} by an enrol-only session`, res: r, outcome: 'denied' });
	}
	assert.equal(sql(`SELECT COUNT(*) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = 'cleared1'`), '0');
	// Who am I still answers, saying what is owed.
	const me = expectStatus(await session(s.cookie), 200);
	assert.equal(me.body.totp_enrolment_required, true);

	// Enrolment: a secret, its otpauth URI and a QR code.
	const begin = expectStatus(await api(B, 'POST', '/api/v1/auth/totp', { headers: H }), 201);
	const secret = begin.body.secret;
	assert.match(secret, /^[A-Z2-7]{32}$/);
	assert.equal(base32Decode(secret).length, 20);
	const uri = new URL(begin.body.otpauth_uri);
	assert.equal(uri.protocol, 'otpauth:');
	assert.equal(uri.searchParams.get('secret'), secret);
	assert.equal(uri.searchParams.get('issuer'), 'empact');
	assert.match(decodeURIComponent(begin.body.otpauth_uri), /cleared1/);
	assert.match(begin.body.qr_svg, /<svg/);
	// Still enrol-only until confirmed.
	expectError(await get(B, '/api/v1/organisations', { headers: H }), 403, 'before confirming');
	// A wrong code does not confirm.
	const near = new Set([-1, 0, 1].map((d) => totp(secret, Date.now() / 1000 + 30 * d)));
	let bad = '123456';
	while (near.has(bad)) bad = String((Number(bad) + 1) % 1000000).padStart(6, '0');
	const wrong = await api(B, 'POST', '/api/v1/auth/totp/confirm', { headers: H, body: { code: bad } });
	const we = expectError(wrong, 400, 'a wrong confirmation code');
	assert.equal(we.field, 'totp');
	assert.match(we.message, /wrong/);
	expectError(await get(B, '/api/v1/organisations', { headers: H }), 403, 'after a wrong code');
	assert.equal(sql(`SELECT COALESCE(totp_secret, '') FROM users WHERE username = 'cleared1'`), '');
	// The right code: the session becomes full.
	const confirmCode = totp(secret);
	const ok = expectStatus(await api(B, 'POST', '/api/v1/auth/totp/confirm', { headers: H, body: { code: confirmCode } }), 200);
	assert.deepEqual(ok.body, { totp: true });
	expectStatus(await get(B, '/api/v1/organisations', { headers: H }), 200, 'after enrolment');
	expectStatus(await get(B, '/api/v1/actions/2', { headers: H }), 200, 'a RESTREINT UE action after enrolment');
	expectStatus(await get(B, '/api/v1/auth/tokens', { headers: H }), 200);
	const me2 = expectStatus(await session(s.cookie), 200);
	assert.equal(me2.body.totp_enrolment_required, false);
	assert.equal(me2.body.user.totp, true);
	assert.equal(sql(`SELECT totp_secret FROM users WHERE username = 'cleared1'`), secret);
	// From now on the account needs its code to sign in.
	const missing = await login('cleared1', NEW_PASSWORD);
	assert.equal(expectError(missing, 401, 'TOTP now required').field, 'totp');
	// The code that confirmed the enrolment has been used: it cannot sign in.
	const replay = await login('cleared1', NEW_PASSWORD, confirmCode);
	assert.equal(expectError(replay, 401, 'the confirmation code replayed at sign-in').field, 'totp');
	assert.equal(replay.headers.getSetCookie().length, 0);
	refusals.push({ what: 'the enrolment code replayed at sign-in', res: replay, outcome: 'failed' });
});

test('session fixation: a cookie chosen by the client is never accepted; each sign-in gets a new id', async () => {
	// A well-formed id the client made up, and a malformed one.
	const chosen = `eps_${'A'.repeat(43)}`;
	expectDeadSession(await session(chosen), 'a client-chosen session id');
	expectDeadSession(await session('attacker-chosen'), 'a malformed session id');
	// The cookie twice (cookie tossing: a live one and a chosen one): refused, neither is used.
	const live = await signIn('u-csrf2');
	for (const pair of [`${COOKIE}=${chosen}; ${COOKIE}=${live.cookie}`, `${COOKIE}=${live.cookie}; ${COOKIE}=${chosen}`]) {
		const r = await get(B, '/api/v1/auth/session', { headers: { Cookie: pair } });
		assert.equal(expectError(r, 400, 'the session cookie twice').field, 'Cookie');
		refusals.push({ what: 'the session cookie twice', res: r, outcome: 'denied' });
	}
	// Other cookies beside it are fine.
	expectStatus(await get(B, '/api/v1/auth/session', { headers: { Cookie: `theme=dark; ${COOKIE}=${live.cookie}; lang=nl` } }), 200);
	expectDeadSession(await api(B, 'POST', '/api/v1/auth/tokens', { headers: withCookie(chosen, 'epc_whatever'), body: { name: 'x' } }), 'a write with a client-chosen session id');
	// Signing in while carrying the chosen cookie: the cookie is not looked at; the sign-in gets
	// an id of the server's, and the chosen one stays dead.
	const res = expectStatus(await login('u-fix', NEW_PASSWORD, undefined, { headers: { Cookie: `${COOKIE}=${chosen}` } }), 200);
	const c = assertSessionCookie(res, 43200);
	assert.notEqual(c.value, chosen);
	expectDeadSession(await session(chosen), 'the chosen id after a sign-in');
	expectStatus(await session(c.value), 200);
	// Signing in while carrying a live session: again a new id and CSRF token, not the ones
	// carried (the carried session is not used, so no CSRF token is needed).
	const again = expectStatus(await login('u-fix', NEW_PASSWORD, undefined, { headers: withCookie(c.value) }), 200);
	const c2 = assertSessionCookie(again, 43200);
	assert.notEqual(c2.value, c.value);
	assert.notEqual(again.body.csrf_token, res.body.csrf_token);
	// Each sign-in: new ids and CSRF tokens, all different.
	const ids = new Set([c.value, c2.value]);
	const csrfs = new Set([res.body.csrf_token, again.body.csrf_token]);
	for (let i = 0; i < 3; i++) {
		const s = await signIn('u-fix');
		ids.add(s.cookie);
		csrfs.add(s.csrf);
	}
	assert.equal(ids.size, 5);
	assert.equal(csrfs.size, 5);
	// The database keeps only hashes of the ids.
	const stored = sql(`SELECT hex(token_hash) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'u-fix'`).split('\n');
	assert.equal(stored.length, 5);
	for (const id of ids) assert.ok(stored.includes(hashHex(id).toUpperCase()));
	assert.equal(sql(`SELECT COUNT(*) FROM sessions WHERE CAST(token_hash AS TEXT) LIKE 'eps_%'`), '0');
});

test('logout ends the session; without its CSRF token it changes nothing', async () => {
	const s = await signIn('u-fix');
	// Logout without the CSRF token: refused, the session lives on.
	const noCsrf = await api(B, 'POST', '/api/v1/auth/logout', { headers: withCookie(s.cookie) });
	assert.equal(expectError(noCsrf, 403).field, 'X-CSRF-Token');
	assert.equal(noCsrf.headers.getSetCookie().length, 0);
	refusals.push({ what: 'logout without CSRF', res: noCsrf, outcome: 'denied' });
	expectStatus(await session(s.cookie), 200);
	// With it: 204 and a clearing cookie; the old cookie is dead.
	const out = expectStatus(await api(B, 'POST', '/api/v1/auth/logout', { headers: withCookie(s.cookie, s.csrf) }), 204);
	const cleared = assertSessionCookie(out, 0);
	assert.equal(cleared.value, '');
	assert.equal(out.text, '');
	expectDeadSession(await session(s.cookie), 'a cookie after logout');
	expectDeadSession(await api(B, 'POST', '/api/v1/auth/logout', { headers: withCookie(s.cookie, s.csrf) }), 'logout again with the old cookie');
	assert.equal(sql(`SELECT COUNT(*) FROM sessions WHERE hex(token_hash) = '${hashHex(s.cookie).toUpperCase()}'`), '0');
});

test('a password change ends every session of the account and gives a new one', async () => {
	const a = await signIn('u-pw');
	const b = await signIn('u-pw');
	const other = await signIn('u-fix'); // another account: untouched
	// A wrong current password: 422, nothing changes.
	const wrongCur = await post(B, '/api/v1/auth/password', { current_password: 'not-my-password-at-all', new_password: 'Copper-Meadow-Violin-5521' }, { headers: withCookie(a.cookie, a.csrf) });
	assert.equal(expectError(wrongCur, 422).field, 'current_password');
	assert.equal(wrongCur.headers.getSetCookie().length, 0);
	expectStatus(await session(a.cookie), 200);
	expectStatus(await session(b.cookie), 200);
	// A new password against the policy: 422, nothing changes.
	const weak = await post(B, '/api/v1/auth/password', { current_password: NEW_PASSWORD, new_password: 'password' }, { headers: withCookie(a.cookie, a.csrf) });
	assert.equal(expectError(weak, 422).field, 'new_password');
	expectStatus(await session(b.cookie), 200);
	// Without the CSRF token: 403, nothing changes.
	const noCsrf = await post(B, '/api/v1/auth/password', { current_password: NEW_PASSWORD, new_password: 'Copper-Meadow-Violin-5521' }, { headers: withCookie(a.cookie) });
	assert.equal(expectError(noCsrf, 403).field, 'X-CSRF-Token');
	refusals.push({ what: 'password change without CSRF', res: noCsrf, outcome: 'denied' });
	expectStatus(await session(b.cookie), 200);
	// The change.
	const res = expectStatus(
		await post(B, '/api/v1/auth/password', { current_password: NEW_PASSWORD, new_password: 'Copper-Meadow-Violin-5521' }, { headers: withCookie(a.cookie, a.csrf) }),
		200,
	);
	assert.equal(res.body.changed, true);
	assert.match(res.body.csrf_token, /^epc_/);
	assert.notEqual(res.body.csrf_token, a.csrf);
	const c = assertSessionCookie(res, 43200);
	assert.match(c.value, /^eps_[A-Za-z0-9_-]{43}$/);
	assert.notEqual(c.value, a.cookie);
	assert.notEqual(c.value, b.cookie);
	expectDeadSession(await session(a.cookie), 'the session that changed the password');
	expectDeadSession(await session(b.cookie), 'another session of the account after a password change');
	const me = expectStatus(await session(c.value), 200);
	assert.equal(me.body.user.username, 'u-pw');
	assert.equal(me.body.csrf_token, res.body.csrf_token);
	// The new session's CSRF token works for a write.
	expectStatus(await post(B, '/api/v1/auth/tokens', { name: 'after the change' }, { headers: withCookie(c.value, res.body.csrf_token) }), 201);
	// Another account's session is untouched.
	expectStatus(await session(other.cookie), 200);
	// The new password signs in.
	await signIn('u-pw', 'Copper-Meadow-Violin-5521');
});

test('disabling an account ends its sessions and its API tokens stop working', async () => {
	const s = await signIn('u-dis');
	const tok = expectStatus(await post(B, '/api/v1/auth/tokens', { name: 'script' }, { headers: withCookie(s.cookie, s.csrf) }), 201).body.token;
	const bearer = { headers: { Authorization: `Bearer ${tok}` } };
	expectStatus(await get(B, '/api/v1/organisations', bearer), 200);
	expectStatus(await session(s.cookie), 200);
	cli(['user', 'disable', 'u-dis']);
	expectDeadSession(await session(s.cookie), 'a session of a disabled account');
	assert.equal(sql(`SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'u-dis'`), '0');
	const r = await get(B, '/api/v1/organisations', bearer);
	const e = expectError(r, 401, 'token of a disabled account');
	assert.equal(e.code, 'unauthorized');
	assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="empact"');
	refusals.push({ what: 'API token of a disabled account', res: r, outcome: 'denied' });
	// The disabled account cannot sign in, and is answered like a wrong password.
	const l = await login('u-dis', NEW_PASSWORD);
	expectError(l, 401);
	assert.deepEqual(l.body, { error: { code: 'unauthorized', message: 'wrong user name or password', field: 'password' } });
	assert.equal(l.headers.getSetCookie().length, 0);
	refusals.push({ what: 'sign-in of a disabled account', res: l, outcome: 'failed' });
	// Enabling it again does not bring the old token back to life.
	cli(['user', 'enable', 'u-dis']);
	expectError(await get(B, '/api/v1/organisations', bearer), 401, 'a token of a re-enabled account');
	expectStatus(await login('u-dis', NEW_PASSWORD), 200);
});

test('replacing an enrolled TOTP secret needs the current password', async () => {
	makeUser('u-retotp', 'restreint_ue');
	// Enrol once (enrol-only session), then try to enrol again from the full session.
	const first = expectStatus(await login('u-retotp', NEW_PASSWORD), 200);
	const c = parseSetCookie(first).value;
	const H = withCookie(c, first.body.csrf_token);
	const begin = expectStatus(await api(B, 'POST', '/api/v1/auth/totp', { headers: H }), 201).body;
	expectStatus(await api(B, 'POST', '/api/v1/auth/totp/confirm', { headers: H, body: { code: totp(begin.secret) } }), 200);
	const again = await api(B, 'POST', '/api/v1/auth/totp', { headers: H, body: {} });
	assert.equal(expectError(again, 422).field, 'current_password');
	const wrong = await api(B, 'POST', '/api/v1/auth/totp', { headers: H, body: { current_password: 'not-the-password-at-all' } });
	assert.equal(expectError(wrong, 422).field, 'current_password');
	assert.equal(sql("SELECT totp_secret FROM users WHERE username = 'u-retotp'"), begin.secret, 'nothing changed');
	expectStatus(await api(B, 'POST', '/api/v1/auth/totp', { headers: H, body: { current_password: NEW_PASSWORD } }), 201);
});

test('session lifetimes: 30 minutes idle, 12 hours in all', async () => {
	const idle = await signIn('u-life');
	const old = await signIn('u-life');
	const fine = await signIn('u-life');
	const edge = await signIn('u-life');
	const now = nowS();
	const where = (s) => `hex(token_hash) = '${hashHex(s.cookie).toUpperCase()}'`;
	sql(`UPDATE sessions SET seen_at = ${now - 1801} WHERE ${where(idle)}`);
	sql(`UPDATE sessions SET created_at = ${now - 43201}, seen_at = ${now} WHERE ${where(old)}`);
	sql(`UPDATE sessions SET created_at = ${now - 43000}, seen_at = ${now - 1700} WHERE ${where(fine)}`);
	sql(`UPDATE sessions SET created_at = ${now - 3600}, seen_at = ${now - 120} WHERE ${where(edge)}`);
	expectDeadSession(await session(idle.cookie), 'a session idle for more than 30 minutes');
	expectDeadSession(await session(old.cookie), 'a session older than 12 hours');
	// A dead session stays dead (it was removed) even if it had been touched.
	sql(`UPDATE sessions SET seen_at = ${nowS()} WHERE ${where(idle)}`);
	expectDeadSession(await session(idle.cookie), 'an expired session, again');
	assert.equal(sql(`SELECT COUNT(*) FROM sessions WHERE ${where(idle)} OR ${where(old)}`), '0');
	// Within both lifetimes: fine, and its use moves seen_at forward (it was 1700 s ago).
	expectStatus(await session(fine.cookie), 200, 'a session within both lifetimes');
	expectStatus(await get(B, '/api/v1/organisations', { headers: withCookie(fine.cookie) }), 200);
	assert.ok(Number(sql(`SELECT seen_at FROM sessions WHERE ${where(fine)}`)) >= now, 'seen_at is touched');
	// Use keeps a session alive; a write with it works too.
	expectStatus(await session(edge.cookie), 200);
	assert.ok(Number(sql(`SELECT seen_at FROM sessions WHERE ${where(edge)}`)) >= now);
	expectStatus(await post(B, '/api/v1/auth/tokens', { name: 'edge' }, { headers: withCookie(edge.cookie, edge.csrf) }), 201);
	// The last use is written at most once a minute.
	const recent = nowS() - 30;
	sql(`UPDATE sessions SET seen_at = ${recent} WHERE ${where(edge)}`);
	expectStatus(await session(edge.cookie), 200);
	assert.equal(Number(sql(`SELECT seen_at FROM sessions WHERE ${where(edge)}`)), recent, 'not written within 60 s');
	sql(`UPDATE sessions SET seen_at = ${nowS() - 61} WHERE ${where(edge)}`);
	expectStatus(await session(edge.cookie), 200);
	assert.ok(Number(sql(`SELECT seen_at FROM sessions WHERE ${where(edge)}`)) >= nowS() - 1, 'written after 60 s');
	// Even a session in use is over at 12 hours.
	sql(`UPDATE sessions SET created_at = ${nowS() - 43200} WHERE ${where(fine)}`);
	expectDeadSession(await session(fine.cookie), 'a session in use at 12 hours');
});

test('CSRF: cookie sessions must send their own token; cross-site Origins are refused', async () => {
	const s = await signIn('u-csrf');
	const other = await signIn('u-csrf'); // another session of the same account
	const foreign = await signIn('u-csrf2'); // a session of another account
	const count = () => Number(sql(`SELECT COUNT(*) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = 'u-csrf'`));
	const mk = (headers) => post(B, '/api/v1/auth/tokens', { name: 'csrf test' }, { headers });
	const before = count();
	// No token.
	let r = await mk(withCookie(s.cookie));
	let e = expectError(r, 403, 'no CSRF token');
	assert.equal(e.field, 'X-CSRF-Token');
	assert.match(e.message, /X-CSRF-Token/);
	refusals.push({ what: 'no CSRF token', res: r, outcome: 'denied' });
	// A wrong token, an empty one, another session's and another account's.
	for (const [what, tokenValue] of [
		['a wrong CSRF token', `epc_${'B'.repeat(43)}`],
		['an empty CSRF token', ''],
		['the CSRF token of another session', other.csrf],
		['the CSRF token of another account', foreign.csrf],
		['the session id as CSRF token', s.cookie],
		['the CSRF token with a suffix', `${s.csrf}x`],
	]) {
		r = await mk({ ...withCookie(s.cookie), 'X-CSRF-Token': tokenValue });
		e = expectError(r, 403, what);
		assert.equal(e.field, 'X-CSRF-Token', what);
		refusals.push({ what, res: r, outcome: 'denied' });
	}
	// A state-changing request of another method without the token: refused too.
	const tid = expectStatus(await mk(withCookie(s.cookie, s.csrf)), 201).body.id;
	r = await del(B, `/api/v1/auth/tokens/${tid}`, undefined, { headers: withCookie(s.cookie) });
	assert.equal(expectError(r, 403).field, 'X-CSRF-Token');
	assert.equal(count(), before + 1, 'the refused requests made nothing');
	assert.equal(sql(`SELECT COUNT(*) FROM api_tokens WHERE id = ${tid} AND revoked_at IS NULL`), '1');
	// The right token: success.
	r = expectStatus(await mk(withCookie(s.cookie, s.csrf)), 201);
	assert.equal(count(), before + 2);

	// A cross-site Origin: refused even with the right token, for a Bearer request, and for sign-in.
	const evil = { Origin: 'https://evil.example' };
	r = await mk(withCookie(s.cookie, s.csrf, evil));
	e = expectError(r, 403, 'cross-site Origin with the right CSRF token');
	assert.equal(e.field, 'Origin');
	refusals.push({ what: 'cross-site Origin with a session', res: r, outcome: 'denied' });
	r = await post(B, '/api/v1/auth/tokens', { name: 'evil' }, { as: 'observer', headers: evil });
	assert.equal(expectError(r, 403, 'cross-site Origin with a Bearer token').field, 'Origin');
	refusals.push({ what: 'cross-site Origin with a Bearer token', res: r, outcome: 'denied' });
	r = await login('u-csrf', NEW_PASSWORD, undefined, { headers: evil });
	assert.equal(expectError(r, 403, 'cross-site Origin on sign-in').field, 'Origin');
	assert.equal(r.headers.getSetCookie().length, 0, 'no session for a cross-site sign-in');
	refusals.push({ what: 'cross-site Origin on sign-in', res: r, outcome: 'denied' });
	for (const o of ['null', 'http://127.0.0.1.evil.example', `http://127.0.0.1:${srv.port + 1}`, `https://localhost:${srv.port}`]) {
		r = await mk(withCookie(s.cookie, s.csrf, { Origin: o }));
		assert.equal(expectError(r, 403, `Origin ${o}`).field, 'Origin');
	}
	assert.equal(count(), before + 2, 'the cross-site requests made nothing');
	// The same site passes (with a session and its token, with a Bearer token, and for sign-in).
	const same = { Origin: `http://127.0.0.1:${srv.port}` };
	expectStatus(await mk(withCookie(s.cookie, s.csrf, same)), 201, 'same-site Origin');
	expectStatus(await post(B, '/api/v1/auth/tokens', { name: 'same-site bearer' }, { as: 'observer', headers: same }), 201);
	const signed = expectStatus(await login('u-csrf', NEW_PASSWORD, undefined, { headers: same }), 200);
	assertSessionCookie(signed, 43200);
	// GET needs no CSRF token; neither do Bearer requests.
	expectStatus(await get(B, '/api/v1/auth/tokens', { headers: withCookie(s.cookie) }), 200);
	expectStatus(await get(B, '/api/v1/organisations', { headers: withCookie(s.cookie) }), 200);
	expectStatus(await post(B, '/api/v1/auth/tokens', { name: 'bearer, no csrf' }, { as: 'observer' }), 201);
	assert.equal(count(), before + 3);
});

test('API tokens: shown once, listed without the secret, revoked, expired, malformed', async () => {
	const s = await signIn('u-tok');
	const H = withCookie(s.cookie, s.csrf);
	const made = expectStatus(await post(B, '/api/v1/auth/tokens', { name: 'nightly export', expires_days: 30 }, { headers: H }), 201);
	const tok = made.body.token;
	assert.match(tok, /^ept_[A-Za-z0-9_-]{43}$/);
	assert.equal(made.body.name, 'nightly export');
	assert.equal(typeof made.body.id, 'number');
	const exp = Date.parse(made.body.expires_at);
	assert.ok(Math.abs(exp - (Date.now() + 30 * 86400e3)) < 120e3, `expires_at ${made.body.expires_at}`);
	// Listed, never with the token or its hash.
	const list = expectStatus(await get(B, '/api/v1/auth/tokens', { headers: H }), 200);
	const item = list.body.items.find((t) => t.id === made.body.id);
	assert.ok(item, 'the new token is listed');
	assert.equal(item.name, 'nightly export');
	assert.ok(!('token' in item));
	assert.ok(!list.text.includes(tok));
	assert.ok(!list.text.includes(tok.slice(4)));
	assert.ok(!list.text.toLowerCase().includes(hashHex(tok)));
	// Stored only as its hash.
	assert.equal(sql(`SELECT COUNT(*) FROM api_tokens WHERE hex(token_hash) = '${hashHex(tok).toUpperCase()}'`), '1');
	// It works as a Bearer token, without a CSRF token.
	const bearer = { headers: { Authorization: `Bearer ${tok}` } };
	const me = expectStatus(await get(B, '/api/v1/auth/session', bearer), 200);
	assert.equal(me.body.user.username, 'u-tok');
	assert.equal(me.body.auth, 'token');
	assert.equal(me.body.csrf_token, null);
	expectStatus(await get(B, '/api/v1/organisations', bearer), 200);
	// The scheme is case-insensitive.
	expectStatus(await get(B, '/api/v1/organisations', { headers: { Authorization: `bearer ${tok}` } }), 200);
	// Another account cannot revoke it.
	expectError(await del(B, `/api/v1/auth/tokens/${made.body.id}`, undefined, { as: 'observer' }), 404);
	expectStatus(await get(B, '/api/v1/organisations', bearer), 200);
	// Revoked: 401 from then on.
	expectStatus(await del(B, `/api/v1/auth/tokens/${made.body.id}`, undefined, { headers: H }), 204);
	let r = await get(B, '/api/v1/organisations', bearer);
	let e = expectError(r, 401, 'a revoked token');
	assert.equal(e.code, 'unauthorized');
	assert.match(e.message, /API token/);
	assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="empact"');
	refusals.push({ what: 'a revoked API token', res: r, outcome: 'denied' });
	// A revoked token cannot revoke or make anything.
	r = await post(B, '/api/v1/auth/tokens', { name: 'from revoked' }, bearer);
	expectError(r, 401);
	const listed = expectStatus(await get(B, '/api/v1/auth/tokens', { headers: H }), 200).body.items;
	assert.ok(listed.find((t) => t.id === made.body.id).revoked_at, 'listed as revoked');
	assert.ok(!listed.some((t) => t.name === 'from revoked'));

	// Expired: 401.
	const t2 = expectStatus(await post(B, '/api/v1/auth/tokens', { name: 'short' }, { headers: H }), 201).body;
	const b2 = { headers: { Authorization: `Bearer ${t2.token}` } };
	expectStatus(await get(B, '/api/v1/organisations', b2), 200);
	sql(`UPDATE api_tokens SET expires_at = ${nowS() - 1} WHERE id = ${t2.id}`);
	r = await get(B, '/api/v1/organisations', b2);
	expectError(r, 401, 'an expired token');
	refusals.push({ what: 'an expired API token', res: r, outcome: 'denied' });
	// A token made up by the client, well formed: 401.
	r = await get(B, '/api/v1/organisations', { headers: { Authorization: `Bearer ept_${'C'.repeat(43)}` } });
	expectError(r, 401, 'a made-up token');
	refusals.push({ what: 'a made-up API token', res: r, outcome: 'denied' });
	// A session id is not an API token.
	expectError(await get(B, '/api/v1/organisations', { headers: { Authorization: `Bearer ${s.cookie}` } }), 401, 'a session id as Bearer');

	// Malformed Authorization headers: 401, never a fall-back to the cookie or to the public.
	for (const h of ['Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a b', `Basic ${Buffer.from(`u-tok:${NEW_PASSWORD}`).toString('base64')}`, `Token ${tok}`, `Bearer  ${t2.token} x`]) {
		r = await get(B, '/api/v1/organisations', { headers: { Authorization: h, Cookie: `${COOKIE}=${s.cookie}` } });
		e = expectError(r, 401, `Authorization: ${h}`);
		assert.equal(e.code, 'unauthorized');
		assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="empact"');
		refusals.push({ what: `Authorization: ${h}`, res: r, outcome: 'denied' });
	}

	// expires_days out of range: 422 naming the field, nothing made.
	const n0 = sql(`SELECT COUNT(*) FROM api_tokens`);
	for (const d of [0, 367, -1, 1.5, '30']) {
		r = await post(B, '/api/v1/auth/tokens', { name: 'bad days', expires_days: d }, { headers: H });
		assert.equal(expectError(r, 422, `expires_days ${d}`).field, 'expires_days');
	}
	assert.equal(sql(`SELECT COUNT(*) FROM api_tokens`), n0);
	// The bounds themselves are fine.
	for (const d of [1, 366]) expectStatus(await post(B, '/api/v1/auth/tokens', { name: `days ${d}`, expires_days: d }, { headers: H }), 201);
});

test('throttling: an account backs off after 5 failures from an address, briefly, and only that pair', async () => {
	// Four failures, then the fifth and the sixth attempt within one second.
	for (let i = 0; i < 4; i++) expectError(await login('u-thr', `wrong-password-${i}`), 401, `failure ${i + 1}`);
	await alignToSecond();
	const second = Math.floor(Date.now() / 1000);
	expectError(await login('u-thr', 'wrong-password-4'), 401, 'failure 5');
	const r = await login('u-thr', NEW_PASSWORD);
	const e = expectError(r, 429, 'the sixth attempt, with the right password');
	assert.equal(e.code, 'too_many_requests');
	assert.match(e.message, /try again in \d+ seconds/);
	const ra = Number(r.headers.get('retry-after'));
	assert.ok(Number.isInteger(ra) && ra > 0 && ra <= 900, `Retry-After ${r.headers.get('retry-after')}`);
	assert.equal(r.headers.getSetCookie().length, 0);
	refusals.push({ what: 'throttled sign-in', res: r, outcome: 'denied' });
	assert.equal(sql(`SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'u-thr'`), '0');
	// Another account signs in fine from the same address meanwhile; the first is still held back.
	await signIn('u-bound');
	const still = await login('u-thr', NEW_PASSWORD);
	if (Math.floor(Date.now() / 1000) === second) expectError(still, 429, 'still throttled');
	// The wait is bounded: after Retry-After the real user signs in.
	await sleep(ra * 1000 + 100);
	await signIn('u-thr');
	// And a success clears the pair: one more failure does not throttle at once.
	expectError(await login('u-thr', 'wrong-again'), 401);
	await signIn('u-thr');
});

test('throttling: an account attacked from many addresses is slowed, never closed; a noisy address is slowed as a whole', async (t) => {
	// Connecting from other loopback addresses needs the whole of 127/8 on lo (Linux).
	try {
		await fromAddress('127.0.0.2', 'GET', '/healthz');
	} catch (err) {
		t.skip(`no other loopback source addresses: ${err.message}`);
		return;
	}
	// Eleven addresses, one wrong password each, against public's account.
	for (let i = 0; i < 11; i++) expectError(await loginFrom(`127.0.0.${10 + i}`, 'co-action-leader', `guess-${i}`), 401, `attacker ${i}`);
	// The real user, from their own address, waits at most a few seconds, however long the attack goes on.
	let r = await loginFrom('127.0.0.30', 'co-action-leader', DEMO_PASSWORD);
	expectError(r, 429, 'an account under attack is slowed');
	const wait = Number(r.headers.get('retry-after'));
	assert.ok(wait > 0 && wait <= 5, `Retry-After ${wait}: an account is slowed to one try per 5 s, never closed`);
	await sleep(wait * 1000 + 100);
	r = await loginFrom('127.0.0.30', 'co-action-leader', DEMO_PASSWORD);
	expectStatus(r, 200, 'the real user gets in');
	assert.match(r.headers.get('set-cookie'), /^__Host-empact=eps_/);

	// One address failing against many accounts: past 20 failures it is slowed as a whole, for at most the window.
	for (let i = 0; i < 21; i++) expectError(await loginFrom('127.0.0.40', `nobody-${i}`, 'whatever-password'), 401, `spray ${i}`);
	r = await loginFrom('127.0.0.40', 'participant', DEMO_PASSWORD);
	expectError(r, 429, 'a noisy address');
	const ra = Number(r.headers.get('retry-after'));
	assert.ok(ra > 0 && ra <= 900, `Retry-After ${ra}`);
	// Other addresses are not affected.
	expectStatus(await loginFrom('127.0.0.41', 'participant', DEMO_PASSWORD), 200);
	expectStatus(await login('participant', DEMO_PASSWORD), 200);
});

test('throttling: guessing TOTP codes backs off like guessing passwords, and a refused code is not used up', async (t) => {
	try {
		await fromAddress('127.0.0.50', 'GET', '/healthz');
	} catch (err) {
		t.skip(`no other loopback source addresses: ${err.message}`);
		return;
	}
	const secret = secretOf('action-leader');
	const near = new Set([-1, 0, 1].map((d) => totp(secret, Date.now() / 1000 + 30 * d)));
	const wrong = [];
	for (let c = 100000; wrong.length < 5; c += 131071) if (!near.has(String(c % 1000000).padStart(6, '0'))) wrong.push(String(c % 1000000).padStart(6, '0'));
	const lastStep = sql(`SELECT totp_last_step FROM users WHERE username = 'action-leader'`);
	for (let i = 0; i < 4; i++) expectError(await loginFrom('127.0.0.50', 'action-leader', DEMO_PASSWORD, wrong[i]), 401, `wrong code ${i + 1}`);
	await alignToSecond();
	expectError(await loginFrom('127.0.0.50', 'action-leader', DEMO_PASSWORD, wrong[4]), 401, 'wrong code 5');
	const code = totp(secret);
	const r = await loginFrom('127.0.0.50', 'action-leader', DEMO_PASSWORD, code);
	expectError(r, 429, 'the right code after five wrong ones');
	const ra = Number(r.headers.get('retry-after'));
	assert.ok(ra > 0 && ra <= 900, `Retry-After ${ra}`);
	refusals.push({ what: 'throttled TOTP guessing', res: r, outcome: 'denied' });
	// The refused attempt used nothing up: the same code signs in once the wait is over.
	assert.equal(sql(`SELECT totp_last_step FROM users WHERE username = 'action-leader'`), lastStep);
	await sleep(ra * 1000 + 100);
	const ok = await loginFrom('127.0.0.50', 'action-leader', DEMO_PASSWORD, code);
	expectStatus(ok, 200, 'the code after the wait (still within one step of its own)');
	assert.match(ok.headers.get('set-cookie'), /^__Host-empact=eps_/);
});

/* Every audit record written since the tests began, newest first. */
async function auditSince(query = '') {
	const items = [];
	let beforeId = null;
	for (let i = 0; i < 100; i++) {
		const res = expectStatus(await get(B, `/api/v1/audit?limit=500${query}${beforeId ? `&before=${beforeId}` : ''}`), 200);
		for (const it of res.body.items) if (it.id > auditStart) items.push(it);
		beforeId = res.body.next_before;
		if (!beforeId || res.body.items.some((it) => it.id <= auditStart)) break;
	}
	return items;
}

test('audit: sign-ins are recorded ok, failed and denied; every refusal above was recorded', async () => {
	const thr = expectStatus(await get(B, '/api/v1/audit?actor=u-thr&limit=500'), 200).body.items;
	assert.ok(thr.length > 0 && thr.every((r) => r.actor === 'u-thr'));
	const logins = thr.filter((r) => r.action === 'auth.login');
	const outcomes = new Set(logins.map((r) => r.outcome));
	for (const o of ['ok', 'failed', 'denied']) assert.ok(outcomes.has(o), `no auth.login record with outcome ${o}: ${JSON.stringify(logins)}`);
	assert.ok(logins.filter((r) => r.outcome === 'failed').length >= 5);
	// An unknown user is recorded under the name typed.
	const nobody = expectStatus(await get(B, '/api/v1/audit?actor=nobody-at-all'), 200).body.items;
	assert.ok(nobody.some((r) => r.action === 'auth.login' && r.outcome === 'failed'));
	// The replay and the wrong code are recorded against their accounts.
	const cosi = expectStatus(await get(B, '/api/v1/audit?actor=cosi&outcome=failed'), 200).body.items;
	assert.ok(cosi.some((r) => r.action === 'auth.login' && /TOTP/.test(r.detail || '')), JSON.stringify(cosi));
	// Only those allowed read the trail.
	const drv = await get(B, '/api/v1/audit', { as: 'driver' });
	assert.equal(expectError(drv, 403).code, 'forbidden');
	expectError(await get(B, '/api/v1/audit', { anon: true }), 401);
	// Each refusal left a record, found by its request id, with the right outcome.
	const all = await auditSince();
	const byRid = new Map();
	for (const rec of all) if (rec.request_id) (byRid.get(rec.request_id) || byRid.set(rec.request_id, []).get(rec.request_id)).push(rec);
	const missing = [];
	for (const { what, res, outcome } of refusals) {
		const rid = res.headers.get('x-request-id');
		assert.ok(rid, `${what}: no X-Request-Id`);
		const recs = byRid.get(rid) || [];
		if (!recs.some((r) => r.outcome === outcome)) missing.push(`${what} (${res.status}, request ${rid}): ${JSON.stringify(recs)}`);
	}
	assert.deepEqual(missing, [], 'refusals without an audit record of the right outcome');
});

test('audit verify passes on the server database, and names a changed record', async () => {
	const victimUser = 'u-thr';
	await srv.stop();
	const ok = spawnSync(BIN, ['--db', srv.db, 'audit', 'verify'], { encoding: 'utf8' });
	assert.equal(ok.status, 0, ok.stderr + ok.stdout);
	assert.match(ok.stdout, /intact/);
	const victim = Number(sql(`SELECT id FROM audit WHERE action = 'auth.login' AND actor = '${victimUser}' AND outcome = 'failed' ORDER BY id LIMIT 1`));
	assert.ok(victim > auditStart);
	sql(`DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'nothing happened' WHERE id = ${victim};`);
	const bad = spawnSync(BIN, ['--db', srv.db, 'audit', 'verify'], { encoding: 'utf8' });
	assert.equal(bad.status, 1, bad.stderr + bad.stdout);
	assert.match(bad.stderr + bad.stdout, new RegExp(`\\b${victim}\\b`));
	srv = null;
});
