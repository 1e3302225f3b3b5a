// The core flows of the web UI in a real browser with JavaScript DISABLED: every one must work
// with plain links and forms. Each test has its own server (a fresh copy of the demo database),
// so that the flows do not depend on each other's changes and each account signs in once per
// server (the server refuses a TOTP code used twice); after each step the state is checked
// through the API (as the demo administrator's API token, or with the browser's own session
// cookie). No console error, page error, CSP violation or dialog may happen, except the
// failed load of a page answered 4xx on purpose (a refused form). The refused forms are also
// checked with axe-core (checkA11y), as a browser without JavaScript shows them.
//
//   - signing in: observer (no TOTP), driver (password and TOTP);
//   - signing out;
//   - the OAP annex filters: choose a leader, press Filter, fewer rows, "Clear the filters";
//   - a workflow button (the driver returns OAP 1 to drafting), then the new-action form: a
//     refused one (errors next to the fields), then a good one;
//   - the NEC confirms a participation on /participation (nec-nl: NL is invited to action 1.1);
//   - a progress report: the Action Leader opens it from the home page, a refused save (an
//     amount that is not one), a draft saved, then submitted;
//   - the Support Team chases the missing reports of a round with a message; the Action Leader
//     finds the reminder on the home page and on the report;
//   - a partial declassification proposed by the secretariat through its form: a missing reason
//     (the error next to that reason, every choice kept), then proposed;
//   - the password change form: mismatched new passwords, the error next to the field;
//   - an expired session and a removed session cookie: /sign-in?next=..., and back to the
//     page after signing in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, newPage, signIn, totpFor, checkA11y, shot, startServer, DEMO_PASSWORD } from './lib.mjs';
import { api, get, expectStatus } from '../e2e/lib.mjs';

let browser;

before(async () => {
	browser = await launch();
});

after(async () => {
	if (browser) await browser.close();
});

/* A server for one test, stopped (and checked for a clean exit) after it. */
async function withServer(fn) {
	const srv = await startServer();
	try {
		await fn(srv);
	} finally {
		await srv.stop();
	}
}

/* A page without JavaScript; closed with its context by the caller's finally. */
async function noJsPage() {
	const page = await newPage(browser, { javaScript: false });
	assert.equal(page.javaScript, false);
	return page;
}

/* The page's problems and dialogs, less the failed load of a page answered `expected` on purpose. */
function assertClean(page, what, expected = []) {
	const problems = page.problems.filter((p) => !expected.some((s) => p.includes(`the server responded with a status of ${s}`)));
	assert.deepEqual(problems, [], `${what}: console errors, page errors or CSP violations`);
	assert.deepEqual(page.dialogs, [], `${what}: a dialog opened`);
}

/* Clicks what submits a form and waits for the page it ends on; returns the status of the
 * answer to the form itself (a 303 is followed by the browser: its final page is then 200). */
async function submit(page, locator) {
	const answers = [];
	const onResponse = (r) => {
		if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) answers.push(r);
	};
	page.on('response', onResponse);
	try {
		await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
	} finally {
		page.off('response', onResponse);
	}
	assert.ok(answers.length > 0, 'the form was not sent');
	return { first: answers[0].status(), last: answers[answers.length - 1].status() };
}

/* The session the browser's cookie stands for, asked of the API with that cookie. */
async function session(page, srv) {
	const r = await page.context().request.get(`${srv.base}/api/v1/auth/session`, { failOnStatusCode: false });
	return { status: r.status(), body: r.status() === 200 ? await r.json() : null };
}

/* A POST with If-Match of the record's current version, as the demo administrator's token. */
async function move(srv, path, body) {
	const rec = path.replace(/\/transitions$/, '');
	const v = expectStatus(await get(srv.base, `/api/v1${rec}`), 200, rec).body.version;
	return expectStatus(await api(srv.base, 'POST', `/api/v1${path}`, { body, headers: { 'If-Match': `"${v}"` } }), 200, `${path} ${JSON.stringify(body)}`);
}

/* Fills the sign-in form the browser is on (as a person would) and sends it. */
async function fillSignIn(page, srv, username) {
	await page.getByLabel('User name').fill(username);
	await page.getByLabel('Password').fill(DEMO_PASSWORD);
	const code = await totpFor(srv.db, username);
	if (code !== null) await page.getByLabel('One-time code').fill(code);
	return submit(page, page.getByRole('button', { name: 'Sign in' }));
}

/*
 * A field with a problem is tied to its error for assistive technology, as the forms made from
 * the resource descriptions do (templates/field.html): aria-invalid="true", and aria-describedby
 * naming the element that holds the error.
 */
async function assertErrorTied(page, id) {
	const field = page.locator(`#${id}`);
	assert.equal(await field.getAttribute('aria-invalid'), 'true', `#${id} is not marked aria-invalid`);
	const ids = ((await field.getAttribute('aria-describedby')) || '').split(/\s+/).filter(Boolean);
	const texts = [];
	for (const i of ids) texts.push(await page.locator(`[id="${i}"]`).innerText().catch(() => ''));
	const error = await page.locator('.field', { has: field }).locator('.error').innerText();
	assert.ok(texts.some((x) => x.includes(error)), `#${id} is not described by its error "${error}" (aria-describedby: ${JSON.stringify(ids)})`);
}


for (const username of ['observer', 'driver']) {
	test(`${username} signs in without JavaScript (${username === 'driver' ? 'password and TOTP' : 'password only'})`, async () => {
		await withServer(async (srv) => {
			const page = await noJsPage();
			try {
				assert.equal((await session(page, srv)).status, 401, 'a session before signing in');
				await signIn(page, srv, username);
				assert.equal(new URL(page.url()).pathname, '/', `landed on ${page.url()}`);
				assert.match(await page.locator('h1').innerText(), new RegExp(`Welcome, ${username}`));
				const s = await session(page, srv);
				assert.equal(s.status, 200, 'no session after signing in');
				assert.equal(s.body.user.username, username);
				assert.equal(s.body.auth, 'session');
				await shot(page, `nojs-signed-in-${username}`);
				assertClean(page, `signing in ${username}`);
			} finally {
				await page.context().close();
			}
		});
	});
}

test('signing out without JavaScript ends the session', async () => {
	await withServer(async (srv) => {
		const page = await noJsPage();
		try {
			await signIn(page, srv, 'observer');
			const cookie = (await page.context().cookies()).find((c) => c.name === '__Host-empact');
			assert.ok(cookie, `no session cookie: ${JSON.stringify(await page.context().cookies())}`);
			assert.equal((await session(page, srv)).status, 200);

			const r = await submit(page, page.getByRole('button', { name: 'Sign out' }));
			assert.equal(r.last, 200);
			const at = new URL(page.url());
			assert.equal(at.pathname, '/sign-in', `after signing out: ${page.url()}`);
			assert.match(await page.getByRole('status').innerText(), /You have signed out/);
			assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0, 'the main navigation after signing out');
			// The session is over on the server too: its old cookie opens nothing.
			assert.equal((await session(page, srv)).status, 401, 'the browser still has a session');
			const old = await get(srv.base, '/api/v1/auth/session', { headers: { Cookie: `${cookie.name}=${cookie.value}` } });
			assert.equal(old.status, 401, `the old session cookie still works: ${old.text.slice(0, 200)}`);
			const home = await page.goto(`${srv.base}/`);
			assert.equal(new URL(page.url()).pathname, '/sign-in', `GET / after signing out ends at ${page.url()} (${home.status()})`);
			assertClean(page, 'signing out');
		} finally {
			await page.context().close();
		}
	});
});

test('the OAP annex filters without JavaScript: Filter button, fewer rows, "Clear the filters"', async () => {
	await withServer(async (srv) => {
		const page = await noJsPage();
		try {
			await signIn(page, srv, 'driver');
			const all = expectStatus(await get(srv.base, '/api/v1/oaps/1/actions', { as: 'driver' }), 200).body.items;
			const byDE = all.filter((a) => a.leader && a.leader.org === 'DE');
			assert.ok(all.length >= 2 && byDE.length >= 1 && byDE.length < all.length, `demo data: ${all.length} actions, ${byDE.length} led by DE`);

			await page.goto(`${srv.base}/oaps/1`);
			const annex = page.locator('main table').filter({ has: page.locator('th', { hasText: 'Leader' }) });
			const rows = annex.locator('tbody tr');
			assert.equal(await rows.count(), all.length, 'rows of the unfiltered annex');
			assert.equal(await page.getByRole('link', { name: 'Clear the filters' }).count(), 0, '"Clear the filters" without a filter');

			const filters = page.getByRole('form', { name: 'Filter the annex' });
			await filters.getByLabel('Leader').selectOption('DE');
			const r = await submit(page, filters.getByRole('button', { name: 'Filter' }));
			assert.equal(r.last, 200);
			const url = new URL(page.url());
			assert.equal(url.pathname, '/oaps/1');
			assert.equal(url.searchParams.get('leader'), 'DE', `filtered at ${page.url()}`);
			assert.equal(await rows.count(), byDE.length, 'rows of the annex filtered by leader DE');
			for (const a of byDE) assert.equal(await annex.getByRole('link', { name: a.title }).count(), 1, `action ${a.number} is not in the filtered annex`);
			assert.match(await page.locator('main').innerText(), new RegExp(`${byDE.length} of ${all.length} actions shown`));
			assert.equal(await filters.getByLabel('Leader').inputValue(), 'DE', 'the chosen leader is not kept');
			await shot(page, 'nojs-annex-filtered');

			await submit(page, page.getByRole('link', { name: 'Clear the filters' }));
			assert.equal(new URL(page.url()).search, '', `after clearing: ${page.url()}`);
			assert.equal(await rows.count(), all.length, 'rows after clearing the filters');
			assertClean(page, 'the annex filters');
		} finally {
			await page.context().close();
		}
	});
});

test('the driver returns OAP 1 to drafting with its workflow button, then adds an action through the form', async () => {
	await withServer(async (srv) => {
		const page = await noJsPage();
		try {
			await signIn(page, srv, 'driver');
			assert.equal(expectStatus(await get(srv.base, '/api/v1/oaps/1'), 200).body.status, 'submitted_to_cosi', 'demo data');

			await page.goto(`${srv.base}/oaps/1`);
			const steps = page.getByRole('group', { name: 'Workflow steps' });
			let r = await submit(page, steps.getByRole('button', { name: 'Return to drafting' }));
			assert.equal(r.first, 303, 'the workflow step did not answer with a redirect');
			assert.equal(new URL(page.url()).pathname, '/oaps/1');
			assert.match(await page.getByRole('status').first().innerText(), /The workflow step is done/);
			assert.match(await page.locator('dd.state').innerText(), /Drafting/i);
			assert.equal(expectStatus(await get(srv.base, '/api/v1/oaps/1'), 200).body.status, 'drafting', 'OAP 1 after the step');

			const before = expectStatus(await get(srv.base, '/api/v1/oaps/1/actions'), 200).body.items;
			await submit(page, page.getByRole('link', { name: 'Add an operational action' }));
			assert.equal(new URL(page.url()).pathname, '/oaps/1/actions/new');

			// Refused: no title, a number that is not one. The errors are next to their fields.
			await page.getByLabel('Number').fill('three');
			await page.getByLabel('Position').fill('4');
			r = await submit(page, page.getByRole('button', { name: 'Create' }));
			assert.equal(r.first, 422, 'the refused form');
			assert.equal(new URL(page.url()).pathname, '/oaps/1/actions/new');
			assert.match(await page.getByRole('alert').innerText(), /.+/);
			for (const [name, pattern] of [['number', /three/], ['title', /.+/]]) {
				const field = page.locator(`#f-${name}`);
				assert.equal(await field.getAttribute('aria-invalid'), 'true', `${name} is not marked invalid`);
				const describedBy = await field.getAttribute('aria-describedby');
				assert.ok(describedBy && describedBy.includes(`f-${name}-error`), `${name} is not described by its error`);
				const error = page.locator(`#f-${name}-error`);
				assert.match(await error.innerText(), pattern, `the error next to ${name}`);
				assert.equal(
					await error.evaluate((e, n) => e.closest('.field') === document.getElementById(`f-${n}`).closest('.field'), name),
					true,
					`the error of ${name} is not next to its field`,
				);
			}
			assert.equal(await page.getByLabel('Number').inputValue(), 'three', 'what was typed is not kept');
			assert.equal(await page.getByLabel('Position').inputValue(), '4', 'what was typed is not kept');
			await shot(page, 'nojs-new-action-refused');
			await checkA11y(page, 'the refused new-action form, without JavaScript');
			assert.equal(expectStatus(await get(srv.base, '/api/v1/oaps/1/actions'), 200).body.items.length, before.length, 'the refused form created an action');

			// Corrected: created, and the browser is on its page.
			await page.getByLabel('Number').fill('3.1');
			await page.getByLabel('Title').fill('An action made without JavaScript');
			await page.getByLabel('What').fill('Checks of the routes');
			r = await submit(page, page.getByRole('button', { name: 'Create' }));
			assert.equal(r.first, 303, 'the good form');
			const items = expectStatus(await get(srv.base, '/api/v1/oaps/1/actions'), 200).body.items;
			assert.equal(items.length, before.length + 1);
			const made = items.find((a) => a.number === '3.1');
			assert.ok(made, 'no action 3.1');
			assert.equal(made.title, 'An action made without JavaScript');
			assert.equal(made.what, 'Checks of the routes');
			assert.equal(made.position, 4);
			assert.equal(made.status, 'proposed');
			assert.equal(new URL(page.url()).pathname, `/actions/${made.id}`, `after creating: ${page.url()}`);
			assert.match(await page.locator('h1').innerText(), /An action made without JavaScript/);
			assert.match(await page.getByRole('status').first().innerText(), /Created/);
			assertClean(page, 'the workflow step and the new-action form', [422]);
		} finally {
			await page.context().close();
		}
	});
});

test('the NEC of NL confirms its participation in action 1.1 on /participation', async () => {
	await withServer(async (srv) => {
		const page = await noJsPage();
		try {
			const nl = () =>
				get(srv.base, '/api/v1/actions/1').then((r) => expectStatus(r, 200).body.participants.find((p) => p.org === 'NL'));
			assert.equal((await nl()).status, 'invited', 'demo data: NL is invited to action 1.1');
			await signIn(page, srv, 'nec-nl');
			await page.goto(`${srv.base}/participation`);
			const confirm = page.getByRole('button', { name: 'Confirm NL in action 1.1' });
			assert.equal(await confirm.count(), 1, 'no button to confirm NL in action 1.1');
			const r = await submit(page, confirm);
			assert.equal(r.first, 303);
			assert.equal(new URL(page.url()).pathname, '/participation');
			assert.match(await page.getByRole('status').first().innerText(), /The participation is recorded/);
			assert.equal((await nl()).status, 'confirmed', 'NL in action 1.1 after confirming');
			// The row now says so, and offers only to decline.
			const row = page.locator('tr', { has: page.getByRole('link', { name: '1.1', exact: true }) }).filter({ hasText: 'NL' });
			assert.match(await row.innerText(), /Confirmed/);
			assert.equal(await page.getByRole('button', { name: 'Confirm NL in action 1.1' }).count(), 0);
			assert.equal(await page.getByRole('button', { name: 'Decline NL in action 1.1' }).count(), 1);
			await shot(page, 'nojs-participation-confirmed');
			assertClean(page, 'confirming a participation');
		} finally {
			await page.context().close();
		}
	});
});

test('the Action Leader saves a progress report (a refused save, a draft) and submits it', async (t) => {
	await withServer(async (srv) => {
		// A report to write: action 1.1 planned, OAP 1 adopted, round 2018-H2 opened.
		await move(srv, '/actions/1/transitions', { to: 'planned' });
		await move(srv, '/oaps/1/transitions', { to: 'adopted' });
		await move(srv, '/reporting-rounds/1/transitions', { to: 'open' });
		const reports = expectStatus(await get(srv.base, '/api/v1/actions/1/progress-reports'), 200).body.items;
		assert.equal(reports.length, 1, 'opening the round asked no report of action 1.1');
		const id = reports[0].id;
		const report = async () => expectStatus(await get(srv.base, `/api/v1/progress-reports/${id}`), 200).body;
		assert.equal((await report()).status, 'requested');

		const page = await noJsPage();
		try {
			await signIn(page, srv, 'action-leader');
			// From the home page, as the Action Leader finds it.
			const due = page.getByRole('region', { name: 'Reports due' }).locator(`a[href="/progress-reports/${id}"]`);
			assert.equal(await due.count(), 1, 'the report is not among the reports due on the home page');
			await submit(page, due);
			assert.equal(new URL(page.url()).pathname, `/progress-reports/${id}`);

			// Refused: an amount that is not one. The error is next to the field; the text is kept.
			await page.getByLabel('Progress and results').fill('Two *joint* operations.\n\n- 14 arrests\n- 3 boats seized');
			await page.getByLabel('Status of the action').selectOption('ongoing');
			await page.getByLabel('Resources allocated to date (EUR)').fill('a lot');
			await page.getByLabel('Problems met').fill('Late replies from one partner.');
			let r = await submit(page, page.getByRole('button', { name: 'Save draft' }));
			assert.ok(r.first >= 400 && r.first < 500, `the refused save answered ${r.first}`);
			const field = page.locator('.field', { has: page.getByLabel('Resources allocated to date (EUR)') });
			assert.match(await field.getAttribute('class'), /\binvalid\b/, 'the amount field is not marked invalid');
			assert.match(await field.locator('.error').innerText(), /.+/, 'no error next to the amount');
			assert.equal(await page.getByLabel('Progress and results').inputValue(), 'Two *joint* operations.\n\n- 14 arrests\n- 3 boats seized');
			assert.equal(await page.getByLabel('Resources allocated to date (EUR)').inputValue(), 'a lot');
			await shot(page, 'nojs-report-refused');
			await checkA11y(page, 'the refused progress report, without JavaScript');
			await t.test('the refused amount is marked invalid and described by its error, as in the other forms', async () => {
				await assertErrorTied(page, 'f-alloc');
			});
			let now = await report();
			assert.equal(now.status, 'requested', 'the refused save changed the report');
			assert.equal(now.narrative, null);

			// A draft.
			await page.getByLabel('Resources allocated to date (EUR)').fill('1250.50');
			await page.getByLabel('Resources used to date (EUR)').fill('99');
			await page.getByLabel(/^Suspects arrested/).fill('14');
			r = await submit(page, page.getByRole('button', { name: 'Save draft' }));
			assert.equal(r.first, 303, 'saving the draft');
			assert.equal(new URL(page.url()).pathname, `/progress-reports/${id}`);
			now = await report();
			assert.equal(now.status, 'draft');
			assert.equal(now.narrative, 'Two *joint* operations.\n\n- 14 arrests\n- 3 boats seized');
			assert.equal(now.action_status, 'ongoing');
			assert.equal(now.resources_allocated_cents, 125050);
			assert.equal(now.resources_used_cents, 9900);
			assert.equal(now.problems, 'Late replies from one partner.');
			const kpis = expectStatus(await get(srv.base, '/api/v1/actions/1/kpis'), 200).body.items;
			const arrests = kpis.find((k) => /^Suspects arrested/.test(k.name));
			assert.ok(arrests, `no KPI "Suspects arrested" of action 1.1: ${JSON.stringify(kpis.map((k) => k.name))}`);
			const actuals = expectStatus(await get(srv.base, `/api/v1/kpis/${arrests.id}/actuals`), 200).body;
			assert.ok(
				actuals.items.some((a) => a.round_id === 1 && a.value === 14),
				`the KPI actual was not saved: ${JSON.stringify(actuals)}`,
			);
			assert.equal(await page.getByLabel('Progress and results').inputValue(), now.narrative, 'the saved narrative is not in the form');

			// Submitted.
			r = await submit(page, page.getByRole('button', { name: 'Save and submit' }));
			assert.equal(r.first, 303, 'submitting');
			now = await report();
			assert.equal(now.status, 'submitted');
			assert.ok(now.submitted_at, 'no submission time');
			assert.match(await page.locator('main').innerText(), /Submitted/);
			await shot(page, 'nojs-report-submitted');
			assertClean(page, 'the progress report', [422, 400]);
		} finally {
			await page.context().close();
		}
	});
});

test('the Support Team chases the missing reports with a message; the Action Leader finds it on the home page and the report', async () => {
	await withServer(async (srv) => {
		// A round with a missing report: action 1.1 planned, OAP 1 adopted, round 2018-H2 opened.
		await move(srv, '/actions/1/transitions', { to: 'planned' });
		await move(srv, '/oaps/1/transitions', { to: 'adopted' });
		await move(srv, '/reporting-rounds/1/transitions', { to: 'open' });
		const id = expectStatus(await get(srv.base, '/api/v1/actions/1/progress-reports'), 200).body.items[0].id;
		const report = async () => expectStatus(await get(srv.base, `/api/v1/progress-reports/${id}`), 200).body;
		const message = 'The NEC meets on Monday: please send the report of 1.1 by Friday. <b>Thank you</b>';

		const est = await noJsPage();
		try {
			await signIn(est, srv, 'est');
			await est.goto(`${srv.base}/reporting-rounds/1`);
			const missing = est.getByRole('region', { name: 'Missing reports' });
			await missing.getByLabel('Message to the Action Leaders (optional)').fill(message);
			const r = await submit(est, missing.getByRole('button', { name: 'Chase the missing reports' }));
			assert.equal(r.first, 303, 'the chase');
			assert.equal(r.last, 200);
			assert.equal(new URL(est.url()).pathname, '/reporting-rounds/1');
			assert.match(await est.getByRole('status').first().innerText(), /^1 missing report chased: its Action Leader was reminded\.$/);
			const row = missing.locator('tbody tr').filter({ has: est.locator(`a[href="/progress-reports/${id}"]`) });
			assert.equal((await row.locator('td').last().innerText()).trim(), '1', 'the report is not counted as chased once');
			await shot(est, 'nojs-round-chased');
			assertClean(est, 'the chase');
		} finally {
			await est.context().close();
		}
		const now = await report();
		assert.deepEqual(now.reminders.map((x) => [x.sent_by, x.message]), [['est', message]]);
		const said = `Chased by the Support Team on ${now.last_chased_at.slice(0, 10).split('-').reverse().join('.')}: ${message}`;

		const leader = await noJsPage();
		try {
			await signIn(leader, srv, 'action-leader');
			const due = leader.getByRole('region', { name: 'Reports due' }).getByRole('listitem').filter({ has: leader.locator(`a[href="/progress-reports/${id}"]`) });
			assert.equal(await due.count(), 1, 'the report is not due on the home page');
			assert.equal(await due.locator('.chased').innerText(), said);
			await shot(leader, 'nojs-home-chased');
			await submit(leader, due.getByRole('link'));
			assert.equal(new URL(leader.url()).pathname, `/progress-reports/${id}`);
			assert.deepEqual(await leader.getByRole('region', { name: 'Reminders from the Support Team' }).getByRole('listitem').allInnerTexts(), [said]);
			assertClean(leader, 'the reminder on the home page and the report');
		} finally {
			await leader.context().close();
		}
	});
});

test('the secretariat proposes a partial declassification without JavaScript: a missing reason at its field, then proposed', async (t) => {
	await withServer(async (srv) => {
		const REASON = 'Public access would undermine the protection of the public interest as regards public security (Regulation (EC) No 1049/2001, Article 4(1)(a))';
		// The decisions of 13874/17 EXT 1: p2 and p4 deleted, sections 5.1 and 6 not declassified.
		const decide = (id) =>
			['passage:p2', 'passage:p4'].includes(id) ? ['Deleted', REASON] : ['section:5.1', 'section:6'].includes(id) ? ['Not declassified', REASON] : ['Released', ''];
		const count = async () => expectStatus(await get(srv.base, '/api/v1/documents?limit=100'), 200).body.items.length;
		const before = await count();
		const page = await noJsPage();
		try {
			await signIn(page, srv, 'gsc');
			await page.goto(`${srv.base}/documents/2`);
			let r = await submit(page, page.getByRole('link', { name: 'Propose a declassification' }));
			assert.equal(r.last, 200);
			assert.equal(new URL(page.url()).pathname, '/documents/2/declassify');
			const groups = page.locator('main fieldset.decision');
			const n = await groups.count();
			assert.ok(n >= 18, `${n} parts to decide`);
			const ids = [];
			for (let i = 0; i < n; i++) ids.push(await groups.nth(i).locator('input[type="hidden"]').getAttribute('value'));
			const group = (id) => groups.filter({ has: page.locator(`input[type="hidden"][value="${id}"]`) });
			// Every part decided, a reason typed for every removal but p4's.
			for (const id of ids) {
				const [choice, why] = decide(id);
				await group(id).getByRole('radio', { name: choice, exact: true }).check();
				if (why && id !== 'passage:p4') await group(id).getByRole('textbox', { name: /^Reason/ }).fill(why);
			}
			r = await submit(page, page.getByRole('button', { name: 'Propose' }));
			assert.equal(r.first, 422, 'the form without the reason of p4');
			assert.equal(new URL(page.url()).pathname, '/documents/2/declassify');
			assert.match(await page.getByRole('alert').innerText(), /1 part of the form needs fixing/);
			const reason = group('passage:p4').getByRole('textbox', { name: /^Reason/ });
			assert.match(await group('passage:p4').locator('.error').innerText(), /a removal needs its reason/);
			assert.equal(await group('passage:p4').getByRole('radio', { name: 'Deleted', exact: true }).isChecked(), true, 'the choice of p4 is kept');
			assert.equal(await group('passage:p2').getByRole('textbox', { name: /^Reason/ }).inputValue(), REASON, 'the reason of p2 is kept');
			assert.equal(await group('section:1').getByRole('radio', { name: 'Released', exact: true }).isChecked(), true, 'the choice of section 1 is kept');
			await shot(page, 'nojs-declassify-refused');
			await checkA11y(page, 'the refused declassification form, without JavaScript');
			await t.test('the missing reason is marked invalid and described by its error, as in the other forms', async () => {
				await assertErrorTied(page, await reason.getAttribute('id'));
			});
			assert.equal(await count(), before, 'the refused form made a document');

			await reason.fill(REASON);
			r = await submit(page, page.getByRole('button', { name: 'Propose' }));
			assert.equal(r.first, 303, 'the good form');
			const m = /^\/documents\/(\d+)$/.exec(new URL(page.url()).pathname);
			assert.ok(m, `after proposing: ${page.url()}`);
			assert.match(await page.getByRole('status').first().innerText(), /The declassification is proposed/);
			const rec = expectStatus(await get(srv.base, `/api/v1/documents/${m[1]}/declassification`), 200).body;
			assert.equal(rec.document, '13874/17 EXT 2');
			assert.equal(rec.proposed_by, 'gsc');
			assert.deepEqual(
				rec.decisions.map((d) => [d.passage ? `passage:${d.passage}` : `section:${d.section}`, d.decision, d.reason || '']),
				ids.map((id) => [id, decide(id)[0].toLowerCase().replace(' ', '_'), decide(id)[1]]),
			);
			assert.equal(await count(), before + 1);
			assertClean(page, 'the declassification form', [422]);
		} finally {
			await page.context().close();
		}
	});
});

test('the password change form without JavaScript: mismatched new passwords, the error next to the field', async (t) => {
	await withServer(async (srv) => {
		const page = await noJsPage();
		try {
			await signIn(page, srv, 'observer');
			await page.goto(`${srv.base}/account`);
			await submit(page, page.getByRole('link', { name: 'Change your password' }));
			assert.equal(new URL(page.url()).pathname, '/account/password');
			await page.getByLabel('Current password').fill(DEMO_PASSWORD);
			await page.getByLabel('New password', { exact: true }).fill('correct horse battery staple 1');
			await page.getByLabel('New password again').fill('correct horse battery staple 2');
			const r = await submit(page, page.getByRole('button', { name: 'Change password' }));
			assert.ok(r.first >= 400 && r.first < 500, `mismatched passwords answered ${r.first}`);
			assert.equal(new URL(page.url()).pathname, '/account/password');
			const again = page.locator('.field', { has: page.getByLabel('New password again') });
			assert.match(await again.getAttribute('class'), /\binvalid\b/, 'the repeated password is not marked invalid');
			assert.match(await again.locator('.error').innerText(), /.+/, 'no error next to the repeated password');
			await shot(page, 'nojs-password-mismatch');
			await checkA11y(page, 'the refused password change, without JavaScript');
			await t.test('the repeated password is marked invalid and described by its error, as in the other forms', async () => {
				await assertErrorTied(page, 'new_password_again');
			});
			// Nothing changed: the old password still signs in, the new one does not.
			const old = await api(srv.base, 'POST', '/api/v1/auth/login', { anon: true, body: { username: 'observer', password: DEMO_PASSWORD } });
			assert.equal(old.status, 200, `the old password no longer signs in: ${old.text.slice(0, 200)}`);
			const nu = await api(srv.base, 'POST', '/api/v1/auth/login', { anon: true, body: { username: 'observer', password: 'correct horse battery staple 1' } });
			assert.notEqual(nu.status, 200, 'the new password signs in');
			assert.equal((await session(page, srv)).status, 200, 'the refused change ended the session');
			assertClean(page, 'the password change form', [422, 400]);
		} finally {
			await page.context().close();
		}
	});
});

test('an expired session and a removed session cookie: /sign-in?next=..., then back to the page', async () => {
	await withServer(async (srv) => {
		for (const [username, how, path] of [
			['observer', 'expired', '/cycles/2'],
			['participant', 'removed', '/actions/1?tab=1'],
		]) {
			const page = await noJsPage();
			try {
				await signIn(page, srv, username);
				let res = await page.goto(srv.base + path);
				assert.equal(res.status(), 200, `${username} ${path} before`);
				assert.equal((await session(page, srv)).status, 200);

				if (how === 'expired') {
					// The server's clock says the session was last seen long ago.
					execFileSync('sqlite3', [
						'-cmd',
						'.timeout 10000',
						srv.db,
						`UPDATE sessions SET seen_at = seen_at - 400000, created_at = created_at - 4000000 WHERE user_id = (SELECT id FROM users WHERE username = '${username}')`,
					]);
				} else {
					await page.context().clearCookies();
				}
				res = await page.goto(srv.base + path);
				const at = new URL(page.url());
				assert.equal(at.pathname, '/sign-in', `${how} session: ${path} ended at ${page.url()} (${res.status()})`);
				assert.equal(at.searchParams.get('next'), path, `${how} session: next=${at.searchParams.get('next')}`);
				assert.equal(await page.locator('input[name="next"]').inputValue(), path, 'the form does not carry next');
				assert.equal((await session(page, srv)).status, 401, `${how} session still answers`);
				await shot(page, `nojs-session-${how}`);

				const r = await fillSignIn(page, srv, username);
				assert.equal(r.first, 303, 'signing in again');
				const back = new URL(page.url());
				assert.equal(back.pathname + back.search, path, `after signing in again: ${page.url()}`);
				assert.equal(r.last, 200);
				const s = await session(page, srv);
				assert.equal(s.status, 200);
				assert.equal(s.body.user.username, username);
				assertClean(page, `${how} session`);
			} finally {
				await page.context().close();
			}
		}
	});
});

test(
	'changing the number of an action of an adopted OAP is refused with the reason, not as an edit conflict',
	async () => {
		await withServer(async (srv) => {
			await move(srv, '/actions/1/transitions', { to: 'planned' });
			await move(srv, '/oaps/1/transitions', { to: 'adopted' });
			const page = await noJsPage();
			try {
				await signIn(page, srv, 'driver');
				await page.goto(`${srv.base}/actions/1/edit`);
				const before = expectStatus(await get(srv.base, '/api/v1/actions/1'), 200).body;
				await page.getByLabel('Number').fill('1.7');
				const r = await submit(page, page.getByRole('button', { name: 'Save' }));
				await shot(page, 'nojs-adopted-number-refused');
				const after = expectStatus(await get(srv.base, '/api/v1/actions/1'), 200).body;
				assert.equal(after.number, '1.1', 'the number of an action of an adopted OAP changed');
				assert.equal(after.version, before.version);
				assert.match(await page.locator('#f-number-error').innerText(), /adopted/, 'the reason is not next to the number');
				assert.equal(await page.locator('section.compare').count(), 0, 'the page shows "both versions" of an edit conflict that did not happen');
				assert.doesNotMatch(await page.getByRole('alert').innerText(), /Someone else saved/, 'the page blames someone else');
				assert.notEqual(r.first, 409, 'answered 409 (edit conflict) for a change the adopted plan does not allow');
			} finally {
				await page.context().close();
			}
		});
	},
);
