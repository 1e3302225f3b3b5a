// Helpers of the browser tests: Debian's Chromium (/usr/bin/chromium), driven headless by
// playwright-core (which downloads no browser), against the real empact server of
// tests/e2e/lib.mjs (startServer() on a fresh copy of the demo database, stop() asserting a
// clean exit). What they add:
//
//   launch()                  one headless Chromium for a test file; close it in after().
//   newPage(browser, {javaScript})
//                             a fresh context and page (1280x800, en-GB, Europe/Brussels) that
//                             collects console errors, page errors and CSP violations into
//                             page.problems and records (and dismisses) dialogs in page.dialogs.
//   totpFor(db, user)         the one-time code of a demo account that the server will take now
//                             (it refuses a code of a time step already used: see below).
//   signIn(page, server, user)
//                             signs in through the sign-in form, as a person would.
//   checkA11y(page, what)     axe-core on the current page; fails on serious or critical
//                             violations.
//   shot(page, name)          a full-page screenshot in build/test-artefacts/browser/NAME.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { root, DEMO_PASSWORD, base32Decode, hotp } from '../e2e/lib.mjs';

export { root, BIN, DEMO_USERS, DEMO_PASSWORD, startServer, demoDatabase, api, get, post, sleep } from '../e2e/lib.mjs';

export const CHROMIUM = process.env.EMPACT_CHROMIUM || '/usr/bin/chromium';
export const ARTEFACTS = path.join(root, 'build', 'test-artefacts', 'browser');

/* ---- the browser ---- */

/*
 * A headless Chromium, shared by the tests of a file. No sandbox: CI runs the tests as root,
 * where Chromium's sandbox cannot start. The caller closes it (await browser.close()) in after().
 */
export function launch() {
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/*
 * A fresh context (own cookies and storage) and page. page.problems collects what must not
 * happen on a page: console messages of type error (Chromium reports CSP violations and failed
 * loads there too) and uncaught page errors, each as one line of text. A page answered with a
 * 4xx or 5xx status is such a failed load ("Failed to load resource: the server responded with
 * a status of 422"): a test that provokes one on purpose takes it out of page.problems.
 * page.dialogs records every alert/confirm/prompt (its type and message) and dismisses it.
 * Actions and waits time out after 10 s. page.context() is closed with the browser, or by the
 * caller.
 */
export async function newPage(browser, { javaScript = true } = {}) {
	const context = await browser.newContext({
		javaScriptEnabled: javaScript,
		viewport: { width: 1280, height: 800 },
		locale: 'en-GB',
		timezoneId: 'Europe/Brussels',
	});
	// A missing element fails the test in seconds, not Playwright's default 30.
	context.setDefaultTimeout(10000);
	const page = await context.newPage();
	page.problems = [];
	page.dialogs = [];
	page.javaScript = javaScript;
	page.on('console', (msg) => {
		if (msg.type() !== 'error') return;
		const loc = msg.location();
		page.problems.push(`console error at ${page.url()}: ${msg.text()}${loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
	});
	page.on('pageerror', (err) => {
		page.problems.push(`page error at ${page.url()}: ${err && err.stack ? err.stack : err}`);
	});
	page.on('dialog', (dialog) => {
		page.dialogs.push({ type: dialog.type(), message: dialog.message(), url: page.url() });
		dialog.dismiss().catch(() => {});
	});
	return page;
}

const STEP = 30;
const stepAt = (ms = Date.now()) => Math.floor(ms / 1000 / STEP);

/* sqlite3 on a (live) database; one value per line. */
function sql(db, query) {
	return execFileSync('sqlite3', ['-cmd', '.timeout 10000', db, query], { encoding: 'utf8' }).trim();
}

/* The TOTP secret (base32) of an account, or null when it has none. */
export function totpSecret(db, username) {
	assert.match(username, /^[A-Za-z0-9._-]+$/, `not a demo user name: ${username}`);
	return sql(db, `SELECT totp_secret FROM users WHERE username='${username}'`) || null;
}

/* The last time step of each (database, account) that a code was given out for. */
const usedSteps = new Map();

/*
 * The 6-digit TOTP code of an account that the server of database db takes now, or null when
 * the account has no TOTP secret. The server accepts the codes of the current time step and
 * one step either side, but each step only once and never one older than the last used (its
 * replay guard, users.totp_last_step). So the code is of step now + offsetSteps unless that
 * step was already used (here, or as the database records): then of the next unused step if it
 * is at most one step ahead, else it waits for the next 30-second step and says so. The step
 * it returns counts as used.
 */
export async function totpFor(db, username, offsetSteps = 0) {
	const secret = totpSecret(db, username);
	if (!secret) return null;
	const key = `${db}\0${username}`;
	const recorded = Number(sql(db, `SELECT totp_last_step FROM users WHERE username='${username}'`) || 0);
	const last = Math.max(usedSteps.get(key) ?? 0, recorded);
	let now = stepAt();
	let want = Math.max(now + offsetSteps, last + 1);
	while (want > stepAt() + 1) {
		const ms = (stepAt() + 1) * STEP * 1000 - Date.now() + 50;
		console.log(`# totpFor(${username}): codes up to step ${want - 1} are used; waiting ${(ms / 1000).toFixed(1)} s for the next step`);
		await new Promise((r) => setTimeout(r, ms));
		now = stepAt();
		want = Math.max(now + offsetSteps, last + 1);
	}
	usedSteps.set(key, want);
	return hotp(base32Decode(secret), want);
}

/* ---- signing in ---- */

/*
 * Signs username in through the sign-in form: user name, DEMO_PASSWORD and, for an account
 * with TOTP, a fresh one-time code; clicks "Sign in" and waits for the page it lands on (not
 * /sign-in). Fails with the page's alert when the sign-in is refused. Returns the response of
 * the page it landed on.
 */
export async function signIn(page, server, username, { password = DEMO_PASSWORD, timeout = 15000 } = {}) {
	const res = await page.goto(`${server.base}/sign-in`);
	assert.equal(res && res.status(), 200, `GET /sign-in answered ${res && res.status()}`);
	await page.getByLabel('User name').fill(username);
	await page.getByLabel('Password').fill(password);
	const code = await totpFor(server.db, username);
	if (code !== null) await page.getByLabel('One-time code').fill(code);
	let landed = null;
	const onResponse = (r) => {
		if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) landed = r;
	};
	page.on('response', onResponse);
	try {
		await page.getByRole('button', { name: 'Sign in' }).click();
		// Either the browser leaves /sign-in, or the form comes back with an alert.
		const outcome = await Promise.race([
			page.waitForURL((u) => u.pathname !== '/sign-in', { timeout }).then(
				() => 'signed-in',
				(e) => e,
			),
			page
				.getByRole('alert')
				.first()
				.waitFor({ state: 'visible', timeout })
				.then(
					() => 'alert',
					(e) => e,
				),
		]);
		if (outcome !== 'signed-in' && new URL(page.url()).pathname === '/sign-in') {
			const alert = await page
				.getByRole('alert')
				.allInnerTexts()
				.catch(() => []);
			assert.fail(
				`sign-in of ${username} refused (status ${landed ? landed.status() : '?'}, at ${page.url()}): ` +
					(alert.length ? alert.join(' / ') : String(outcome && outcome.message ? outcome.message : outcome)),
			);
		}
		if (outcome !== 'signed-in') await page.waitForURL((u) => u.pathname !== '/sign-in', { timeout });
		await page.waitForLoadState('load');
	} finally {
		page.off('response', onResponse);
	}
	return landed;
}

/* ---- accessibility ---- */

const AXE_PATH = path.join(root, 'node_modules', 'axe-core', 'axe.min.js');
let axeSource = null;

/* axe-core's violations on a page whose scripts run: injected through page.evaluate, which goes
 * through the DevTools protocol and so is not subject to the page's Content-Security-Policy
 * (script-src 'self' blocks an inline <script> or addScriptTag). */
async function axeViolations(page) {
	if (!axeSource) axeSource = readFileSync(AXE_PATH, 'utf8');
	await page.evaluate(axeSource);
	return page.evaluate(async () => {
		const r = await window.axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			helpUrl: v.helpUrl,
			targets: v.nodes.map((n) => n.target.join(' ')),
		}));
	});
}

/*
 * Runs axe-core on the current page and fails on any violation of impact serious or critical,
 * listing each (id, impact, help, its first targets). Returns all violations (minor and
 * moderate ones too) for the caller to look at.
 *
 * A page without JavaScript (newPage(..., {javaScript: false})) runs no timers, and axe needs
 * them: its DOM as it stands (page.content()) is then checked in a context of its own with
 * JavaScript on, served at the same address with the same cookies, so that its style sheets
 * load as they did; the page's own scripts are not loaded there, so the DOM stays the one a
 * browser without JavaScript shows.
 */
export async function checkA11y(page, what = page.url()) {
	let results;
	if (page.javaScript !== false) {
		results = await axeViolations(page);
	} else {
		const url = page.url();
		const html = await page.content();
		const vp = page.viewportSize();
		const context = await page.context().browser().newContext({
			javaScriptEnabled: true,
			viewport: vp || { width: 1280, height: 800 },
			locale: 'en-GB',
			timezoneId: 'Europe/Brussels',
		});
		try {
			await context.addCookies(await page.context().cookies());
			await context.route('**/*', (route) => {
				const req = route.request();
				if (req.isNavigationRequest() && req.url() === url)
					return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
				if (req.resourceType() === 'script') return route.abort();
				return route.continue();
			});
			const copy = await context.newPage();
			await copy.goto(url);
			results = await axeViolations(copy);
		} finally {
			await context.close();
		}
	}
	const bad = results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	if (bad.length) {
		const lines = bad.map((v) => {
			const t = v.targets.slice(0, 3).join(', ') + (v.targets.length > 3 ? `, and ${v.targets.length - 3} more` : '');
			return `  ${v.id} (${v.impact}): ${v.help} — ${t}`;
		});
		assert.fail(`${what}: ${bad.length} serious or critical accessibility violation(s):\n${lines.join('\n')}`);
	}
	return results;
}

/* ---- screenshots ---- */

/* Saves a full-page PNG as build/test-artefacts/browser/NAME.png; returns its path. */
export async function shot(page, name) {
	mkdirSync(ARTEFACTS, { recursive: true });
	const file = path.join(ARTEFACTS, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}
