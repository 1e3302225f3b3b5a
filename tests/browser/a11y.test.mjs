// Accessibility of every screen, for every demo role, in a real browser (Debian's Chromium,
// headless, JavaScript on). Each role signs in once, through the sign-in form, and visits every
// screen of SCREENS it can open (the ones that answer it 200; which those are is printed as a
// diagnostic, and MUST_OPEN says what some roles must be able to open), plus two 404 pages: a
// record that does not exist (/actions/999999) and an address no page has (/no-such-page).
// Someone not signed in visits /sign-in and /no-such-page. On each page:
//
//   - axe-core finds no serious or critical violation (checkA11y; see a11y() for how a page
//     several roles are shown alike is checked once);
//   - no console error, page error, CSP violation or dialog happens (page.problems, page.dialogs;
//     a 404 page's own failed load excepted);
//   - there is exactly one h1, exactly one main landmark, and <html lang> names a language;
//   - the first Tab from the top of the page focuses the "Skip to the content" link, which
//     points at the main landmark;
//   - signed in: further Tabs reach every link of the main navigation, in order.
//
// One server for the file; the roles run three at a time, each in its own browser context.
// Screenshots of every screen of driver and admin go to build/test-artefacts/browser/a11y-*.png.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { launch, newPage, signIn, checkA11y, shot, startServer } from './lib.mjs';

const ROLES = ['admin', 'gsc', 'driver', 'co-driver', 'est', 'cosi', 'nec-nl', 'action-leader', 'co-action-leader',
	'participant', 'commission', 'observer'];

const SCREENS = ['/', '/account', '/account/password', '/account/totp', '/cycles', '/cycles/1', '/cycles/2',
	'/priorities/9', '/oaps/1', '/oaps/1?status=proposed', '/actions/1', '/actions/2', '/oaps/1/actions/new',
	'/actions/1/edit', '/reporting-rounds', '/reporting-rounds/1', '/participation', '/cosi', '/documents',
	'/documents/1', '/documents/3', '/documents/1/declassify', '/documents/2/declassify', '/registers',
	'/good-practices', '/jads', '/grants', '/overlaps', '/organisations', '/search?q=smuggling', '/audit', '/admin/users',
	'/admin/users/new', '/admin/users/7', '/admin/users/7/edit', '/organisations/new', '/organisations/1/edit'];

const MISSING = '/no-such-page';
const NO_RECORD = '/actions/999999';

/* Roles whose every screen gets a screenshot. */
const SHOOT = new Set(['driver', 'admin']);

/* Screens that must answer 200 for a role: a check that the role really is signed in and sees
 * its work, so that a broken sign-in cannot pass the file by skipping everything. */
const MUST_OPEN = {
	admin: ['/', '/oaps/1', '/actions/1', '/actions/2', '/audit', '/admin/users', '/admin/users/new', '/admin/users/7',
		'/admin/users/7/edit', '/organisations/new', '/reporting-rounds/1', '/documents/1', '/documents/1/declassify'],
	gsc: ['/documents/1/declassify', '/documents/2/declassify'],
	driver: ['/', '/oaps/1', '/actions/1', '/actions/2'],
	'nec-nl': ['/', '/participation', '/actions/1'],
	cosi: ['/', '/cosi', '/oaps/1'],
	observer: ['/', '/cycles'],
};

let srv;
let browser;

before(async () => {
	srv = await startServer();
	browser = await launch();
});

after(async () => {
	console.log(`axe-core ran on ${axeCount.run} distinct pages; ${axeCount.reused} visits were the same page as one already checked`);
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

const slug = (p) => p.replace(/^\//, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '') || 'home';

/* Takes out of page.problems the failed load of a page that answered status on purpose. */
function dropExpectedStatus(page, status) {
	page.problems = page.problems.filter((p) => !p.includes(`the server responded with a status of ${status}`));
}

/*
 * checkA11y, once per distinct page. axe-core's verdict depends only on the document (and the
 * style sheet, the same everywhere), and many roles are shown the same screen: a page whose
 * HTML, apart from the CSRF token and the signed-in user's name, organisation and account in
 * the header and footer, is the same as one already checked gets that check's verdict (a
 * failure names the role whose page was checked). This keeps the file's run time reasonable
 * on a small machine: axe takes 0.5 to 1.5 s a page.
 */
const axeVerdicts = new Map();
const axeCount = { run: 0, reused: 0 };

async function a11y(page, what) {
	const html = await page.evaluate(() => {
		const doc = document.documentElement.cloneNode(true);
		for (const el of doc.querySelectorAll('input[name="_csrf"]')) el.setAttribute('value', '');
		for (const el of doc.querySelectorAll('header .who .user, header .who .org, footer')) el.textContent = '';
		return doc.outerHTML;
	});
	const key = createHash('sha256').update(html).digest('hex');
	let verdict = axeVerdicts.get(key);
	if (verdict) {
		axeCount.reused++;
	} else {
		axeCount.run++;
		verdict = { what, done: checkA11y(page, what).then(() => null, (e) => e) };
		axeVerdicts.set(key, verdict);
	}
	const err = await verdict.done;
	if (err) throw verdict.what === what ? err : new Error(`${what}: the same page as ${verdict.what}, where:\n${err.message}`);
}

/* The checks of one page the browser is on; signedIn: the main navigation must be there. */
async function checkScreen(page, what, { signedIn }) {
	await a11y(page, what);

	assert.equal(await page.locator('h1').count(), 1, `${what}: not exactly one h1`);
	assert.ok((await page.locator('h1').innerText()).trim(), `${what}: the h1 is empty`);
	assert.equal(await page.getByRole('main').count(), 1, `${what}: not exactly one main landmark`);
	const lang = await page.locator('html').getAttribute('lang');
	assert.match(lang || '', /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, `${what}: <html lang> is ${JSON.stringify(lang)}`);

	// Keyboard: from the top of the page, the first Tab lands on the skip link. "The top": the
	// sequential focus navigation starts at the beginning of <body> (a page with an autofocus
	// field, /sign-in, has the focus elsewhere; blur() alone would leave the starting point
	// there): a throw-away element, first in <body> and out of the tab order, takes the focus.
	await page.evaluate(() => {
		window.scrollTo(0, 0);
		const start = document.createElement('span');
		start.tabIndex = -1;
		start.id = 'a11y-test-start';
		document.body.prepend(start);
		start.focus();
	});
	await page.keyboard.press('Tab');
	await page.evaluate(() => document.getElementById('a11y-test-start')?.remove());
	const first = await page.evaluate(() => {
		const el = document.activeElement;
		return el ? { tag: el.tagName, text: (el.textContent || '').trim(), href: el.getAttribute('href') } : null;
	});
	assert.equal(first && first.text, 'Skip to the content', `${what}: the first Tab focuses ${JSON.stringify(first)}`);
	assert.equal(first.tag, 'A', `${what}: the skip link is not a link`);
	const target = (first.href || '').replace(/^#/, '');
	assert.ok(target, `${what}: the skip link points nowhere`);
	assert.equal(
		await page.evaluate((id) => {
			const el = document.getElementById(id);
			return !!el && (el.tagName === 'MAIN' || el.getAttribute('role') === 'main');
		}, target),
		true,
		`${what}: the skip link points at #${target}, which is not the main landmark`,
	);

	if (signedIn) {
		const nav = page.getByRole('navigation', { name: 'Main' });
		assert.equal(await nav.count(), 1, `${what}: no main navigation`);
		const hrefs = await nav.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
		assert.ok(hrefs.length > 0, `${what}: the main navigation has no links`);
		const reached = [];
		for (let i = 0; i < 40 && reached.length < hrefs.length; i++) {
			await page.keyboard.press('Tab');
			const at = await page.evaluate(() => {
				const el = document.activeElement;
				if (!el || el === document.body) return null;
				const inNav = !!el.closest('nav[aria-label="Main"]');
				return { inNav, href: el.getAttribute('href') };
			});
			if (at && at.inNav) reached.push(at.href);
			else if (reached.length) break; // left the navigation before reaching all of it
		}
		assert.deepEqual(reached, hrefs, `${what}: Tab does not reach the main navigation's links in order`);
	}

	assert.deepEqual(page.problems, [], `${what}: console errors, page errors or CSP violations`);
	assert.deepEqual(page.dialogs, [], `${what}: a dialog opened`);
}

/* Opens path; returns the status it answered. */
async function open(page, path) {
	const res = await page.goto(srv.base + path);
	assert.ok(res, `no response for ${path}`);
	return res.status();
}

describe('every screen of every role', { concurrency: 3 }, () => {
	test('not signed in: /sign-in and the 404 page', async (t) => {
		const page = await newPage(browser);
		try {
			await t.test('/sign-in', async () => {
				assert.equal(await open(page, '/sign-in'), 200);
				await checkScreen(page, 'anonymous /sign-in', { signedIn: false });
			});
			await t.test(`404 page (${MISSING})`, async () => {
				assert.equal(await open(page, MISSING), 404);
				dropExpectedStatus(page, 404);
				await checkScreen(page, `anonymous ${MISSING}`, { signedIn: false });
			});
		} finally {
			await page.context().close();
		}
	});

	for (const role of ROLES) {
		test(`${role}: every screen it can open`, async (t) => {
			const page = await newPage(browser);
			try {
				await signIn(page, srv, role);
				// Which screens answer this role 200: asked with the context's cookies, without
				// loading them in the page (a 404 there would be a console error).
				const open200 = [];
				const other = [];
				for (const p of SCREENS) {
					const r = await page.context().request.get(srv.base + p, { maxRedirects: 0 });
					if (r.status() === 200) open200.push(p);
					else other.push(`${p} ${r.status()}`);
				}
				t.diagnostic(`${role} opens ${open200.length} of ${SCREENS.length} screens; not: ${other.join(', ') || 'none'}`);
				for (const p of MUST_OPEN[role] || []) assert.ok(open200.includes(p), `${role} cannot open ${p}`);

				for (const p of open200) {
					await t.test(p, async () => {
						page.problems = [];
						assert.equal(await open(page, p), 200, `${role} ${p}`);
						if (SHOOT.has(role)) await shot(page, `a11y-${role}-${slug(p)}`);
						await checkScreen(page, `${role} ${p}`, { signedIn: true });
					});
				}
				await t.test(`404 page of a record that does not exist (${NO_RECORD})`, async () => {
					page.problems = [];
					assert.equal(await open(page, NO_RECORD), 404);
					dropExpectedStatus(page, 404);
					if (SHOOT.has(role)) await shot(page, `a11y-${role}-404-record`);
					await checkScreen(page, `${role} ${NO_RECORD}`, { signedIn: true });
				});
				await t.test(`404 page of an unknown address (${MISSING})`, async () => {
					page.problems = [];
					assert.equal(await open(page, MISSING), 404);
					dropExpectedStatus(page, 404);
					if (SHOOT.has(role)) await shot(page, `a11y-${role}-404-address`);
					// The layout's checks without the main navigation: see the next test.
					await checkScreen(page, `${role} ${MISSING}`, { signedIn: false });
				});
				if (role === 'admin') {
					await t.test(
						`the 404 page of an unknown address (${MISSING}) is drawn for the signed-in user`,
						{},
						async () => {
							page.problems = [];
							assert.equal(await open(page, MISSING), 404);
							dropExpectedStatus(page, 404);
							const header = await page.locator('header').innerText();
							assert.doesNotMatch(header, /\bSign in\b/, `${role} ${MISSING}: the header offers "Sign in" to a signed-in user`);
							await checkScreen(page, `${role} ${MISSING}`, { signedIn: true });
						},
					);
				}
			} finally {
				await page.context().close();
			}
		});
	}
});
