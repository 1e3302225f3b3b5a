// Smoke test of the web UI in a real browser (Debian's Chromium, headless): the sign-in page,
// with JavaScript and without, is served with a strict Content-Security-Policy, has its
// landmarks and labelled fields, passes axe-core, and signs in an account with TOTP (driver)
// and one without (observer), who land on a page that names them in its header. No console
// error, page error, CSP violation or dialog happens on the way.
//
// The sign-in page's contract: GET /sign-in shows a form (method post, action /sign-in) with
// username ("User name"), password ("Password"), totp ("One-time code", optional for accounts
// without TOTP) and a hidden next; its button is "Sign in". Success answers 303 to next or /;
// failure answers 422 with the form again and the error in an element with role=alert.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, newPage, signIn, checkA11y, shot, startServer } from './lib.mjs';

let srv;
let browser;

before(async () => {
	srv = await startServer();
	browser = await launch();
});

after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

/* The sources of a CSP directive (the default-src ones when it is absent), or null. */
function cspSources(csp, name) {
	const directives = new Map();
	for (const part of csp.split(';')) {
		const [k, ...v] = part.trim().split(/\s+/);
		if (k && !directives.has(k.toLowerCase())) directives.set(k.toLowerCase(), v);
	}
	return directives.get(name) ?? directives.get('default-src') ?? null;
}

function assertNoProblems(page, what) {
	assert.deepEqual(page.problems, [], `${what}: console errors, page errors or CSP violations`);
	assert.deepEqual(page.dialogs, [], `${what}: a dialog opened`);
}

for (const javaScript of [true, false]) {
	const mode = javaScript ? 'with JavaScript' : 'without JavaScript';

	test(`the sign-in page ${mode}: status, CSP, landmarks, labelled form, accessibility`, async () => {
		const page = await newPage(browser, { javaScript });
		try {
			const res = await page.goto(`${srv.base}/sign-in`);
			assert.equal(res.status(), 200, `GET /sign-in: ${res.status()}`);
			assert.match(res.headers()['content-type'] || '', /^text\/html/);

			const csp = res.headers()['content-security-policy'];
			assert.ok(csp, 'no Content-Security-Policy header');
			const scriptSrc = cspSources(csp, 'script-src');
			assert.ok(scriptSrc, `the CSP restricts no scripts: ${csp}`);
			assert.ok(!scriptSrc.includes("'unsafe-inline'"), `script-src allows 'unsafe-inline': ${csp}`);

			assert.ok((await page.locator('h1').count()) >= 1, 'no h1');
			assert.ok(((await page.locator('h1').first().innerText()) || '').trim(), 'the h1 is empty');
			assert.equal(await page.getByRole('main').count(), 1, 'not exactly one main landmark');

			const form = page.locator('form', { has: page.locator('input[name="username"]') });
			assert.equal(await form.count(), 1, 'not exactly one form with a username field');
			assert.equal((await form.getAttribute('method') || '').toLowerCase(), 'post', 'the form does not post');
			const action = new URL((await form.getAttribute('action')) ?? '', page.url());
			assert.equal(action.pathname, '/sign-in', `the form posts to ${action}`);
			for (const [label, name, type] of [
				['User name', 'username', null],
				['Password', 'password', 'password'],
				['One-time code', 'totp', null],
			]) {
				const field = form.getByLabel(label);
				assert.equal(await field.count(), 1, `no single field labelled "${label}" in the form`);
				assert.equal(await field.getAttribute('name'), name, `the field labelled "${label}"`);
				if (type) assert.equal(await field.getAttribute('type'), type, `the type of the field labelled "${label}"`);
			}
			assert.equal(await form.locator('input[type="hidden"][name="next"]').count(), 1, 'no hidden next field');
			assert.equal(await form.getByRole('button', { name: 'Sign in' }).count(), 1, 'no "Sign in" button');

			await checkA11y(page, `/sign-in ${mode}`);
			await shot(page, `sign-in-${javaScript ? 'js' : 'nojs'}`);
			assertNoProblems(page, `/sign-in ${mode}`);
		} finally {
			await page.context().close();
		}
	});

	for (const username of ['driver', 'observer']) {
		test(`${username} (${username === 'driver' ? 'with' : 'without'} TOTP) signs in ${mode}`, async () => {
			const page = await newPage(browser, { javaScript });
			try {
				await signIn(page, srv, username);
				const landed = new URL(page.url());
				assert.notEqual(landed.pathname, '/sign-in', 'still on /sign-in');
				const name = execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, `SELECT display_name FROM users WHERE username='${username}'`], {
					encoding: 'utf8',
				}).trim();
				const headers = await page.locator('header').allInnerTexts();
				assert.ok(headers.length > 0, `no header element on ${landed.pathname}`);
				assert.ok(
					headers.some((t) => t.includes(name)),
					`the header of ${landed.pathname} does not name ${name}: ${JSON.stringify(headers)}`,
				);
				await shot(page, `signed-in-${username}-${javaScript ? 'js' : 'nojs'}`);
				assertNoProblems(page, `signing in ${username} ${mode}`);
			} finally {
				await page.context().close();
			}
		});
	}
}
