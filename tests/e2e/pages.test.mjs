// End-to-end tests of the web UI over plain HTTP (no browser): the server-rendered pages served
// by the same binary as the API, their forms (application/x-www-form-urlencoded with a hidden
// _csrf field) and the session cookie __Host-empact. What is proved here is the UI's security
// and its behaviour on bad input: sign-in and where it leads (open redirects refused), pages
// without a session, sign-out, CSRF and Origin checks, forbidden things answered as a plain 404
// that says nothing, workflow buttons shown exactly to whom the API lets use them, forms that
// keep the user's input on a validation error or a stale version, escaping of everything a user
// typed (and Markdown with raw HTML omitted), request limits and static files, and, for every
// demo account, that each screen renders (200, or 404 where the API refuses the same read) with
// one <h1>, a <main> landmark and the classification banner of what it shows.
//
// Each test runs its own server on a fresh copy of the demo database, so the tests do not see
// each other's changes. Node's fetch keeps no cookies: the session cookie is read from the
// sign-in's 303 and sent by hand, and redirects are not followed (redirect: 'manual'). Changes
// are checked through the API with the demo accounts' API tokens (lib.mjs).
//
// Accounts with a clearance sign in with a TOTP code, computed here from the secret in the
// users table. The server refuses a code of the same 30-s step twice for an account; when a
// test signs an account in a second time on the same server, the helper puts the account's
// replay guard (users.totp_last_step) back to 0 first, as a new step would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { startServer, api, get, patch, expectStatus, rawRequest, tokens, DEMO_USERS, DEMO_PASSWORD, totp } from './lib.mjs';

const COOKIE = '__Host-empact';
const V = '/api/v1';
const FORM_CT = 'application/x-www-form-urlencoded';
// The demo data (`empact init --demo`).
const OAP_TITLE = 'Facilitated illegal immigration'; // OAP 1, RESTREINT UE
const ACTION2_TITLE = 'Demo action: exchange of intelligence on document fraud used by facilitation networks'; // RESTREINT UE
const RESTREINT_BANNER = 'RESTREINT UE/EU RESTRICTED';
const CLEARED = ['admin', 'cosi', 'gsc', 'commission', 'est', 'nec-nl', 'driver', 'co-driver', 'action-leader'];
const UNCLEARED = ['co-action-leader', 'participant', 'observer', 'public'];
// What a user typed to attack the pages: it must come back as text, never as markup.
const XSS = `<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" 'single'`;

/* ---- helpers ---- */

function sql(s, query) {
	return execFileSync('sqlite3', ['-cmd', '.timeout 10000', s.db, query], { encoding: 'utf8' }).trim();
}

const secretOf = (s, user) => sql(s, `SELECT coalesce(totp_secret, '') FROM users WHERE username = '${user}'`);
const hashHex = (token) => createHash('sha256').update(token).digest('hex').toUpperCase();

/*
 * A request to a page: {status, headers, text, location, setCookie}. cookie is the session id;
 * form is an object (or [name, value] pairs) sent urlencoded with the server's own Origin, as a
 * browser sends a form of the page it shows (headers may replace the Origin, or drop it with
 * Origin: undefined); raw is a body sent as is.
 */
async function page(s, method, p, { cookie, form, raw, headers = {} } = {}) {
	const h = {};
	if (cookie) h.Cookie = `${COOKIE}=${cookie}`;
	let body;
	if (form !== undefined) {
		body = new URLSearchParams(form).toString();
		h['Content-Type'] = FORM_CT;
		h.Origin = s.base;
	}
	if (raw !== undefined) body = raw;
	for (const [k, v] of Object.entries(headers)) {
		if (v === undefined) delete h[k];
		else h[k] = v;
	}
	const res = await fetch(s.base + p, { method, headers: h, body, redirect: 'manual' });
	const text = await res.text();
	return { status: res.status, headers: res.headers, text, location: res.headers.get('location'), setCookie: res.headers.getSetCookie() };
}

/* Asserts a page's status and that it is an HTML page with the pages' CSP. */
function expectPage(res, status, what) {
	assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} (Location ${res.location}): ${mainOf(res.text).slice(0, 700)}`);
	assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8', `${what}: content type`);
	assert.match(res.headers.get('content-security-policy') || '', /script-src 'self'/, `${what}: CSP`);
	if (status !== 303) {
		assert.match(res.text, /^<!doctype html>/i, `${what}: an HTML document`);
		assert.doesNotMatch(res.text, /^\s*[{[]/, `${what}: never a JSON body`);
	}
	return res;
}

/* A 303 to exactly `to`. */
function expectRedirect(res, to, what) {
	assert.equal(res.status, 303, `${what}: expected a 303 to ${to}, got ${res.status}: ${mainOf(res.text).slice(0, 500)}`);
	assert.equal(res.location, to, `${what}: Location`);
	return res;
}

const mainOf = (html) => {
	const a = html.indexOf('<main');
	const b = html.indexOf('</main>');
	return a >= 0 && b > a ? html.slice(a, b) : html;
};
const csrfOf = (html) => {
	const m = /<input type="hidden" name="_csrf" value="([^"]*)">/.exec(html);
	assert.ok(m && m[1], `no CSRF token in the page: ${mainOf(html).slice(0, 300)}`);
	return m[1];
};
const versionIn = (html) => {
	const m = /<input type="hidden" name="_version" value="(\d+)">/.exec(html);
	assert.ok(m, `no _version in the page: ${mainOf(html).slice(0, 300)}`);
	return m[1];
};
const buttons = (html) => [...html.matchAll(/<button type="submit"[^>]*>([^<]*)<\/button>/g)].map((m) => m[1]);
/* The session cookie a response sets: its value, or null. */
function cookieOf(res) {
	const c = res.setCookie.find((x) => x.startsWith(`${COOKIE}=`));
	return c ? c.slice(COOKIE.length + 1).split(';')[0] : null;
}
/* The div of a generated form field (templates/field.html). */
const fieldDiv = (html, name) => {
	const m = new RegExp(`<div class="field[^"]*">\\s*<label for="f-${name}"[\\s\\S]*?</div>`).exec(html);
	assert.ok(m, `no field ${name} in the form`);
	return m[0];
};

/*
 * Signs a demo account in through the sign-in form. code: the one-time code to send (default:
 * the right one for accounts with a secret, none for the others). Returns {res, cookie}.
 */
async function signIn(s, user, { next, code, password = DEMO_PASSWORD, headers } = {}) {
	const form = { username: user, password };
	const secret = secretOf(s, user);
	if (code === undefined && secret) {
		s.totpUsed = s.totpUsed || new Set();
		if (s.totpUsed.has(user)) sql(s, `UPDATE users SET totp_last_step = 0 WHERE username = '${user}'`); // the replay guard, see the top
		s.totpUsed.add(user);
		form.totp = totp(secret);
	} else if (code !== undefined) {
		form.totp = code;
	}
	if (next !== undefined) form.next = next;
	const res = await page(s, 'POST', '/sign-in', { form, headers });
	return { res, cookie: cookieOf(res) };
}

/* A signed-in session of a demo account: {cookie, csrf}. */
async function session(s, user) {
	const { res, cookie } = await signIn(s, user);
	assert.equal(res.status, 303, `sign-in of ${user}: ${mainOf(res.text).slice(0, 400)}`);
	assert.ok(cookie, `sign-in of ${user} set no cookie`);
	const acc = expectPage(await page(s, 'GET', '/account', { cookie }), 200, `/account of ${user}`);
	return { cookie, csrf: csrfOf(acc.text) };
}

/* A record through the API as the administrator: {body, version}. */
async function record(s, p, as = 'admin') {
	const r = expectStatus(await get(s.base, p, { as }), 200, `GET ${p} as ${as}`);
	return { body: r.body, version: JSON.parse(r.headers.get('etag')) };
}

/* A workflow move through the API, with the record's current version. */
async function move(s, p, to, as = 'admin') {
	const { version } = await record(s, p);
	expectStatus(await api(s.base, 'POST', `${p}/transitions`, { body: { to }, headers: { 'If-Match': `"${version}"` }, as }), 200, `${as}: ${p} -> ${to}`);
}

/* Runs fn with a server of its own, stopped whatever happens. */
async function withServer(fn) {
	const s = await startServer();
	try {
		await fn(s);
	} finally {
		await s.stop();
	}
}

/* ---- 1. sign-in ---- */

test('sign-in: the form, a wrong password, TOTP for cleared accounts, and no open redirect', () =>
	withServer(async (s) => {
		const form = expectPage(await page(s, 'GET', '/sign-in'), 200, 'GET /sign-in');
		const csp = form.headers.get('content-security-policy');
		assert.match(csp, /(^|; )script-src 'self'(;|$)/);
		assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
		assert.match(csp, /frame-ancestors 'none'/);
		assert.equal(form.headers.get('x-content-type-options'), 'nosniff');
		assert.equal(form.headers.get('cache-control'), 'no-store');
		assert.match(form.text, /<form method="post" action="\/sign-in"/);
		assert.match(form.text, /<input type="password" id="password" name="password" autocomplete="current-password" required>/);
		assert.equal(form.setCookie.length, 0);

		// A wrong password: 422, the alert, the user name kept, the password never sent back.
		const typedPassword = 'Wrong-Pass-9137-Zebra';
		let r = await page(s, 'POST', '/sign-in', { form: { username: 'observer', password: typedPassword, next: '/cycles' } });
		expectPage(r, 422, 'a wrong password');
		assert.match(r.text, /<div class="alert" role="alert"><p>The user name, the password or the one-time code is wrong\./);
		assert.match(r.text, /<input type="text" id="username" name="username" value="observer"/);
		assert.match(r.text, /<input type="hidden" name="next" value="\/cycles">/, 'the next page is kept');
		assert.ok(!r.text.includes(typedPassword), 'the password is never echoed');
		assert.doesNotMatch(r.text, /name="password"[^>]*value=/);
		assert.equal(r.setCookie.length, 0, 'no cookie on a failed sign-in');
		// What was typed as the user name comes back escaped.
		r = await page(s, 'POST', '/sign-in', { form: { username: '"><script>alert(1)</script>', password: typedPassword } });
		expectPage(r, 422, 'a user name with markup');
		assert.ok(r.text.includes('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'));
		assert.ok(!r.text.includes('<script>alert'));

		// The observer (no clearance, no TOTP) signs in: 303 to next, with the session cookie.
		const ok = await signIn(s, 'observer', { next: '/cycles' });
		expectRedirect(ok.res, '/cycles', 'observer signs in');
		assert.equal(ok.res.setCookie.length, 1);
		assert.match(ok.res.setCookie[0], /^__Host-empact=eps_[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; Secure; SameSite=Strict$/);
		const home = expectPage(await page(s, 'GET', '/', { cookie: ok.cookie }), 200, 'home of the observer');
		assert.match(home.text, /signed in as observer/);
		// Signed in already: the sign-in page goes on to next (a safe one only).
		expectRedirect(await page(s, 'GET', '/sign-in?next=/documents', { cookie: ok.cookie }), '/documents', 'GET /sign-in when signed in');
		expectRedirect(await page(s, 'GET', '/sign-in?next=//evil.example/x', { cookie: ok.cookie }), '/', 'GET /sign-in?next=//evil when signed in');

		// A cleared account: without the code, or with a wrong one, 422 and no session.
		const secret = secretOf(s, 'cosi');
		assert.ok(secret, 'cosi has a TOTP secret in the demo data');
		const lastStep = sql(s, `SELECT totp_last_step FROM users WHERE username = 'cosi'`);
		const near = new Set([-30, 0, 30].map((d) => totp(secret, Date.now() / 1000 + d)));
		let wrong = 123456;
		while (near.has(String(wrong))) wrong++;
		for (const code of ['', String(wrong)]) {
			const noCode = await signIn(s, 'cosi', { code, next: '/oaps/1' });
			expectPage(noCode.res, 422, `cosi with the code ${JSON.stringify(code)}`);
			assert.match(noCode.res.text, /role="alert"/);
			assert.match(noCode.res.text, /value="cosi"/);
			assert.equal(noCode.cookie, null);
		}
		assert.equal(sql(s, `SELECT totp_last_step FROM users WHERE username = 'cosi'`), lastStep, 'a refused sign-in used no code up');
		// With the code: 303 to next, and the page needing the clearance is shown.
		const cosi = await signIn(s, 'cosi', { next: '/oaps/1' });
		expectRedirect(cosi.res, '/oaps/1', 'cosi with the code');
		assert.ok(cosi.cookie);
		const oap = expectPage(await page(s, 'GET', '/oaps/1', { cookie: cosi.cookie }), 200, '/oaps/1 for cosi');
		assert.ok(oap.text.includes(OAP_TITLE));

		// next pointing away from empact is ignored: the sign-in goes to / (POST and GET alike).
		for (const next of ['//evil.example', 'https://evil.example', 'https://evil.example/oaps/1', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', 'evil.example', '/sign-out']) {
			const r2 = await signIn(s, 'observer', { next });
			expectRedirect(r2.res, '/', `next=${next}`);
			assert.ok(r2.cookie, `next=${next}: signed in all the same`);
			const shown = expectPage(await page(s, 'GET', `/sign-in?next=${encodeURIComponent(next)}`), 200, `GET /sign-in?next=${next}`);
			assert.match(shown.text, /<input type="hidden" name="next" value="\/">/, `next=${next} is not carried in the form`);
		}
		// A next with markup is carried as text only.
		const marked = expectPage(await page(s, 'GET', `/sign-in?next=${encodeURIComponent('/"><script>alert(1)</script>')}`), 200, 'next with markup');
		assert.ok(marked.text.includes('name="next" value="/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'));
		assert.ok(!marked.text.includes('<script>alert'));
		// A sign-in form posted from another site is refused (login CSRF).
		const cross = await signIn(s, 'observer', { headers: { Origin: 'http://evil.example' } });
		expectPage(cross.res, 403, 'sign-in from another site');
		assert.equal(cross.cookie, null);
	}));

test('sign-in: a next with a line break is ignored and the 303 goes to /', () =>
	withServer(async (s) => {
		// Sent raw, so that nothing on the client side touches the CR LF.
		const body = `username=observer&password=${DEMO_PASSWORD}&next=${encodeURIComponent('/x\r\nSet-Cookie: evil=1')}`;
		const r = await rawRequest(s.port, `POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nOrigin: ${s.base}\r\nContent-Type: ${FORM_CT}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
		const head = r.data.slice(0, r.data.indexOf('\r\n\r\n'));
		assert.equal(r.status, 303, head);
		assert.doesNotMatch(head, /^Set-Cookie: evil/im, 'no header injection');
		assert.match(head, /^Location: \/\r?$/m, `the 303 goes to /: ${head}`);
	}));

/* ---- 2. pages without a session ---- */

test('not signed in: a page sends to the sign-in and back; a dead or foreign credential is cleared, never a JSON error', () =>
	withServer(async (s) => {
		let r = expectRedirect(await page(s, 'GET', '/oaps/1'), '/sign-in?next=/oaps/1', 'GET /oaps/1 without a session');
		expectPage(r, 303, 'the redirect');
		assert.equal(r.setCookie.length, 0);
		assert.equal(r.text, '');
		// The query goes along, encoded.
		expectRedirect(await page(s, 'GET', '/oaps/1?status=planned&leader=DE'), '/sign-in?next=/oaps/1%3Fstatus%3Dplanned%26leader%3DDE', 'with a query');
		expectRedirect(await page(s, 'GET', '/'), '/sign-in?next=/', 'the home page');
		// The sign-in page carries it, and the sign-in goes back there.
		const form = expectPage(await page(s, 'GET', '/sign-in?next=/oaps/1'), 200, 'the sign-in page');
		assert.match(form.text, /<input type="hidden" name="next" value="\/oaps\/1">/);
		const cosi = await signIn(s, 'cosi', { next: '/oaps/1' });
		expectRedirect(cosi.res, '/oaps/1', 'back to /oaps/1 after signing in');
		expectPage(await page(s, 'GET', '/oaps/1', { cookie: cosi.cookie }), 200, '/oaps/1 after signing in');
		// A form posted without a session changes nothing and goes to the sign-in.
		const before = await record(s, `${V}/oaps/1`);
		r = await page(s, 'POST', '/oaps/1/transitions', { form: { to: 'drafting', _version: String(before.version) } });
		assert.equal(r.status, 303);
		assert.match(r.location, /^\/sign-in\?next=/);
		assert.deepEqual(await record(s, `${V}/oaps/1`), before);

		// Garbage, a made-up id of the right shape, an expired session: 303 to the sign-in, and
		// the response clears the cookie.
		const observer = await signIn(s, 'observer');
		sql(s, `UPDATE sessions SET seen_at = seen_at - 1801 WHERE hex(token_hash) = '${hashHex(observer.cookie)}'`);
		for (const [what, value] of [
			['garbage', 'garbage'],
			['made up', `eps_${'A'.repeat(43)}`],
			['expired (idle)', observer.cookie],
			['empty', ''],
		]) {
			r = await page(s, 'GET', '/oaps/1', { headers: { Cookie: `${COOKIE}=${value}` } });
			expectPage(r, 303, `a ${what} cookie`);
			assert.equal(r.location, '/sign-in?next=/oaps/1', `a ${what} cookie`);
			assert.doesNotMatch(r.text, /"error"/);
			if (value) assert.deepEqual(r.setCookie, [`${COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`], `a ${what} cookie is cleared`);
		}
		// Pages are for browsers: an API token is not a session.
		r = await page(s, 'GET', '/oaps/1', { headers: { Authorization: `Bearer ${tokens.admin}` } });
		expectRedirect(r, '/sign-in?next=/oaps/1', 'an API token on a page');
		// The sign-in page and the static files need no session.
		expectPage(await page(s, 'GET', '/sign-in'), 200, 'sign-in');
		assert.equal((await page(s, 'GET', '/static/empact.css')).status, 200);
	}));

/* ---- 3. sign-out ---- */

test('sign-out: needs the CSRF token, goes to the sign-in, and the old cookie is dead', () =>
	withServer(async (s) => {
		const me = await session(s, 'observer');
		// Without the token: 403, still signed in.
		let r = await page(s, 'POST', '/sign-out', { cookie: me.cookie, form: {} });
		expectPage(r, 403, 'sign-out without _csrf');
		assert.equal(r.setCookie.length, 0);
		expectPage(await page(s, 'GET', '/', { cookie: me.cookie }), 200, 'still signed in');
		// With it: 303 to the sign-in, and the cookie is cleared.
		r = await page(s, 'POST', '/sign-out', { cookie: me.cookie, form: { _csrf: me.csrf } });
		expectRedirect(r, '/sign-in?done=signed-out', 'sign-out');
		assert.deepEqual(r.setCookie, [`${COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`]);
		expectPage(await page(s, 'GET', r.location), 200, 'the page after signing out');
		// The old cookie no longer works, on pages or on the API.
		expectRedirect(await page(s, 'GET', '/', { cookie: me.cookie }), '/sign-in?next=/', 'GET / with the old cookie');
		expectRedirect(await page(s, 'GET', '/account', { cookie: me.cookie }), '/sign-in?next=/account', 'GET /account with the old cookie');
		assert.equal((await api(s.base, 'GET', `${V}/auth/session`, { headers: { Cookie: `${COOKIE}=${me.cookie}` } })).status, 401);
		assert.equal(sql(s, `SELECT COUNT(*) FROM sessions WHERE hex(token_hash) = '${hashHex(me.cookie)}'`), '0');
	}));

test('sign-out: the sign-in page it leads to says so', () =>
	withServer(async (s) => {
		const me = await session(s, 'observer');
		const r = expectRedirect(await page(s, 'POST', '/sign-out', { cookie: me.cookie, form: { _csrf: me.csrf } }), '/sign-in?done=signed-out', 'sign-out');
		const shown = expectPage(await page(s, 'GET', r.location), 200, 'the page after signing out');
		assert.match(shown.text, /<p class="notice" role="status">You have signed out\.<\/p>/);
	}));

/* ---- 4. CSRF and Origin ---- */

test('CSRF: a form without its token, with a wrong one, or from another site is a 403 page and changes nothing', () =>
	withServer(async (s) => {
		const driver = await session(s, 'driver');
		const other = await session(s, 'observer');
		const before = await record(s, `${V}/oaps/1`);
		assert.equal(before.body.status, 'submitted_to_cosi');
		const base = { to: 'drafting', _version: String(before.version) };
		const refused = [];
		const tries = [
			['no _csrf', { form: base }],
			['an empty _csrf', { form: { ...base, _csrf: '' } }],
			['a made-up _csrf', { form: { ...base, _csrf: `epc_${'B'.repeat(43)}` } }],
			["another session's _csrf", { form: { ...base, _csrf: other.csrf } }],
			['_csrf in the query, not the form', { form: base, path: `/oaps/1/transitions?_csrf=${driver.csrf}` }],
			['the right _csrf from another site', { form: { ...base, _csrf: driver.csrf }, headers: { Origin: 'http://evil.example' } }],
			['the right _csrf from a look-alike site', { form: { ...base, _csrf: driver.csrf }, headers: { Origin: `http://127.0.0.1.evil.example:${s.port}` } }],
			['the right _csrf from another port', { form: { ...base, _csrf: driver.csrf }, headers: { Origin: `http://127.0.0.1:${s.port + 1}` } }],
			['the right _csrf from Origin null', { form: { ...base, _csrf: driver.csrf }, headers: { Origin: 'null' } }],
		];
		for (const [what, t] of tries) {
			const r = await page(s, 'POST', t.path || '/oaps/1/transitions', { cookie: driver.cookie, form: t.form, headers: t.headers });
			expectPage(r, 403, what);
			assert.match(mainOf(r.text), /<h1>Not allowed<\/h1>/, what);
			assert.match(mainOf(r.text), /another site|expired or did not come from empact/, what);
			assert.equal(r.location, null, what);
			refused.push([what, r.headers.get('x-request-id')]);
		}
		// Nothing changed.
		assert.deepEqual(await record(s, `${V}/oaps/1`), before, 'the OAP after the refused forms');
		// Each refusal is in the audit trail as denied.
		const audit = expectStatus(await get(s.base, `${V}/audit?outcome=denied&limit=200`), 200).body.items;
		for (const [what, rid] of refused) assert.ok(audit.some((a) => a.request_id === rid && a.outcome === 'denied'), `${what}: no denied audit record for request ${rid}`);
		// Other forms are guarded the same way: a new action without the token.
		const n = (await get(s.base, `${V}/oaps/1/actions`)).body.items.length;
		expectPage(await page(s, 'POST', '/oaps/1/actions/new', { cookie: driver.cookie, form: { number: '7.7', position: '77', title: 'CSRF action' } }), 403, 'new action without _csrf');
		assert.equal((await get(s.base, `${V}/oaps/1/actions`)).body.items.length, n);
		// The same form with the token, from the site itself (with or without Origin), does the move.
		const ok = await page(s, 'POST', '/oaps/1/transitions', { cookie: driver.cookie, form: { ...base, _csrf: driver.csrf }, headers: { Origin: undefined } });
		expectRedirect(ok, '/oaps/1?done=moved', 'the genuine form');
		assert.equal((await record(s, `${V}/oaps/1`)).body.status, 'drafting');
	}));

/* ---- 5. forbidden is a plain 404 ---- */

test('forbidden pages are a 404 that says nothing, like pages that do not exist', () =>
	withServer(async (s) => {
		const observer = await session(s, 'observer');
		const none = expectPage(await page(s, 'GET', '/oaps/999999', { cookie: observer.cookie }), 404, '/oaps/999999');
		const plain = mainOf(none.text);
		assert.match(plain, /<h1>Page not found<\/h1>/);
		for (const [p, secret] of [
			['/oaps/1', OAP_TITLE],
			['/actions/2', ACTION2_TITLE],
			['/actions/2/edit', ACTION2_TITLE],
			['/oaps/1/edit', OAP_TITLE],
			['/oaps/1/actions/new', OAP_TITLE],
			['/oaps/1?status=planned', OAP_TITLE],
		]) {
			const r = expectPage(await page(s, 'GET', p, { cookie: observer.cookie }), 404, `observer GET ${p}`);
			assert.ok(!r.text.includes(secret), `${p}: the 404 names the record`);
			assert.ok(!r.text.includes(RESTREINT_BANNER), `${p}: the 404 has a classification banner`);
			assert.equal(mainOf(r.text), plain, `${p}: the 404 differs from the one of a page that does not exist`);
		}
		// Addresses that are no page, for a signed-in user and for nobody.
		for (const p of ['/no/such/page', '/oaps/abc', '/oaps/0', '/oaps/1/', '/OAPS/1', '/api-docs', '/oaps/99999999999999999999']) {
			const r = expectPage(await page(s, 'GET', p, { cookie: observer.cookie }), 404, `GET ${p}`);
			assert.match(mainOf(r.text), /<h1>Page not found<\/h1>/);
			expectPage(await page(s, 'GET', p), 404, `GET ${p} without a session`);
		}
		const driver = await session(s, 'driver');
		expectPage(await page(s, 'GET', '/oaps/999999', { cookie: driver.cookie }), 404, 'driver /oaps/999999');
		expectPage(await page(s, 'GET', '/actions/999999/edit', { cookie: driver.cookie }), 404, 'driver /actions/999999/edit');
		// Pages of a permission the role has not: as the API refuses the same read.
		const participant = await session(s, 'participant');
		for (const [who, p, apiPath] of [
			[observer, '/admin/users', `${V}/users`],
			[participant, '/audit', `${V}/audit`],
			[participant, '/admin/users', `${V}/users`],
			[driver, '/admin/users', `${V}/users`],
			[driver, '/audit', `${V}/audit`],
		]) {
			const r = expectPage(await page(s, 'GET', p, { cookie: who.cookie }), 404, p);
			assert.equal(mainOf(r.text), plain, `${p}: a plain 404`);
			const user = who === observer ? 'observer' : who === participant ? 'participant' : 'driver';
			assert.equal((await get(s.base, apiPath, { as: user })).status, 403, `${user} may not read ${apiPath} in the API either`);
		}
		// (The observer role reads the audit trail by policy, audit.read = ADMIN | OBS: its page is shown.)
		assert.equal((await get(s.base, `${V}/audit`, { as: 'observer' })).status, 200);
		expectPage(await page(s, 'GET', '/audit', { cookie: observer.cookie }), 200, 'observer /audit');
		// A form to a record one may not see is a 404 too, and changes nothing.
		const before = await record(s, `${V}/actions/2`);
		const r = await page(s, 'POST', '/actions/2/edit', { cookie: observer.cookie, form: { _csrf: observer.csrf, _version: String(before.version), title: 'observer was here' } });
		expectPage(r, 404, 'observer POST /actions/2/edit');
		assert.ok(!r.text.includes(ACTION2_TITLE));
		assert.deepEqual(await record(s, `${V}/actions/2`), before);
	}));

/* ---- 6. only the buttons the user may use ---- */

test('workflow buttons: shown exactly to whom the API lets make the move', () =>
	withServer(async (s) => {
		const before = await record(s, `${V}/oaps/1`);
		assert.equal(before.body.status, 'submitted_to_cosi');
		const S = {};
		for (const u of ['cosi', 'driver', 'nec-nl', 'est', 'commission', 'action-leader', 'participant', 'observer']) S[u] = await session(s, u);
		// COSI adopts.
		let r = expectPage(await page(s, 'GET', '/oaps/1', { cookie: S.cosi.cookie }), 200, 'cosi /oaps/1');
		assert.ok(buttons(r.text).includes('Adopt'), `cosi: ${buttons(r.text)}`);
		assert.match(r.text, new RegExp(`<input type="hidden" name="_version" value="${before.version}">\\s*<input type="hidden" name="to" value="adopted">\\s*<button type="submit">Adopt</button>`));
		// The Driver may return the plan to drafting, not adopt it.
		r = expectPage(await page(s, 'GET', '/oaps/1', { cookie: S.driver.cookie }), 200, 'driver /oaps/1');
		assert.ok(buttons(r.text).includes('Return to drafting'), `driver: ${buttons(r.text)}`);
		assert.ok(!buttons(r.text).includes('Adopt'), `driver: ${buttons(r.text)}`);
		assert.ok(!r.text.includes('value="adopted"'));
		// Cleared readers see the plan and no workflow button at all.
		for (const u of ['nec-nl', 'commission', 'action-leader']) {
			r = expectPage(await page(s, 'GET', '/oaps/1', { cookie: S[u].cookie }), 200, `${u} /oaps/1`);
			assert.ok(r.text.includes(OAP_TITLE));
			assert.ok(!buttons(r.text).includes('Adopt'), `${u}: ${buttons(r.text)}`);
			assert.ok(!r.text.includes('action="/oaps/1/transitions"'), `${u} has a workflow form`);
		}
		// Accounts without the clearance do not see the plan at all.
		for (const u of ['participant', 'observer']) {
			r = expectPage(await page(s, 'GET', '/oaps/1', { cookie: S[u].cookie }), 404, `${u} /oaps/1`);
			assert.ok(!r.text.includes('Adopt'));
		}
		// The button hidden is also the move refused: the POST is a 404, and nothing changes.
		for (const u of ['driver', 'nec-nl', 'est', 'commission', 'action-leader', 'participant', 'observer']) {
			r = await page(s, 'POST', '/oaps/1/transitions', { cookie: S[u].cookie, form: { _csrf: S[u].csrf, _version: String(before.version), to: 'adopted' } });
			expectPage(r, 404, `${u} POST to=adopted`);
			assert.ok(!r.text.includes(OAP_TITLE));
			assert.deepEqual(await record(s, `${V}/oaps/1`), before, `the OAP after ${u}'s refused adoption`);
		}
		// A move that does not exist from this state is refused on a page of its own, for COSI too.
		r = await page(s, 'POST', '/oaps/1/transitions', { cookie: S.cosi.cookie, form: { _csrf: S.cosi.csrf, _version: String(before.version), to: 'closed' } });
		expectPage(r, 409, 'an impossible move');
		assert.match(r.text, /<h1>The step could not be done<\/h1>/);
		assert.match(r.text, /<div class="alert" role="alert"><p>the OAP is submitted_to_cosi and cannot move to closed; allowed: adopted, drafting<\/p><\/div>/);
		assert.match(r.text, /<a href="\/oaps\/1">Go back<\/a>/);
		assert.deepEqual(await record(s, `${V}/oaps/1`), before);
		// COSI's button works: the OAP is adopted, and the Adopt button is gone.
		r = await page(s, 'POST', '/oaps/1/transitions', { cookie: S.cosi.cookie, form: { _csrf: S.cosi.csrf, _version: String(before.version), to: 'adopted' } });
		expectRedirect(r, '/oaps/1?done=moved', 'cosi adopts');
		assert.equal((await record(s, `${V}/oaps/1`)).body.status, 'adopted');
		r = expectPage(await page(s, 'GET', r.location, { cookie: S.cosi.cookie }), 200, 'cosi /oaps/1 after adopting');
		assert.match(r.text, /<p class="notice" role="status">The workflow step is done\.<\/p>/);
		assert.ok(!buttons(r.text).includes('Adopt'));
		r = expectPage(await page(s, 'GET', '/oaps/1', { cookie: S.driver.cookie }), 200, 'driver /oaps/1 after adoption');
		assert.ok(buttons(r.text).includes('Start implementation'), `driver after adoption: ${buttons(r.text)}`);
	}));

/* ---- 7. validation keeps the input ---- */

test('a form with a bad field is a 422 that marks the field and keeps what was typed; a good one creates', () =>
	withServer(async (s) => {
		const driver = await session(s, 'driver');
		// Back to drafting through the UI, with the version the API gives.
		const oap = await record(s, `${V}/oaps/1`);
		expectRedirect(
			await page(s, 'POST', '/oaps/1/transitions', { cookie: driver.cookie, form: { _csrf: driver.csrf, _version: String(oap.version), to: 'drafting' } }),
			'/oaps/1?done=moved',
			'back to drafting',
		);
		assert.equal((await record(s, `${V}/oaps/1`)).body.status, 'drafting');
		const count = async () => (await get(s.base, `${V}/oaps/1/actions?limit=500`)).body.items.length;
		const n = await count();
		const form = expectPage(await page(s, 'GET', '/oaps/1/actions/new', { cookie: driver.cookie }), 200, 'the new action form');
		assert.match(form.text, /<form method="post" action="\/oaps\/1\/actions\/new"/);

		// A position that is not a number: found by the page itself.
		const title = 'Typed title <b>kept</b> & "quoted"';
		let r = await page(s, 'POST', '/oaps/1/actions/new', { cookie: driver.cookie, form: { _csrf: driver.csrf, number: '4.1', position: 'abc', title } });
		expectPage(r, 422, 'position=abc');
		assert.match(r.text, /<div class="alert" role="alert"><p>Some fields need fixing: see below\.<\/p><\/div>/);
		const pos = fieldDiv(r.text, 'position');
		assert.match(pos, /^<div class="field invalid">/);
		assert.match(pos, /<p class="error" id="f-position-error">is not a whole number<\/p>/);
		assert.match(pos, /<input type="text" inputmode="numeric" id="f-position" name="position" value="abc" required aria-invalid="true" aria-describedby="f-position-hint f-position-error">/);
		const t = fieldDiv(r.text, 'title');
		assert.match(t, /^<div class="field">/, 'the title has no error');
		assert.ok(t.includes('value="Typed title &lt;b&gt;kept&lt;/b&gt; &amp; &quot;quoted&quot;"'), `the typed title is kept: ${t}`);
		assert.match(fieldDiv(r.text, 'number'), /value="4\.1"/);
		assert.equal((r.text.match(/class="error"/g) || []).length, 1, 'one field in error');
		assert.equal(await count(), n, 'nothing was created');
		// A field the API refuses (an empty title): its message next to the field.
		r = await page(s, 'POST', '/oaps/1/actions/new', { cookie: driver.cookie, form: { _csrf: driver.csrf, number: '4.1', position: '41', title: '' } });
		expectPage(r, 422, 'an empty title');
		assert.match(fieldDiv(r.text, 'title'), /<p class="error" id="f-title-error">[^<]+<\/p>/);
		assert.match(fieldDiv(r.text, 'position'), /value="41"/);
		// A date that is not one, and an amount that is not one.
		r = await page(s, 'POST', '/oaps/1/actions/new', { cookie: driver.cookie, form: { _csrf: driver.csrf, number: '4.1', position: '41', title, budget_cents: 'lots' } });
		expectPage(r, 422, 'budget=lots');
		assert.match(fieldDiv(r.text, 'budget_cents'), /<p class="error" id="f-budget_cents-error">is not an amount in euros/);
		r = await page(s, 'POST', '/oaps/1/actions/new', { cookie: driver.cookie, form: { _csrf: driver.csrf, number: '4.1', position: '41', title, start_date: '31.12.2018' } });
		expectPage(r, 422, 'a start date not in YYYY-MM-DD');
		assert.match(fieldDiv(r.text, 'start_date'), /<p class="error" id="f-start_date-error">[^<]*not a date/);
		assert.match(fieldDiv(r.text, 'start_date'), /value="31\.12\.2018"/);
		// A classification above the installation's accreditation is refused.
		r = await page(s, 'POST', '/oaps/1/actions/new', { cookie: driver.cookie, form: { _csrf: driver.csrf, number: '4.1', position: '41', title, classification: 'secret_ue' } });
		expectPage(r, 422, 'classification=secret_ue');
		assert.match(r.text, /role="alert"/);
		// A number the OAP already has: refused, the input kept.
		r = await page(s, 'POST', '/oaps/1/actions/new', { cookie: driver.cookie, form: { _csrf: driver.csrf, number: '1.1', position: '41', title } });
		expectPage(r, 422, 'a duplicate number');
		assert.match(r.text, /<div class="alert" role="alert"><p>[^<]*already has the same oap_id, number<\/p><\/div>/);
		assert.match(fieldDiv(r.text, 'number'), /value="1\.1"/);
		assert.equal(await count(), n, 'nothing was created');

		// With valid fields: 303 to the new action, which the API has.
		r = await page(s, 'POST', '/oaps/1/actions/new', {
			cookie: driver.cookie,
			form: { _csrf: driver.csrf, number: '4.1', position: '41', title: 'A valid new action', start_date: '2019-01-01', budget_cents: '1250.50', possible_jad: 'yes', classification: 'unclassified', marking: 'none' },
		});
		assert.equal(r.status, 303, mainOf(r.text).slice(0, 800));
		const m = /^\/actions\/(\d+)\?done=created$/.exec(r.location);
		assert.ok(m, `Location ${r.location}`);
		const made = (await record(s, `${V}/actions/${m[1]}`)).body;
		assert.equal(made.title, 'A valid new action');
		assert.equal(made.oap_id, 1);
		assert.equal(made.number, '4.1');
		assert.equal(made.position, 41);
		assert.equal(made.start_date, '2019-01-01');
		assert.equal(made.budget_cents, 125050);
		assert.equal(made.possible_jad, true);
		assert.equal(await count(), n + 1);
		const shown = expectPage(await page(s, 'GET', r.location, { cookie: driver.cookie }), 200, 'the new action');
		assert.match(shown.text, /<p class="notice" role="status">Created\.<\/p>/);
		assert.match(shown.text, /<h1>Action 4\.1: A valid new action<\/h1>/);
	}));

/* ---- 8. escaping ---- */

/* Asserts that a page shows XSS as text only. */
function escaped(res, what) {
	assert.ok(res.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;'), `${what}: the text is not shown escaped: ${mainOf(res.text).slice(0, 600)}`);
	assert.ok(!res.text.includes('<script>alert'), `${what}: a raw <script>`);
	assert.ok(!/<img src=x/i.test(res.text), `${what}: a raw <img>`);
	assert.ok(!res.text.includes(`"quoted"`), `${what}: a raw double quote of user text`);
	assert.ok(!res.text.includes(`'single'`), `${what}: a raw single quote of user text`);
	assert.ok(res.text.includes('&quot;quoted&quot;') && res.text.includes('&#39;single&#39;'), `${what}: quotes not escaped`);
}

test('what users type is shown as text on every page: titles, descriptions, search, Markdown narratives', () =>
	withServer(async (s) => {
		const driver = await session(s, 'driver');
		let r = await page(s, 'POST', '/oaps/1/actions/new', { cookie: driver.cookie, form: { _csrf: driver.csrf, number: '9.9', position: '99', title: XSS, description: XSS, what: XSS } });
		assert.equal(r.status, 303, mainOf(r.text).slice(0, 800));
		const id = /^\/actions\/(\d+)\?done=created$/.exec(r.location)[1];
		const made = (await record(s, `${V}/actions/${id}`)).body;
		assert.equal(made.title, XSS, 'stored as typed');
		assert.equal(made.description, XSS);
		// The Driver's organisation (FR) co-leads it, so that the home page lists it.
		const fr = (await get(s.base, `${V}/organisations?limit=200`)).body.items.find((o) => o.code === 'FR');
		const { version } = await record(s, `${V}/actions/${id}`);
		expectStatus(await api(s.base, 'POST', `${V}/actions/${id}/leaders`, { body: { org_id: fr.id, role: 'co_leader' }, headers: { 'If-Match': `"${version}"` } }), 201);
		for (const p of ['/oaps/1', `/actions/${id}`, `/actions/${id}/edit`, '/', '/search?q=script']) {
			r = expectPage(await page(s, 'GET', p, { cookie: driver.cookie }), 200, `driver GET ${p}`);
			escaped(r, p);
		}
		// The page titles and the annex link.
		r = await page(s, 'GET', `/actions/${id}`, { cookie: driver.cookie });
		assert.match(r.text, /<title>Action 9\.9: &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
		assert.match(r.text, /<h2>Description<\/h2><p class="narrative">&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(2\)&gt; &quot;quoted&quot; &#39;single&#39;<\/p>/);
		r = await page(s, 'GET', '/search?q=script', { cookie: driver.cookie });
		assert.ok(r.text.includes(`<a href="/actions/${id}">&lt;script&gt;`), 'search finds the action');
		// What is typed into the search box comes back as text.
		r = expectPage(await page(s, 'GET', `/search?q=${encodeURIComponent(XSS)}`, { cookie: driver.cookie }), 200, 'search for the markup');
		escaped(r, 'the search box');
		// A failed form puts the typed text back escaped.
		r = await page(s, 'POST', '/oaps/1/actions/new', { cookie: driver.cookie, form: { _csrf: driver.csrf, number: '9.8', position: 'x', title: XSS, description: XSS } });
		expectPage(r, 422, 'a failed form with markup');
		escaped(r, 'the failed form');
		assert.ok(r.text.includes(`<textarea id="f-description" name="description" rows="5">&lt;script&gt;`));

		// A progress report narrative (Markdown): raw HTML is omitted, unsafe links are emptied.
		await move(s, `${V}/oaps/1`, 'adopted', 'cosi');
		await move(s, `${V}/oaps/1`, 'in_implementation', 'driver');
		for (const a of [1, 2, 3]) await move(s, `${V}/actions/${a}`, 'planned', 'driver');
		await move(s, `${V}/reporting-rounds/1`, 'open', 'est');
		const report = (await get(s.base, `${V}/reporting-rounds/1/progress-reports`)).body.items.find((x) => x.action_id === 1);
		assert.ok(report, 'the open round asked action 1 for a report');
		const leader = await session(s, 'action-leader'); // DE leads action 1
		r = expectPage(await page(s, 'GET', `/progress-reports/${report.id}`, { cookie: leader.cookie }), 200, 'the report form');
		const narrative = `${XSS}\n\nBefore <img src=x onerror=alert(3)> after, *emphasised*.\n\n<a href="javascript:alert(4)">a</a> [link](javascript:alert(5)) <iframe src="//evil.example"></iframe>`;
		r = await page(s, 'POST', `/progress-reports/${report.id}`, { cookie: leader.cookie, form: { _csrf: leader.csrf, _version: versionIn(r.text), narrative, problems: XSS, _do: 'save' } });
		expectRedirect(r, `/progress-reports/${report.id}?done=saved`, 'the report saved');
		assert.equal((await record(s, `${V}/progress-reports/${report.id}`)).body.narrative, narrative, 'stored as typed');
		// The writer's form shows the Markdown source as text.
		r = expectPage(await page(s, 'GET', `/progress-reports/${report.id}`, { cookie: leader.cookie }), 200, 'the report for its writer');
		escaped(r, 'the report form');
		assert.ok(r.text.includes('<textarea id="f-narrative" name="narrative" rows="8" aria-describedby="f-narrative-hint">&lt;script&gt;alert(1)&lt;/script&gt;'));
		// A reader sees it rendered, without any of the HTML or the javascript: links.
		const reader = await session(s, 'observer');
		for (const who of [driver, reader]) {
			r = expectPage(await page(s, 'GET', `/progress-reports/${report.id}`, { cookie: who.cookie }), 200, 'the report for a reader');
			const div = /<div class="narrative">([\s\S]*?)<\/div>/.exec(r.text);
			assert.ok(div, `no rendered narrative: ${mainOf(r.text).slice(0, 600)}`);
			const html = div[1];
			assert.match(html, /<em>emphasised<\/em>/, 'the Markdown is rendered');
			assert.match(html, /raw HTML omitted/);
			for (const bad of ['<script', '<img', '<iframe', 'javascript:', 'onerror', '<a href="javascript']) assert.ok(!html.toLowerCase().includes(bad), `the narrative has ${bad}: ${html}`);
			assert.ok(!r.text.includes('<script>alert') && !/<img src=x/.test(r.text) && !/<iframe/i.test(r.text), 'nothing raw anywhere on the page');
			assert.ok(!r.text.includes(`"quoted"`) && !r.text.includes(`'single'`), 'no raw quotes of user text on the page');
			assert.ok(r.text.includes('<h3>Problems met</h3><p>&lt;script&gt;alert(1)&lt;/script&gt;'), 'the problems are shown as text');
		}
	}));

/* ---- 8b. the Support Team chases the missing reports ---- */

/* "2026-11-24T10:05:00Z" as the pages show a date: "24.11.2026". */
const euroDate = (ts) => `${ts.slice(8, 10)}.${ts.slice(5, 7)}.${ts.slice(0, 4)}`;

test('the Support Team chases the missing reports from the round page; the Action Leader reads the reminder and its message as text', () =>
	withServer(async (s) => {
		await move(s, `${V}/oaps/1`, 'adopted', 'cosi');
		await move(s, `${V}/oaps/1`, 'in_implementation', 'driver');
		for (const a of [1, 2, 3]) await move(s, `${V}/actions/${a}`, 'planned', 'driver');
		await move(s, `${V}/reporting-rounds/1`, 'open', 'est');
		const reports = (await get(s.base, `${V}/reporting-rounds/1/progress-reports`)).body.items;
		assert.equal(reports.length, 3);
		const r1 = reports.find((r) => r.action_id === 1);
		const est = await session(s, 'est');
		const leader = await session(s, 'action-leader'); // DE leads action 1.1
		const driver = await session(s, 'driver');
		const chaseForm = '<form method="post" action="/reporting-rounds/1/chase" class="stack" novalidate>';

		// The form is the Support Team's: a message field and the button; nobody has been chased yet.
		let r = expectPage(await page(s, 'GET', '/reporting-rounds/1', { cookie: est.cookie }), 200, 'est: the open round');
		assert.ok(r.text.includes(chaseForm), `no chase form: ${mainOf(r.text).slice(-1500)}`);
		assert.ok(buttons(r.text).includes('Chase the missing reports'), `est: ${buttons(r.text)}`);
		assert.match(r.text, /<textarea id="f-message" name="message" rows="3" maxlength="2000" aria-describedby="f-message-hint"><\/textarea>/);
		assert.equal((r.text.match(/<span class="muted">not yet<\/span>/g) || []).length, 3, 'the missing reports do not say that nobody was chased yet');
		for (const who of [driver, leader]) {
			r = expectPage(await page(s, 'GET', '/reporting-rounds/1', { cookie: who.cookie }), 200, 'a reader of the round');
			assert.ok(!r.text.includes('/reporting-rounds/1/chase'), 'the chase form is shown to someone who may not chase');
			// The form hidden is also the chase refused: 404, and nobody is chased.
			r = await page(s, 'POST', '/reporting-rounds/1/chase', { cookie: who.cookie, form: { _csrf: who.csrf, message: 'Hurry.' } });
			expectPage(r, 404, 'a chase by someone who may not');
		}
		// Without its CSRF token the form is refused.
		expectPage(await page(s, 'POST', '/reporting-rounds/1/chase', { cookie: est.cookie, form: { message: 'Hurry.' } }), 403, 'a chase without _csrf');
		// A message too long: the form again (422) with the problem next to the field and the text kept.
		const long = `${'Send it. '.repeat(222)}Now!!!`; // 2004 characters
		r = expectPage(await page(s, 'POST', '/reporting-rounds/1/chase', { cookie: est.cookie, form: { _csrf: est.csrf, message: long } }), 422, 'a message too long');
		assert.match(r.text, /<div class="field invalid">/);
		assert.match(r.text, /<p class="error" id="f-message-error">the message is 2004 characters long; it may have at most 2000<\/p>/);
		assert.ok(r.text.includes(`aria-invalid="true">${long}</textarea>`), 'the typed message is not kept');
		assert.equal((await record(s, `${V}/progress-reports/${r1.id}`)).body.chase_count, 0, 'the refused chase reminded someone');

		// The chase: a 303 to the round, whose banner says how many were chased.
		const message = `Please send the report before the NEC meeting. ${XSS}`;
		r = await page(s, 'POST', '/reporting-rounds/1/chase', { cookie: est.cookie, form: { _csrf: est.csrf, message } });
		expectRedirect(r, '/reporting-rounds/1?done=chased&reminded=3&asked=0', 'est chases');
		r = expectPage(await page(s, 'GET', r.location, { cookie: est.cookie }), 200, 'the round after the chase');
		assert.match(r.text, /<p class="notice" role="status">3 missing reports chased: their Action Leaders were reminded\.<\/p>/);
		const rec = (await record(s, `${V}/progress-reports/${r1.id}`)).body;
		assert.deepEqual(rec.reminders.map((x) => [x.sent_by, x.message]), [['est', message]]);
		const day = euroDate(rec.last_chased_at);
		// Each missing report says when it was last chased and how many times.
		const row = new RegExp(`<tr><td><a href="/progress-reports/${r1.id}">Action 1\\.1</a>[^<]*</td><td>DE</td><td>Requested[^]*?</td><td>${day.replace(/\./g, '\\.')} \\d\\d:\\d\\d</td><td class="num">1</td></tr>`);
		assert.match(r.text, row, mainOf(r.text).slice(-2500));
		assert.ok(!r.text.includes('<span class="muted">not yet</span>'), 'a chased report says it was not yet chased');
		// The counts in the banner are numbers only: anything else in the address is not shown.
		r = expectPage(await page(s, 'GET', `/reporting-rounds/1?done=chased&reminded=${encodeURIComponent(XSS)}`, { cookie: est.cookie }), 200, 'a made-up banner');
		assert.ok(!r.text.includes('alert('), 'the address made it into the page');

		// The Action Leader's home page and report: the reminder, its date and the message, as text.
		const said = `Chased by the Support Team on ${day}: Please send the report before the NEC meeting. &lt;script&gt;alert(1)&lt;/script&gt;`;
		r = expectPage(await page(s, 'GET', '/', { cookie: leader.cookie }), 200, 'the leader home page');
		const due = /<section class="card" aria-labelledby="h-due">[\s\S]*?<\/section>/.exec(r.text)[0];
		assert.ok(due.includes(`<a href="/progress-reports/${r1.id}">`), `the report is not due on the home page: ${due}`);
		assert.ok(due.includes(said), `the home page does not show the reminder: ${due}`);
		escaped(r, 'the home page');
		r = expectPage(await page(s, 'GET', `/progress-reports/${r1.id}`, { cookie: leader.cookie }), 200, 'the leader report');
		assert.ok(r.text.includes(`<li>${said}`), `the report page does not show the reminder: ${mainOf(r.text).slice(0, 1500)}`);
		escaped(r, 'the report page');

		// A second chase, without a message: counted twice, the last date and no message shown.
		r = await page(s, 'POST', '/reporting-rounds/1/chase', { cookie: est.cookie, form: { _csrf: est.csrf, message: '  ' } });
		expectRedirect(r, '/reporting-rounds/1?done=chased&reminded=3&asked=0', 'est chases again');
		r = expectPage(await page(s, 'GET', '/', { cookie: leader.cookie }), 200, 'the leader home page after two chases');
		assert.match(r.text, new RegExp(`<p class="chased">Chased by the Support Team on ${day.replace(/\./g, '\\.')}\\. <span class="muted">\\(2 reminders\\)</span></p>`));

		// A round that is not open: the chase is refused on the round's page, with the reason.
		const planned = expectStatus(await api(s.base, 'POST', `${V}/reporting-rounds`, { body: { cycle_id: 2, label: '2019-H1', opens_on: '2019-05-01', closes_on: '2019-05-31' } }), 201).body;
		r = expectPage(await page(s, 'GET', `/reporting-rounds/${planned.id}`, { cookie: est.cookie }), 200, 'a planned round');
		assert.ok(!r.text.includes(`/reporting-rounds/${planned.id}/chase`), 'a planned round offers to chase');
		r = expectPage(await page(s, 'POST', `/reporting-rounds/${planned.id}/chase`, { cookie: est.cookie, form: { _csrf: est.csrf, message: 'Hurry.' } }), 422, 'chasing a planned round');
		assert.match(r.text, /<div class="alert" role="alert"><p>The missing reports were not chased: round 2019-H1 is planned: missing reports are chased while the round is open/);
	}));

/* ---- 9. a stale form ---- */

test('a form sent after someone else saved is a 409 that shows both versions and keeps the input', () =>
	withServer(async (s) => {
		const driver = await session(s, 'driver');
		const form = expectPage(await page(s, 'GET', '/actions/1/edit', { cookie: driver.cookie }), 200, 'the edit form');
		const old = versionIn(form.text);
		const cur = await record(s, `${V}/actions/1`);
		assert.equal(String(cur.version), old, 'the form carries the current version');
		// The administrator saves first, through the API.
		expectStatus(await patch(s.base, `${V}/actions/1`, { title: 'Title saved by the administrator' }, cur.version), 200, 'the admin PATCH');
		const theirs = await record(s, `${V}/actions/1`);
		// The Driver's form with the old version.
		const fields = { _csrf: csrfOf(form.text), _version: old, number: cur.body.number, position: String(cur.body.position), title: 'Title typed by the Driver' };
		let r = await page(s, 'POST', '/actions/1/edit', { cookie: driver.cookie, form: fields });
		expectPage(r, 409, 'the stale form');
		assert.match(r.text, /role="alert"><p>Someone else saved this record after you opened it\./);
		const cmp = /<section class="compare" aria-label="Both versions">[\s\S]*?<\/section>/.exec(r.text);
		assert.ok(cmp, 'both versions are shown');
		assert.match(cmp[0], /<h2>Saved by someone else<\/h2><table>[\s\S]*?<th scope="row">Title<\/th><td>Title saved by the administrator<\/td>/);
		assert.match(cmp[0], /<h2>Yours[^<]*<\/h2><table>[\s\S]*?<th scope="row">Title<\/th><td>Title typed by the Driver<\/td>/);
		assert.match(fieldDiv(r.text, 'title'), /value="Title typed by the Driver"/, 'the typed title is kept in the form');
		// The form now carries the stored version; the record is the administrator's.
		assert.equal(versionIn(r.text), String(theirs.version));
		assert.deepEqual(await record(s, `${V}/actions/1`), theirs);
		// Sent again, knowingly, it replaces theirs.
		r = await page(s, 'POST', '/actions/1/edit', { cookie: driver.cookie, form: { ...fields, _version: versionIn(r.text) } });
		expectRedirect(r, '/actions/1?done=saved', 'sent again');
		assert.equal((await record(s, `${V}/actions/1`)).body.title, 'Title typed by the Driver');
		// A workflow button of a stale page: the Driver's page offers "Return to drafting"; the
		// administrator changes the plan meanwhile: the button is a 409 on a page that says so.
		const stale = expectPage(await page(s, 'GET', '/oaps/1', { cookie: driver.cookie }), 200, 'the OAP page of the Driver');
		const button = /<input type="hidden" name="_version" value="(\d+)">\s*<input type="hidden" name="to" value="drafting">/.exec(stale.text);
		assert.ok(button, 'the Driver is offered Return to drafting');
		const o = await record(s, `${V}/oaps/1`);
		expectStatus(await patch(s.base, `${V}/oaps/1`, { title: `${OAP_TITLE} (revised)` }, o.version), 200, 'the admin PATCH of the OAP');
		let oap = await record(s, `${V}/oaps/1`);
		const staleForm = { _csrf: csrfOf(stale.text), _version: button[1], to: 'drafting' };
		r = await page(s, 'POST', '/oaps/1/transitions', { cookie: driver.cookie, form: staleForm });
		expectPage(r, 409, 'a stale workflow button');
		assert.match(r.text, /<h1>The step could not be done<\/h1>/);
		assert.match(r.text, /<div class="alert" role="alert"><p>Someone else changed this record after you opened the page\./);
		assert.match(r.text, /<a href="\/oaps\/1">Go back<\/a>/);
		assert.deepEqual(await record(s, `${V}/oaps/1`), oap);
		// COSI adopts meanwhile: the move is no longer there, which the page says as well.
		await move(s, `${V}/oaps/1`, 'adopted', 'cosi');
		oap = await record(s, `${V}/oaps/1`);
		r = await page(s, 'POST', '/oaps/1/transitions', { cookie: driver.cookie, form: staleForm });
		expectPage(r, 409, 'a workflow button of a state that has passed');
		assert.match(r.text, /<div class="alert" role="alert"><p>the OAP is adopted and cannot move to drafting; allowed: in_implementation<\/p><\/div>/);
		assert.deepEqual(await record(s, `${V}/oaps/1`), oap);
	}));

/* ---- 9b. the declassification form ---- */

const REASON = 'Public access would undermine the protection of the public interest as regards public security (Regulation (EC) No 1049/2001, Article 4(1)(a))';
/* The rows of a declassification form: [{i, id ("passage:p2"), legend, fieldset}] in order. */
function declassRows(html) {
	return [...html.matchAll(/<fieldset class="decision[^"]*"[^>]*>\s*<legend>([^<]*)<\/legend>\s*<input type="hidden" name="k(\d+)" value="([^"]+)">[\s\S]*?<\/fieldset>/g)].map((m) => ({
		legend: m[1],
		i: m[2],
		id: m[3],
		fieldset: m[0],
	}));
}
/* The fields of a declassification form as a person fills it: decide(id) gives [decision, reason]. */
function declassForm(html, decide, extra = {}) {
	const form = [['_csrf', csrfOf(html)]];
	const v = /<input type="hidden" name="_version" value="(\d+)">/.exec(html);
	if (v) form.push(['_version', v[1]]);
	for (const r of declassRows(html)) {
		const [d, why] = decide(r.id);
		form.push([`k${r.i}`, r.id]);
		if (d) form.push([`d${r.i}`, d]);
		form.push([`r${r.i}`, why || '']);
	}
	for (const [k, v2] of Object.entries(extra)) form.push([k, v2]);
	return form;
}
/* The decisions of 13874/17 EXT 1: p2 and p4 deleted, sections 5.1 and 6 not declassified. */
const EXT1 = (id) =>
	['passage:p2', 'passage:p4'].includes(id) ? ['deleted', REASON] : ['section:5.1', 'section:6'].includes(id) ? ['not_declassified', REASON] : ['released', ''];

test('the declassification form: the parts to decide, a missing reason at its field (422, input kept), a proposal made, then changed', () =>
	withServer(async (s) => {
		const gsc = await session(s, 'gsc');
		const docs = async () => (await get(s.base, `${V}/documents?limit=100`)).body.items.length;
		const n = await docs();
		// The document page links to the form; the JSON text area is gone.
		let r = expectPage(await page(s, 'GET', '/documents/2', { cookie: gsc.cookie }), 200, 'gsc /documents/2');
		assert.match(r.text, /<a class="button" href="\/documents\/2\/declassify">Propose a declassification<\/a>/);
		assert.doesNotMatch(r.text, /name="decisions"/, 'the JSON text area is still there');
		// The form: one group per passage of 13874/17 and per section of OAP 1, in order.
		r = expectPage(await page(s, 'GET', '/documents/2/declassify', { cookie: gsc.cookie }), 200, 'gsc /documents/2/declassify');
		assert.match(r.text, /<h1>Propose a declassification of 13874\/17<\/h1>/);
		assert.match(r.text, /<form method="post" action="\/documents\/2\/declassify" class="declassify" novalidate>\s*<input type="hidden" name="_csrf" value="[^"]+">/);
		const subject = expectStatus(await get(s.base, `${V}/documents/2/declassification-subject`, { as: 'gsc' }), 200).body;
		const rows = declassRows(r.text);
		assert.deepEqual(rows.map((x) => x.id), [...subject.passages.map((p) => `passage:${p.key}`), ...subject.sections.map((x) => `section:${x.number}`)]);
		assert.deepEqual(rows.map((x) => x.i), rows.map((_, i) => String(i)), 'rows numbered from 0');
		assert.equal(rows[0].legend, 'Passage p1');
		assert.match(rows[0].fieldset, /<blockquote class="excerpt">Delegations will find attached the draft OAP 2018/);
		const s51 = rows.find((x) => x.id === 'section:5.1');
		assert.equal(s51.legend, 'Section 5.1 Planning');
		// Text empact does not hold cannot be released: no such choice.
		assert.doesNotMatch(s51.fieldset, /value="released"/);
		assert.match(s51.fieldset, /empact does not hold its text/);
		for (const x of rows) {
			for (const [value, label] of [['deleted', 'Deleted'], ['not_declassified', 'Not declassified']])
				assert.match(x.fieldset, new RegExp(`<label><input type="radio" name="d${x.i}" value="${value}"> ${label}</label>`), `${x.legend}: ${label}`);
			assert.match(x.fieldset, new RegExp(`<label for="f-r${x.i}">Reason for withholding it`), `${x.legend}: the reason's label`);
			assert.match(x.fieldset, new RegExp(`<textarea class="reason" id="f-r${x.i}" name="r${x.i}" rows="2"></textarea>`));
		}
		assert.match(r.text, /<label for="f-suffix">Number of the EXT version/);
		// A removal without its reason: 422, the service's message next to that reason, the rest kept.
		const p4 = rows.find((x) => x.id === 'passage:p4');
		const typed = `${REASON} ${XSS}`;
		r = await page(s, 'POST', '/documents/2/declassify', { cookie: gsc.cookie, form: declassForm(r.text, (id) => (id === 'passage:p4' ? ['deleted', ''] : id === 'passage:p2' ? ['deleted', typed] : EXT1(id))) });
		expectPage(r, 422, 'a deletion without its reason');
		assert.match(r.text, /<div class="alert" role="alert"><p>1 part of the form needs fixing: it is marked below\.<\/p><\/div>/);
		const again = declassRows(r.text);
		const bad = again.find((x) => x.id === 'passage:p4');
		assert.match(bad.fieldset, /^<fieldset class="decision invalid"/);
		assert.match(
			bad.fieldset,
			new RegExp(`<div class="field invalid">\\s*<label for="f-r${p4.i}">[^\\n]*</label>\\s*<p class="error" id="f-r${p4.i}-error">a removal needs its reason</p>\\s*<textarea class="reason" id="f-r${p4.i}" name="r${p4.i}" rows="2" aria-invalid="true" aria-describedby="f-r${p4.i}-error"></textarea>`),
			`the error next to the reason of p4: ${bad.fieldset}`,
		);
		assert.match(bad.fieldset, new RegExp(`name="d${p4.i}" value="deleted" checked`), 'the chosen decision is kept');
		assert.equal(again.filter((x) => x.fieldset.includes('class="error"')).length, 1, 'one part in error');
		// What was chosen and typed elsewhere is kept, escaped.
		const p2 = again.find((x) => x.id === 'passage:p2');
		assert.match(p2.fieldset, /value="deleted" checked/);
		assert.ok(p2.fieldset.includes(`>${REASON} &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &quot;quoted&quot; &#39;single&#39;</textarea>`), `the typed reason is kept, as text: ${p2.fieldset}`);
		escaped(r, 'the refused declassification form');
		assert.match(again.find((x) => x.id === 'section:1').fieldset, /value="released" checked/);
		assert.match(again.find((x) => x.id === 'section:6').fieldset, /value="not_declassified" checked/);
		assert.equal(await docs(), n, 'the refused form made a document');
		// No decision at all for a part: the page asks for one, at its choices.
		r = await page(s, 'POST', '/documents/2/declassify', { cookie: gsc.cookie, form: declassForm(r.text, (id) => (id === 'section:3' ? [null, 'typed'] : EXT1(id))) });
		expectPage(r, 422, 'a part left undecided');
		const s3 = declassRows(r.text).find((x) => x.id === 'section:3');
		assert.match(s3.fieldset, new RegExp(`<div class="field choices invalid">\\s*<p class="error" id="f-d${s3.i}-error">Choose whether it is released, deleted or not declassified\\.</p>`));
		assert.match(s3.fieldset, new RegExp(`name="d${s3.i}" value="released" aria-invalid="true" aria-describedby="f-d${s3.i}-error"`));
		assert.match(s3.fieldset, />typed<\/textarea>/);
		// An EXT number that exists: the message at its field.
		r = await page(s, 'POST', '/documents/2/declassify', { cookie: gsc.cookie, form: declassForm(r.text, EXT1, { suffix: '1' }) });
		expectPage(r, 422, 'EXT 1 again');
		assert.match(r.text, /<p class="error" id="f-suffix-error">13874\/17 EXT 1 exists already<\/p>/);
		assert.match(r.text, /<input type="text" id="f-suffix" name="suffix" value="1" aria-describedby="f-suffix-hint f-suffix-error" aria-invalid="true">/);
		assert.equal(await docs(), n);

		// A good form: 303 to the new EXT version, which holds the decisions sent.
		r = await page(s, 'POST', '/documents/2/declassify', { cookie: gsc.cookie, form: declassForm(r.text, EXT1) });
		assert.equal(r.status, 303, mainOf(r.text).slice(0, 800));
		const m = /^\/documents\/(\d+)\?done=proposed$/.exec(r.location);
		assert.ok(m, `Location ${r.location}`);
		const ext = Number(m[1]);
		const rec = expectStatus(await get(s.base, `${V}/documents/${ext}/declassification`), 200).body;
		assert.equal(rec.document, '13874/17 EXT 2');
		assert.equal(rec.state, 'proposed');
		assert.equal(rec.proposed_by, 'gsc');
		const want = rows.map((x) => {
			const [decision, reason] = EXT1(x.id);
			const [kind, key] = x.id.split(':');
			return { [kind]: key, decision, ...(reason ? { reason } : {}) };
		});
		assert.deepEqual(rec.decisions, want, 'the map is the form, in its order');
		assert.equal(await docs(), n + 1);
		r = expectPage(await page(s, 'GET', r.location, { cookie: gsc.cookie }), 200, 'the new EXT version');
		assert.match(r.text, /<p class="notice" role="status">The declassification is proposed\. A second person signs it off\.<\/p>/);
		assert.match(r.text, /<a class="button secondary" href="\/documents\/\d+\/declassify">Change the proposal<\/a>/);
		assert.match(r.text, /<caption>What the proposal decides<\/caption>/);
		assert.match(r.text, /<tr><td>Passage p2<\/td><td>Deleted<\/td><td>Public access would undermine/);
		assert.match(r.text, /<tr><td>Section 5\.1<\/td><td>Not declassified<\/td>/);

		// The same form changes the proposal: filled with its map, sent with its version.
		r = expectPage(await page(s, 'GET', `/documents/${ext}/declassify`, { cookie: gsc.cookie }), 200, 'the change form');
		assert.match(r.text, /<h1>Change the proposal 13874\/17 EXT 2<\/h1>/);
		assert.equal(versionIn(r.text), String(rec.version));
		assert.doesNotMatch(r.text, /name="suffix"/, 'a proposal keeps its number');
		for (const x of declassRows(r.text)) {
			const [d, why] = EXT1(x.id);
			assert.match(x.fieldset, new RegExp(`name="d${x.i}" value="${d}" checked`), `${x.legend}: ${d} is chosen`);
			if (why) assert.ok(x.fieldset.includes(`>${REASON}</textarea>`), `${x.legend}: its reason`);
			assert.equal((x.fieldset.match(/ checked/g) || []).length, 1);
		}
		const changeForm = r.text;
		const p5 = (id) => (id === 'passage:p5' ? ['deleted', 'Names the funding decision'] : EXT1(id));
		r = await page(s, 'POST', `/documents/${ext}/declassify`, { cookie: gsc.cookie, form: declassForm(changeForm, p5) });
		expectRedirect(r, `/documents/${ext}?done=proposal-changed`, 'the proposal changed');
		const changed = expectStatus(await get(s.base, `${V}/documents/${ext}/declassification`), 200).body;
		assert.deepEqual(changed.decisions.find((d) => d.passage === 'p5'), { passage: 'p5', decision: 'deleted', reason: 'Names the funding decision' });
		assert.ok(changed.version > rec.version);
		r = expectPage(await page(s, 'GET', r.location, { cookie: gsc.cookie }), 200, 'after the change');
		assert.match(r.text, /<p class="notice" role="status">The proposal is changed\. A second person signs it off\.<\/p>/);

		// Sent again with the version it was drawn at: someone else (this very change) saved
		// first: 409, both maps where they differ, the input kept, the stored version in the form.
		r = await page(s, 'POST', `/documents/${ext}/declassify`, { cookie: gsc.cookie, form: declassForm(changeForm, (id) => (id === 'section:2' ? ['not_declassified', 'Mine'] : EXT1(id))) });
		expectPage(r, 409, 'a stale change');
		assert.match(r.text, /role="alert"><p>Someone else changed this proposal after you opened it\./);
		const cmp = /<section class="compare" aria-label="Both versions">[\s\S]*?<\/section>/.exec(r.text);
		assert.ok(cmp, 'both versions are shown');
		assert.match(cmp[0], /<h2>Saved by someone else<\/h2><table>[\s\S]*?<th scope="row">Passage p5<\/th><td>Deleted: Names the funding decision<\/td>[\s\S]*?<th scope="row">Section 2 Context<\/th><td>Released<\/td>/);
		assert.match(cmp[0], /<h2>Yours \(kept in the form\)<\/h2><table>[\s\S]*?<th scope="row">Passage p5<\/th><td>Released<\/td>[\s\S]*?<th scope="row">Section 2 Context<\/th><td>Not declassified: Mine<\/td>/);
		assert.equal(versionIn(r.text), String(changed.version), 'the form carries the stored version');
		const s2 = declassRows(r.text).find((x) => x.id === 'section:2');
		assert.match(s2.fieldset, /value="not_declassified" checked/);
		assert.match(s2.fieldset, />Mine<\/textarea>/);
		assert.deepEqual(expectStatus(await get(s.base, `${V}/documents/${ext}/declassification`), 200).body, changed, 'the stale form changed the map');
		// Sent again, knowingly, it replaces theirs.
		r = await page(s, 'POST', `/documents/${ext}/declassify`, { cookie: gsc.cookie, form: declassForm(r.text, (id) => (id === 'section:2' ? ['not_declassified', 'Mine'] : EXT1(id))) });
		expectRedirect(r, `/documents/${ext}?done=proposal-changed`, 'sent again');
		assert.deepEqual(expectStatus(await get(s.base, `${V}/documents/${ext}/declassification`), 200).body.decisions.find((d) => d.section === '2'), { section: '2', decision: 'not_declassified', reason: 'Mine' });

		// The second person signs it off from the document page; then the map can no longer change.
		const admin = await session(s, 'admin');
		r = expectPage(await page(s, 'GET', `/documents/${ext}`, { cookie: admin.cookie }), 200, 'admin, the proposal');
		r = await page(s, 'POST', `/documents/${ext}/declassify`, { cookie: admin.cookie, form: { _csrf: admin.csrf, _version: versionIn(r.text), step: 'sign-off' } });
		expectRedirect(r, `/documents/${ext}?done=signed-off`, 'admin signs off');
		r = expectPage(await page(s, 'GET', `/documents/${ext}`, { cookie: gsc.cookie }), 200, 'the issued EXT 2');
		assert.doesNotMatch(r.text, /Change the proposal|What the proposal decides/);
		r = expectPage(await page(s, 'GET', `/documents/${ext}/declassify`, { cookie: gsc.cookie }), 409, 'the form of an issued version');
		assert.match(r.text, /<title>This declassification can no longer change · empact<\/title>/);
		assert.match(r.text, /<div class="alert" role="alert"><p>13874\/17 EXT 2 is issued; it can no longer change<\/p><\/div>/);
		assert.match(r.text, new RegExp(`<a href="/documents/${ext}">Go back</a>`));
	}));

test('the declassification form is offered only to whom the API lets propose: 404 for the others', () =>
	withServer(async (s) => {
		const S = {};
		for (const u of ['gsc', 'admin', 'driver', 'action-leader', 'observer', 'public']) S[u] = await session(s, u);
		const plain = mainOf(expectPage(await page(s, 'GET', '/documents/999999/declassify', { cookie: S.gsc.cookie }), 404, 'no such document').text);
		assert.match(plain, /<h1>Page not found<\/h1>/);
		for (const [who, id, status] of [
			['gsc', 1, 200],
			['gsc', 2, 200],
			['admin', 1, 200],
			['driver', 2, 200], // the Driver of the OAP 13874/17 carries
			['driver', 1, 404], // the goals note of another cycle: not the Driver's to propose
			['action-leader', 2, 404],
			['observer', 1, 404],
			['observer', 2, 404], // no clearance: RESTREINT UE
			['public', 3, 404],
		]) {
			const r = expectPage(await page(s, 'GET', `/documents/${id}/declassify`, { cookie: S[who].cookie }), status, `${who} /documents/${id}/declassify`);
			const api = await get(s.base, `${V}/documents/${id}/declassification-subject`, { as: who });
			assert.equal(api.status === 200 ? 200 : 404, status, `${who}: the API answers ${api.status}`);
			if (status === 404) {
				assert.equal(mainOf(r.text), plain, `${who} /documents/${id}/declassify: the 404 differs from a missing page`);
				// The document page offers no form either.
				const d = await page(s, 'GET', `/documents/${id}`, { cookie: S[who].cookie });
				assert.ok(!d.text.includes(`/documents/${id}/declassify"`), `${who} /documents/${id} links to the form`);
				// And a form sent anyway is the same 404, and makes nothing.
				const before = (await get(s.base, `${V}/documents?limit=100`)).body.items.length;
				const sent = await page(s, 'POST', `/documents/${id}/declassify`, { cookie: S[who].cookie, form: { _csrf: S[who].csrf, k0: 'passage:p1', d0: 'released' } });
				expectPage(sent, 404, `${who} POST /documents/${id}/declassify`);
				assert.equal((await get(s.base, `${V}/documents?limit=100`)).body.items.length, before);
			}
		}
		// Without its CSRF token the form is refused and makes nothing.
		const before = (await get(s.base, `${V}/documents?limit=100`)).body.items.length;
		const form = expectPage(await page(s, 'GET', '/documents/2/declassify', { cookie: S.gsc.cookie }), 200, 'the form');
		const fields = declassForm(form.text, EXT1).filter(([k]) => k !== '_csrf');
		expectPage(await page(s, 'POST', '/documents/2/declassify', { cookie: S.gsc.cookie, form: fields }), 403, 'no CSRF token');
		assert.equal((await get(s.base, `${V}/documents?limit=100`)).body.items.length, before);
	}));

/* ---- 10. limits and static files ---- */

test('limits: a form over the body limit, a JSON body, bad encodings; static files and traversal', () =>
	withServer(async (s) => {
		const driver = await session(s, 'driver');
		const count = async () => (await get(s.base, `${V}/oaps/1/actions?limit=500`)).body.items.length;
		const n = await count();
		const head = (r) => r.data.slice(0, r.data.indexOf('\r\n\r\n'));
		const rawBody = (r) => r.data.slice(r.data.indexOf('\r\n\r\n') + 4);
		// 2 MB with Content-Length (over the 1 MiB default): 413 from the headers.
		const big = `_csrf=${driver.csrf}&number=5.5&position=55&title=${'x'.repeat(2 * 1024 * 1024)}`;
		let raw = await rawRequest(
			s.port,
			// Only the header block: the answer comes from the declared length, before any of the
			// body (sending the body too would race the server's close with a reset).
			Buffer.from(`POST /oaps/1/actions/new HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nOrigin: ${s.base}\r\nCookie: ${COOKIE}=${driver.cookie}\r\nContent-Type: ${FORM_CT}\r\nContent-Length: ${big.length}\r\nConnection: close\r\n\r\n`),
			{ timeoutMs: 15000 },
		);
		assert.equal(raw.status, 413, head(raw));
		assert.match(head(raw), /^Content-Type: text\/html; charset=utf-8\r?$/im);
		assert.match(rawBody(raw), /<h1>Too large<\/h1>/);
		// The same size sent chunked (no length up front): 413 once the limit is passed.
		let chunked = `POST /oaps/1/actions/new HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nOrigin: ${s.base}\r\nCookie: ${COOKIE}=${driver.cookie}\r\nContent-Type: ${FORM_CT}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
		const part = `title=${'y'.repeat(65530)}`;
		for (let i = 0; i < 33; i++) chunked += `${part.length.toString(16)}\r\n${part}\r\n`;
		chunked += '0\r\n\r\n';
		raw = await rawRequest(s.port, chunked, { timeoutMs: 15000 });
		// On a loaded machine the client may see the connection reset before it reads the 413
		// (the server answers once the limit is passed, while the client is still sending): then
		// there is no status at all. Either way nothing is created (checked below).
		if (raw.status !== null) {
			assert.equal(raw.status, 413, head(raw));
			assert.match(head(raw), /^Content-Type: text\/html; charset=utf-8\r?$/im);
		}
		assert.equal(await count(), n, 'nothing was created');
		// A form just under the limit is read (and here refused for its position, with the input kept).
		const under = { _csrf: driver.csrf, number: '5.5', position: 'p', description: 'd'.repeat(900 * 1024) };
		let r = await page(s, 'POST', '/oaps/1/actions/new', { cookie: driver.cookie, form: under });
		expectPage(r, 422, 'a 900 KiB form');
		// JSON, or any other body type, is not a form: 415.
		for (const ct of ['application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset=latin1']) {
			r = await page(s, 'POST', '/oaps/1/actions/new', { cookie: driver.cookie, raw: ct === 'application/json' ? JSON.stringify({ title: 'x', position: 1 }) : 'title=x', headers: { 'Content-Type': ct, Origin: s.base } });
			expectPage(r, 415, `Content-Type ${ct}`);
			assert.match(mainOf(r.text), /application\/x-www-form-urlencoded/);
		}
		// The form's own type with its UTF-8 charset is fine.
		r = await page(s, 'POST', '/oaps/1/actions/new', { cookie: driver.cookie, raw: `_csrf=${driver.csrf}&position=q`, headers: { 'Content-Type': `${FORM_CT}; charset=UTF-8`, Origin: s.base } });
		expectPage(r, 422, 'the form type with charset=UTF-8');
		// Bad percent-encoding and bytes that are not UTF-8: 400 pages.
		for (const body of [`_csrf=${driver.csrf}&title=%zz`, `_csrf=${driver.csrf}&title=%C3%28`, `_csrf=${driver.csrf}&title=%`]) {
			r = await page(s, 'POST', '/oaps/1/actions/new', { cookie: driver.cookie, raw: body, headers: { 'Content-Type': FORM_CT, Origin: s.base } });
			expectPage(r, 400, `the body ${body.slice(-12)}`);
		}
		assert.equal(await count(), n, 'nothing was created');
		// A method a page does not take: 405 with Allow.
		r = await page(s, 'DELETE', '/oaps/1', { cookie: driver.cookie });
		expectPage(r, 405, 'DELETE /oaps/1');
		assert.equal(r.headers.get('allow'), 'GET, HEAD');

		// Static files: the style sheet and the script, cached for an hour.
		r = await page(s, 'GET', '/static/empact.css');
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('content-type'), 'text/css; charset=utf-8');
		assert.equal(r.headers.get('cache-control'), 'public, max-age=3600');
		assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
		assert.ok(r.text.length > 100);
		r = await page(s, 'GET', '/static/empact.js');
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('content-type'), 'text/javascript; charset=utf-8');
		assert.equal(r.headers.get('cache-control'), 'public, max-age=3600');
		r = await page(s, 'POST', '/static/empact.css', { raw: '', headers: {} });
		assert.equal(r.status, 405);
		assert.equal(r.headers.get('allow'), 'GET, HEAD');
		// No file but those: traversal, encoded traversal, hidden and unknown names are 404 pages.
		// (Sent raw: fetch would resolve the dots itself.)
		for (const target of ['/static/../Makefile', '/static/..%2fMakefile', '/static/%2e%2e/Makefile', '/static/.%2e/Makefile', '/static/./empact.css', '/static/nope.css', '/static/', '/static/.hidden', '/static/empact.css/', '/static/EMPACT.CSS', '/static//etc/passwd', '/static/..%5cMakefile']) {
			raw = await rawRequest(s.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nConnection: close\r\n\r\n`);
			assert.equal(raw.status, 404, `${target}: ${head(raw)}`);
			assert.match(head(raw), /^Content-Type: text\/html; charset=utf-8\r?$/im, target);
			assert.doesNotMatch(rawBody(raw), /CFLAGS|root:x:0/, target);
		}
		r = expectPage(await page(s, 'GET', '/static/nope.css'), 404, '/static/nope.css');
		assert.match(r.text, /<h1>Page not found<\/h1>/);
	}));

/* ---- 11. every screen for every account ---- */

// The screens, and the API read whose answer decides whether each is shown (200) or not (404).
const SCREENS = [
	['/', null],
	['/account', null],
	['/cycles', `${V}/cycles?limit=100`],
	['/cycles/2', `${V}/cycles/2`],
	['/priorities/9', `${V}/priorities/9`],
	['/oaps/1', `${V}/oaps/1`],
	['/actions/1', `${V}/actions/1`],
	['/reporting-rounds', `${V}/reporting-rounds?limit=200`],
	['/reporting-rounds/1', `${V}/reporting-rounds/1`],
	['/participation', `${V}/actions?limit=500`],
	['/cosi', `${V}/oaps?limit=500`],
	['/documents', `${V}/documents?limit=500`],
	['/documents/1', `${V}/documents/1`],
	['/documents/3', `${V}/documents/3`],
	['/documents/1/declassify', `${V}/documents/1/declassification-subject`],
	['/documents/2/declassify', `${V}/documents/2/declassification-subject`],
	['/registers', null],
	['/good-practices', `${V}/good-practices?limit=200`],
	['/jads', `${V}/jads?limit=200`],
	['/grants', `${V}/grants?limit=200`],
	['/overlaps', `${V}/overlaps?limit=200`],
	['/search?q=smuggling', null],
	['/audit', `${V}/audit?limit=100`],
	['/admin/users', `${V}/users`],
	['/admin/users/1', `${V}/users/1`],
	['/admin/users/new', `${V}/users`],
];

const banners = (html) => [...html.matchAll(/<div class="banner level-\d" role="note" aria-label="Classification of this page">([^<]*)<\/div>/g)].map((m) => m[1]);

test('every screen renders for every demo account: 200 or 404 as the API decides, one <h1>, <main>, the banner', () =>
	withServer(async (s) => {
		const problems = [];
		const check = (ok, msg) => {
			if (!ok) problems.push(msg);
		};
		assert.deepEqual([...CLEARED, ...UNCLEARED].sort(), [...DEMO_USERS].sort());
		for (const user of DEMO_USERS) {
			const { cookie } = await session(s, user);
			for (const [p, apiPath] of SCREENS) {
				const r = await page(s, 'GET', p, { cookie });
				const what = `${user} GET ${p}`;
				const expected = apiPath ? ((await get(s.base, apiPath, { as: user })).status === 200 ? 200 : 404) : 200;
				check(r.status === expected, `${what}: ${r.status}, expected ${expected} (API ${apiPath})`);
				if (r.status !== 200 && r.status !== 404) continue;
				check(r.headers.get('content-type') === 'text/html; charset=utf-8', `${what}: content type ${r.headers.get('content-type')}`);
				check(/^<!doctype html>/i.test(r.text), `${what}: not an HTML document`);
				check((r.text.match(/<h1[\s>]/g) || []).length === 1, `${what}: ${(r.text.match(/<h1[\s>]/g) || []).length} <h1>`);
				check((r.text.match(/<main id="main"/g) || []).length === 1, `${what}: no single <main> landmark`);
				check(/<title>[^<]+ · empact<\/title>/.test(r.text), `${what}: no <title>`);
				// What the CSP would block anyway is not there: inline script, event handlers, inline style.
				for (const tag of r.text.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) || []) check(/^<script src="\/static\/[a-z.-]+"( defer)?><\/script>$/.test(tag), `${what}: inline script ${tag.slice(0, 80)}`);
				check(!/<[a-z][^>]*\son[a-z]+\s*=/i.test(r.text), `${what}: an event handler attribute`);
				check(!/<[a-z][^>]*\sstyle\s*=/i.test(r.text), `${what}: an inline style`);
				check(!/href="javascript:/i.test(r.text), `${what}: a javascript: link`);
				const b = banners(r.text);
				if (b.length) {
					// The banner is the first thing in <body> and the last.
					const body = r.text.slice(r.text.indexOf('<body>'));
					check(body.indexOf('<div class="banner') < body.indexOf('<header'), `${what}: the banner is not at the top`);
					check(body.lastIndexOf('<div class="banner') > body.indexOf('</footer>'), `${what}: the banner is not at the bottom`);
					check(b.length === 2 && b[0] === b[1], `${what}: banners ${JSON.stringify(b)}`);
				}
				if (UNCLEARED.includes(user)) {
					check(!b.some((x) => x.includes('RESTREINT')), `${what}: a RESTREINT banner for an account without the clearance`);
					check(!r.text.includes(ACTION2_TITLE), `${what}: the title of the RESTREINT UE action 2 is shown to ${user}`);
					check(!r.text.includes('RESTREINT UE/EU RESTRICTED'), `${what}: RESTREINT content for ${user}`);
				}
				if (p === '/oaps/1' && CLEARED.includes(user)) {
					check(r.status === 200 && r.text.includes(OAP_TITLE), `${what}: the cleared account does not see the OAP`);
					check(b.length === 2 && b.every((x) => x.startsWith(RESTREINT_BANNER)), `${what}: banners ${JSON.stringify(b)}, expected ${RESTREINT_BANNER} at top and bottom`);
				}
				if (p === '/oaps/1' && UNCLEARED.includes(user)) check(r.status === 404 && !r.text.includes(OAP_TITLE), `${what}: shown to an account without the clearance`);
				if (p === '/documents/1' && r.status === 200) check(b.length === 2 && b.every((x) => x.includes('LIMITE')), `${what}: the LIMITE document without its banner: ${JSON.stringify(b)}`);
				if (p === '/documents/3' && (user === 'observer' || user === 'public')) check(r.status === 200 && b.length === 0 && !r.text.includes('class="banner'), `${what}: the public document has a banner ${JSON.stringify(b)}`);
				if (r.status === 404) check(/<h1>Page not found<\/h1>/.test(r.text) && b.length === 0, `${what}: the 404 is not the plain one`);
			}
		}
		assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join('\n')}`);
		// No page failed to render (the server logs that on stderr).
		assert.doesNotMatch(s.stderr(), /could not be rendered|empact cannot reach/);
	}));

test('the main navigation links only to pages the account may open', () =>
	withServer(async (s) => {
		const problems = [];
		for (const user of DEMO_USERS) {
			const { cookie } = await session(s, user);
			const home = expectPage(await page(s, 'GET', '/', { cookie }), 200, `${user} home`);
			const nav = /<nav aria-label="Main">[\s\S]*?<\/nav>/.exec(home.text);
			assert.ok(nav, `${user}: no main navigation`);
			const hrefs = [...nav[0].matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
			for (const h of hrefs) {
				const r = await page(s, 'GET', h, { cookie });
				if (r.status !== 200) problems.push(`${user}: the navigation links to ${h}, which is a ${r.status}`);
			}
			// And the pages that are the places of the account's work are linked.
			const audit = (await get(s.base, `${V}/audit?limit=1`, { as: user })).status === 200;
			if (audit !== hrefs.includes('/audit')) problems.push(`${user}: may read the audit trail: ${audit}, linked: ${hrefs.includes('/audit')}`);
		}
		assert.deepEqual(problems, []);
	}));

test('pages record no denial the user did not ask for: optional reads are asked of the policy check first', () =>
	withServer(async (s) => {
		const denied = async () => {
			const r = await get(s.base, '/api/v1/audit?outcome=denied&limit=500');
			assert.equal(r.status, 200);
			return r.body.items.length;
		};
		const driver = await session(s, 'driver');
		const before = await denied();
		// The driver may not read the audit trail, yet the OAP and action pages look for their
		// history, and the home page for recent activity: those looks leave no denial behind.
		for (const p of ['/', '/oaps/1', '/actions/1', '/cycles/2', '/priorities/9', '/registers', '/search?q=smuggling', '/documents/1']) {
			const r = await page(s, 'GET', p, { cookie: driver.cookie });
			assert.equal(r.status, 200, p);
		}
		assert.equal(await denied(), before, 'a page view added denials to the audit trail');
		// A page the user asked for and may not see is still recorded as a denial.
		const r = await page(s, 'GET', '/audit', { cookie: driver.cookie });
		assert.equal(r.status, 404);
		assert.equal(await denied(), before + 1, 'the refused /audit page was not recorded');
	}));

/* ---- account administration ---- */

test('account administration: an administrator creates an account, grants a role, resets sign-in; errors sit next to their fields', () =>
	withServer(async (s) => {
		const admin = await session(s, 'admin');
		const NEW = 'Orchard-Beacon-Thistle-6610';
		let r = expectPage(await page(s, 'GET', '/admin/users', { cookie: admin.cookie }), 200, 'the users page');
		assert.match(r.text, /<a class="button" href="\/admin\/users\/new">New account<\/a>/);
		assert.match(r.text, /<a class="button" href="\/organisations\/new">New organisation<\/a>/);
		assert.match(r.text, /<summary>National EMPACT Coordinator: scope country:CC/);
		r = expectPage(await page(s, 'GET', '/admin/users/new', { cookie: admin.cookie }), 200, 'the new account form');
		const nlId = sql(s, "SELECT id FROM organisations WHERE code = 'NL'");
		// Wrong fields: each problem next to its field, the input kept, the password never sent back.
		r = await page(s, 'POST', '/admin/users/new', {
			cookie: admin.cookie,
			form: { _csrf: admin.csrf, username: 'Bad Name', display_name: XSS, email: 'not-an-address', org_id: nlId, clearance: 'unclassified', password: NEW, password_again: 'different' },
		});
		expectPage(r, 422, 'two passwords that differ');
		assert.match(fieldDiv(r.text, 'password_again'), /the two passwords differ/);
		r = await page(s, 'POST', '/admin/users/new', {
			cookie: admin.cookie,
			form: { _csrf: admin.csrf, username: 'Bad Name', display_name: XSS, email: 'not-an-address', org_id: nlId, clearance: 'unclassified', password: NEW, password_again: NEW },
		});
		expectPage(r, 422, 'a bad user name and e-mail address');
		assert.match(fieldDiv(r.text, 'username'), /is not a user name/);
		assert.match(fieldDiv(r.text, 'username'), /aria-invalid="true"/);
		assert.match(fieldDiv(r.text, 'email'), /is not an e-mail address/);
		assert.match(fieldDiv(r.text, 'display_name'), /value="&lt;script&gt;alert\(1\)/, 'the name typed is kept, as text');
		assert.ok(!r.text.includes(NEW), 'the password is never sent back');
		assert.equal(sql(s, "SELECT count(*) FROM users WHERE display_name LIKE '<script>%'"), '0');
		// A good one.
		r = await page(s, 'POST', '/admin/users/new', {
			cookie: admin.cookie,
			form: { _csrf: admin.csrf, username: 'e.janssen', display_name: XSS, email: 'e.janssen@politie.example', org_id: nlId, clearance: 'restreint_ue', password: NEW, password_again: NEW },
		});
		assert.equal(r.status, 303, mainOf(r.text).slice(0, 500));
		const id = sql(s, "SELECT id FROM users WHERE username = 'e.janssen'");
		assert.equal(r.location, `/admin/users/${id}?done=created`);
		r = expectPage(await page(s, 'GET', r.location, { cookie: admin.cookie }), 200, 'the new account');
		assert.ok(r.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;') && !r.text.includes('<script>alert'), 'the name shows as text');
		assert.match(r.text, /RESTREINT UE\/EU RESTRICTED/);
		// Grant: a scope that names nothing comes back next to the scope field.
		r = await page(s, 'POST', `/admin/users/${id}/roles`, { cookie: admin.cookie, form: { _csrf: admin.csrf, role: 'nec', scope: 'country:XX' } });
		expectPage(r, 422, 'a scope that names nothing');
		assert.match(fieldDiv(r.text, 'scope'), /no Member State organisation has the country &#39;XX&#39;|no Member State organisation has the country 'XX'/);
		assert.match(fieldDiv(r.text, 'scope'), /value="country:XX"/);
		r = await page(s, 'POST', `/admin/users/${id}/roles`, { cookie: admin.cookie, form: { _csrf: admin.csrf, role: 'nec', scope: 'country:NL' } });
		assert.equal(r.location, `/admin/users/${id}?done=granted`);
		r = expectPage(await page(s, 'GET', r.location, { cookie: admin.cookie }), 200, 'after the grant');
		assert.match(r.text, /The role is granted/);
		const roleId = sql(s, `SELECT id FROM user_roles WHERE user_id = ${id} AND role = 'nec'`);
		assert.match(r.text, new RegExp(`action="/admin/users/${id}/roles/${roleId}/withdraw"`));
		// The new NEC signs in, enrols, and sees the NEC's participation screen.
		const first = await page(s, 'POST', '/sign-in', { form: { username: 'e.janssen', password: NEW } });
		assert.equal(first.status, 303);
		assert.equal(first.location, '/account/totp', 'a cleared account enrols two-step sign-in first');
		// Set a new password: the holder's sessions end.
		r = await page(s, 'POST', `/admin/users/${id}/password`, { cookie: admin.cookie, form: { _csrf: admin.csrf, new_password: 'password', new_password_again: 'password' } });
		expectPage(r, 422, 'a weak password');
		assert.match(fieldDiv(r.text, 'new_password'), /aria-invalid="true"/);
		const NEWER = 'Granite-Wharf-Meadow-2293';
		r = await page(s, 'POST', `/admin/users/${id}/password`, { cookie: admin.cookie, form: { _csrf: admin.csrf, new_password: NEWER, new_password_again: NEWER } });
		assert.equal(r.location, `/admin/users/${id}?done=password-set`);
		assert.equal((await page(s, 'POST', '/sign-in', { form: { username: 'e.janssen', password: NEW } })).status, 422, 'the old password is refused');
		// Withdraw the role.
		r = await page(s, 'POST', `/admin/users/${id}/roles/${roleId}/withdraw`, { cookie: admin.cookie, form: { _csrf: admin.csrf } });
		assert.equal(r.location, `/admin/users/${id}?done=withdrawn`);
		assert.equal(sql(s, `SELECT count(*) FROM user_roles WHERE user_id = ${id}`), '0');
		// Change the account: disable it; a stale form shows both versions.
		r = expectPage(await page(s, 'GET', `/admin/users/${id}/edit`, { cookie: admin.cookie }), 200, 'the change form');
		const v = versionIn(r.text);
		r = await page(s, 'POST', `/admin/users/${id}/edit`, { cookie: admin.cookie, form: { _csrf: admin.csrf, _version: v, display_name: 'Eva Janssen', email: '', org_id: nlId, clearance: 'restreint_ue', disabled: 'yes' } });
		assert.equal(r.location, `/admin/users/${id}?done=saved`);
		assert.equal(sql(s, `SELECT disabled || display_name FROM users WHERE id = ${id}`), '1Eva Janssen');
		r = await page(s, 'POST', `/admin/users/${id}/edit`, { cookie: admin.cookie, form: { _csrf: admin.csrf, _version: v, display_name: 'Stale', email: '', org_id: nlId, clearance: 'restreint_ue' } });
		expectPage(r, 409, 'a stale change');
		assert.match(r.text, /Someone else changed this account/);
		assert.match(r.text, /<h2>Saved by someone else<\/h2>[\s\S]*Eva Janssen[\s\S]*<h2>Yours \(kept in the form\)<\/h2>[\s\S]*Stale/);
		assert.equal(sql(s, `SELECT display_name FROM users WHERE id = ${id}`), 'Eva Janssen');
		// The administrator's own page offers no reset of their own sign-in.
		const adminId = sql(s, "SELECT id FROM users WHERE username = 'admin'");
		r = expectPage(await page(s, 'GET', `/admin/users/${adminId}`, { cookie: admin.cookie }), 200, 'the administrator\'s own account');
		assert.ok(!r.text.includes('Set the password') && !r.text.includes('Reset two-step'), 'no self-reset');
		// Everyone else: the pages are a 404, and a forged step changes nothing.
		for (const user of ['driver', 'est', 'observer']) {
			const o = await session(s, user);
			expectPage(await page(s, 'GET', '/admin/users/new', { cookie: o.cookie }), 404, `${user}: the new account form`);
			expectPage(await page(s, 'GET', `/admin/users/${id}`, { cookie: o.cookie }), 404, `${user}: an account`);
			const f = await page(s, 'POST', `/admin/users/${id}/roles`, { cookie: o.cookie, form: { _csrf: o.csrf, role: 'admin' } });
			assert.equal(f.status, 404, `${user}: a forged grant`);
		}
		assert.equal(sql(s, `SELECT count(*) FROM user_roles WHERE user_id = ${id}`), '0');
		// The steps are in the audit trail.
		const audit = sql(s, `SELECT group_concat(detail, '\n') FROM audit WHERE object_kind = 'users' AND object_id = ${id}`);
		for (const what of ['account e.janssen created', 'role nec (country:NL) granted', 'password of e.janssen set', 'role nec (country:NL) withdrawn', 'disabled, sessions ended']) assert.ok(audit.includes(what), `audit: ${what}\n${audit}`);
	}));

test('organisations: the administrator adds and changes one through the forms', () =>
	withServer(async (s) => {
		const admin = await session(s, 'admin');
		let r = expectPage(await page(s, 'GET', '/organisations/new', { cookie: admin.cookie }), 200, 'the new organisation form');
		r = await page(s, 'POST', '/organisations/new', { cookie: admin.cookie, form: { _csrf: admin.csrf, code: 'LU-PJ', name: 'Police Grand-Ducale', kind: 'member_state', country: 'LU' } });
		assert.equal(r.status, 303, mainOf(r.text).slice(0, 600));
		const id = sql(s, "SELECT id FROM organisations WHERE code = 'LU-PJ'");
		assert.equal(r.location, `/organisations/${id}?done=created`);
		r = expectPage(await page(s, 'GET', `/organisations/${id}`, { cookie: admin.cookie }), 200, 'the organisation');
		assert.match(r.text, new RegExp(`href="/organisations/${id}/edit"`));
		r = expectPage(await page(s, 'GET', `/organisations/${id}/edit`, { cookie: admin.cookie }), 200, 'its change form');
		r = await page(s, 'POST', `/organisations/${id}/edit`, { cookie: admin.cookie, form: { _csrf: admin.csrf, _version: versionIn(r.text), code: 'LU-PJ', name: 'Police Grand-Ducale (PJ)', kind: 'member_state', country: 'LU' } });
		assert.equal(r.location, `/organisations/${id}?done=saved`);
		assert.equal(sql(s, `SELECT name FROM organisations WHERE id = ${id}`), 'Police Grand-Ducale (PJ)');
		const driver = await session(s, 'driver');
		expectPage(await page(s, 'GET', '/organisations/new', { cookie: driver.cookie }), 404, 'a driver: the form');
		r = expectPage(await page(s, 'GET', `/organisations/${id}`, { cookie: driver.cookie }), 200, 'a driver reads it');
		assert.ok(!r.text.includes('/edit"'), 'no change button for a driver');
	}));
