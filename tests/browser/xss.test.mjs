// Stored and reflected cross-site scripting, in a real browser with JavaScript ON.
//
// Through the API, as the demo administrator (an API token), every free-text field the UI shows
// gets the same set of payloads, each value prefixed with the name of its field
// ("xss-action-title <script>alert(1)</script> \"><img src=x onerror=alert(2)> ..."):
//
//   - OAP 1 (moved back to drafting first): its title; a new section (heading, text);
//   - a new operational action of OAP 1: title, description, what, when, where, who, how,
//     documentation_ref; a cross-reference note; a KPI (name, unit);
//   - a good practice (title, text), a Joint Action Day (name, description), a grant
//     (reference, title), an overlap (description, decision);
//   - a progress report on the new action: the action is planned, OAP 1 moved on to adopted, the
//     demo reporting round 1 opened (which asks the report), the report's narrative and problems
//     saved, the report submitted and returned with a comment (a payload too);
//   - the reason given for reopening the round (compiled, then reopened), which the audit
//     trail keeps;
//   - the message of the Support Team chasing the missing reports of the reopened round, which
//     the report and the home page of whoever may write it show;
//   - the reasons of a proposed partial declassification of 13874/17 (which carries OAP 1 and
//     so its new section): its form (/documents/2/declassify and the proposal's) and its page;
//   - an organisation's name and an account's display name (the administrator's screens).
//
// Then admin and driver (each signed in once, through the sign-in form) open every screen that
// shows them. On each: no dialog opened; no console error, page error or CSP violation (an
// injected inline script or event handler, even blocked by the CSP, would be reported there);
// no element a payload could have made (img[src=x], svg[onload], any on* attribute, a script
// other than /static/empact.js, a javascript: link or form action); and each payload is shown
// as text: in the page's text (and visibly, for the first one), in the value of a form field,
// in the document's title. The narrative is Markdown, rendered by cmark in safe mode, which
// drops raw HTML and dangerous links: there its HTML-like payloads must be gone, its other text
// shown. Reflected payloads: /search?q=, /good-practices?q=, /audit?actor= (refused, 400), and
// a refused new-action form (422) whose error message quotes the number typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signIn, shot, startServer } from './lib.mjs';
import { api, get, post, patch, expectStatus } from '../e2e/lib.mjs';

const PAYLOADS = [
	'<script>alert(1)</script>',
	'"><img src=x onerror=alert(2)>',
	"'><svg onload=alert(3)>",
	'javascript:alert(4)',
	'{{title}}',
	'</textarea><script>alert(5)</script>',
];

/* The stored value of a field: its name, then every payload. */
const V = (name) => `xss-${name} ${PAYLOADS.join(' ')}`;

let srv;
let browser;
const pages = {}; // role -> signed-in page
const ids = {};

/* A POST with If-Match, as admin. */
const move = (path, body, version) => api(srv.base, 'POST', path, { body, headers: { 'If-Match': `"${version}"` } });

async function version(path) {
	return expectStatus(await get(srv.base, path), 200, `GET ${path}`).body.version;
}

async function setUp() {
	const b = srv.base;
	// OAP 1 back to drafting, where actions and sections can be added; its title.
	expectStatus(await move('/api/v1/oaps/1/transitions', { to: 'drafting' }, await version('/api/v1/oaps/1')), 200, 'OAP 1 to drafting');
	expectStatus(await patch(b, '/api/v1/oaps/1', { title: V('oap-title') }, await version('/api/v1/oaps/1')), 200, 'OAP 1 title');

	const action = expectStatus(
		await post(b, '/api/v1/oaps/1/actions', {
			number: '9.1',
			position: 90,
			title: V('action-title'),
			description: V('action-description'),
			what: V('action-what'),
			when: V('action-when'),
			where: V('action-where'),
			who: V('action-who'),
			how: V('action-how'),
			documentation_ref: V('action-documentation_ref'),
			classification: 'unclassified',
		}),
		201,
		'new action',
	).body;
	ids.action = action.id;
	// Led by FR, the driver's organisation: it is then on the driver's home page.
	const orgs = expectStatus(await get(b, '/api/v1/organisations?code=FR'), 200, 'FR').body.items;
	const fr = orgs.find((o) => o.code === 'FR');
	assert.ok(fr, 'no organisation FR');
	ids.fr = fr.id;
	expectStatus(await move(`/api/v1/actions/${ids.action}/leaders`, { org_id: fr.id, role: 'leader' }, await version(`/api/v1/actions/${ids.action}`)), 201, 'leader');
	expectStatus(
		await move(`/api/v1/actions/${ids.action}/cross-references`, { action_id: 1, note: V('xref-note') }, await version(`/api/v1/actions/${ids.action}`)),
		201,
		'cross-reference',
	);
	ids.kpi = expectStatus(
		await post(b, '/api/v1/kpis', { action_id: ids.action, position: 1, name: V('kpi-name'), unit: V('kpi-unit'), target: 10, direction: 'increase' }),
		201,
		'KPI',
	).body.id;

	ids.section = expectStatus(
		await post(b, '/api/v1/oaps/1/sections', {
			number: '99',
			position: 99,
			heading: V('section-heading'),
			text: V('section-text'),
			classification: 'unclassified',
		}),
		201,
		'section',
	).body.id;
	// An organisation and an account whose names carry payloads: the administrator's screens.
	ids.org = expectStatus(await post(b, '/api/v1/organisations', { code: 'XSSORG', kind: 'private_partner', name: V('org-name') }), 201, 'organisation').body.id;
	ids.user = expectStatus(
		await post(b, '/api/v1/users', { username: 'xss.account', password: 'Marble-Osprey-Kettle-5820', org_id: ids.org, display_name: V('user-display_name') }),
		201,
		'account',
	).body.id;
	ids.practice = expectStatus(
		await post(b, '/api/v1/good-practices', { kind: 'good', oap_id: 1, title: V('practice-title'), text: V('practice-text'), classification: 'unclassified' }),
		201,
		'good practice',
	).body.id;
	ids.jad = expectStatus(
		await post(b, '/api/v1/jads', {
			cycle_id: 2,
			name: V('jad-name'),
			description: V('jad-description'),
			start_date: '2018-05-01',
			end_date: '2018-05-02',
			classification: 'unclassified',
		}),
		201,
		'JAD',
	).body.id;
	// Linked to priority 9 and the new action: the driver (of priority 9) then sees it.
	expectStatus(
		await api(b, 'PUT', `/api/v1/jads/${ids.jad}/links`, {
			body: { priorities: [9], actions: [ids.action] },
			headers: { 'If-Match': `"${await version(`/api/v1/jads/${ids.jad}`)}"` },
		}),
		200,
		'JAD links',
	);
	ids.grant = expectStatus(
		await post(b, '/api/v1/grants', { scheme: 'other', reference: V('grant-reference'), title: V('grant-title'), amount_allocated_cents: 100 }),
		201,
		'grant',
	).body.id;
	expectStatus(
		await api(b, 'PUT', `/api/v1/grants/${ids.grant}/links`, {
			body: { actions: [ids.action] },
			headers: { 'If-Match': `"${await version(`/api/v1/grants/${ids.grant}`)}"` },
		}),
		200,
		'grant links',
	);
	ids.overlap = expectStatus(
		await post(b, '/api/v1/overlaps', { action_a_id: 1, action_b_id: ids.action, description: V('overlap-description'), decision: V('overlap-decision') }),
		201,
		'overlap',
	).body.id;

	// A progress report: plan the action, adopt the OAP, open the round.
	expectStatus(await move(`/api/v1/actions/${ids.action}/transitions`, { to: 'planned' }, await version(`/api/v1/actions/${ids.action}`)), 200, 'plan');
	for (const to of ['agreed_at_nec', 'submitted_to_cosi', 'adopted'])
		expectStatus(await move('/api/v1/oaps/1/transitions', { to }, await version('/api/v1/oaps/1')), 200, `OAP 1 to ${to}`);
	expectStatus(await move('/api/v1/reporting-rounds/1/transitions', { to: 'open' }, await version('/api/v1/reporting-rounds/1')), 200, 'open round 1');
	const reports = expectStatus(await get(b, `/api/v1/actions/${ids.action}/progress-reports`), 200, 'reports').body.items;
	assert.equal(reports.length, 1, `the round asked no report of the new action: ${JSON.stringify(reports)}`);
	ids.report = reports[0].id;
	const rp = `/api/v1/progress-reports/${ids.report}`;
	expectStatus(
		await patch(b, rp, { narrative: NARRATIVE, problems: V('report-problems'), action_status: 'ongoing' }, await version(rp)),
		200,
		'report saved',
	);
	expectStatus(await move(`${rp}/transitions`, { to: 'submitted' }, await version(rp)), 200, 'report submitted');
	expectStatus(await move(`${rp}/transitions`, { to: 'returned', comment: V('return-comment') }, await version(rp)), 200, 'report returned');
	// The round compiled and reopened, with a reason the audit trail keeps.
	expectStatus(await move('/api/v1/reporting-rounds/1/transitions', { to: 'compiled' }, await version('/api/v1/reporting-rounds/1')), 200, 'compile');
	expectStatus(
		await move('/api/v1/reporting-rounds/1/transitions', { to: 'open', reason: V('reopen-reason') }, await version('/api/v1/reporting-rounds/1')),
		200,
		'reopen',
	);
	// The Support Team chases the missing reports with a message, which the report and its
	// leader's home page show.
	expectStatus(await post(b, '/api/v1/reporting-rounds/1/chase', { message: V('chase-message') }), 200, 'chase');
	const report = expectStatus(await get(b, rp), 200, 'report').body;
	assert.equal(report.status, 'returned');
	assert.equal(report.reminders[0].message, V('chase-message'));
	assert.equal(report.problems, V('report-problems'));

	// A proposed partial declassification of 13874/17 (which carries OAP 1, its new section
	// included), every removal with a payload for its reason: its form shows the section and
	// the reasons, its document page the map.
	const subject = expectStatus(await get(b, '/api/v1/documents/2/declassification-subject'), 200, 'declassification subject').body;
	const decisions = [
		...subject.passages.map((x) => (x.held ? { passage: x.key, decision: 'released' } : { passage: x.key, decision: 'deleted', reason: V('declass-reason') })),
		...subject.sections.map((x) => (x.held ? { section: x.number, decision: 'released' } : { section: x.number, decision: 'not_declassified', reason: V('declass-reason') })),
	];
	ids.ext = expectStatus(await post(b, '/api/v1/documents/2/declassifications', { decisions }), 201, 'declassification proposed').body.id;
	// The field of the first passage withheld (p2, the second row of the form).
	ids.reasonField = `r${subject.passages.findIndex((x) => !x.held)}`;
}

/* The narrative: Markdown with the payloads and a link whose target is a payload. */
const NARRATIVE = `${V('report-narrative')}\n\n[a link](javascript:alert(6)) and *emphasis*`;

before(async () => {
	srv = await startServer();
	browser = await launch();
	await setUp();
	for (const role of ['admin', 'driver']) {
		pages[role] = await newPage(browser, { javaScript: true });
		await signIn(pages[role], srv, role);
	}
});

after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

/* What a page must not hold: anything a payload could have made. */
async function injected(page) {
	return page.evaluate(() => {
		const found = [];
		for (const el of document.querySelectorAll('img[src="x"], svg[onload]')) found.push(el.outerHTML.slice(0, 120));
		for (const el of document.querySelectorAll('*')) {
			for (const a of el.attributes) if (/^on/i.test(a.name)) found.push(`${el.tagName.toLowerCase()}[${a.name}]`);
		}
		for (const s of document.querySelectorAll('script'))
			if (s.getAttribute('src') !== '/static/empact.js') found.push(`script ${s.outerHTML.slice(0, 120)}`);
		for (const a of document.querySelectorAll('[href], [src], [action], [formaction]')) {
			for (const n of ['href', 'src', 'action', 'formaction']) {
				const v = (a.getAttribute(n) || '').replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
				if (v.startsWith('javascript:')) found.push(`${a.tagName.toLowerCase()}[${n}=${a.getAttribute(n)}]`);
			}
		}
		return [...new Set(found)];
	});
}

/* The page's text, whitespace collapsed (textContent: not changed by CSS text-transform). */
const textOf = (page) => page.evaluate(() => document.body.textContent.replace(/\s+/g, ' '));

/*
 * The screens that show the payloads. text: fields whose value is shown as text; fields: form
 * fields (by name) whose value must be the stored value; title: a value the document's title
 * holds; roles: who opens it (both by default).
 */
function screens() {
	const a = ids.action;
	const T = (...names) => names.map((n) => V(n));
	return [
		{ path: '/oaps/1', text: T('oap-title', 'section-heading', 'section-text', 'action-title'), title: V('oap-title') },
		{ path: '/oaps/1?leader=FR#annex', text: T('oap-title', 'action-title') },
		{
			path: `/actions/${a}`,
			text: [
				...T('action-title', 'action-description', 'action-what', 'action-when', 'action-where', 'action-who', 'action-how'),
				...T('action-documentation_ref', 'xref-note', 'kpi-name', 'kpi-unit', 'oap-title'),
			],
		},
		{
			path: `/actions/${a}/edit`,
			fields: {
				title: 'action-title',
				description: 'action-description',
				what: 'action-what',
				when: 'action-when',
				where: 'action-where',
				who: 'action-who',
				how: 'action-how',
				documentation_ref: 'action-documentation_ref',
			},
		},
		{ path: '/oaps/1/edit', fields: { title: 'oap-title' } },
		{ path: `/sections/${ids.section}`, text: T('section-heading', 'section-text') },
		{ path: `/sections/${ids.section}/edit`, fields: { heading: 'section-heading', text: 'section-text' } },
		{ path: `/kpis/${ids.kpi}`, text: T('kpi-name', 'kpi-unit') },
		// The OAP waits for a decision (to start implementation); FR, the driver's organisation,
		// leads the new action.
		// The administrator may write every report: the returned one is due, with its reminder.
		{ path: '/', roles: { driver: { text: T('oap-title', 'action-title') }, admin: { text: T('oap-title', 'chase-message') } } },
		{ path: '/search?q=alert', text: T('action-title', 'section-heading', 'practice-title', 'jad-name') },
		{ path: `/search?q=${encodeURIComponent(V('reflected-q'))}`, fields: { q: 'reflected-q' } },
		{ path: '/good-practices', text: T('practice-title') },
		{ path: `/good-practices?q=${encodeURIComponent(V('reflected-list-q'))}`, fields: { q: 'reflected-list-q' } },
		{ path: `/good-practices/${ids.practice}`, text: T('practice-title', 'practice-text') },
		{ path: `/good-practices/${ids.practice}/edit`, fields: { title: 'practice-title', text: 'practice-text' } },
		{ path: '/jads', text: T('jad-name') },
		{ path: `/jads/${ids.jad}`, text: T('jad-name', 'jad-description') },
		// Only the administrator and the Support Team change JADs and grants.
		{ path: `/jads/${ids.jad}/edit`, roles: { admin: { fields: { name: 'jad-name', description: 'jad-description' } } } },
		{ path: '/grants', text: T('grant-title') },
		{ path: `/grants/${ids.grant}`, text: T('grant-reference', 'grant-title') },
		{ path: `/grants/${ids.grant}/edit`, roles: { admin: { fields: { title: 'grant-title' } } } },
		{ path: '/overlaps', text: [] },
		{ path: `/overlaps/${ids.overlap}`, text: T('overlap-description', 'overlap-decision') },
		{
			path: `/progress-reports/${ids.report}`,
			roles: {
				// The Action Leader's form (admin may write): the values in their fields.
				admin: { text: T('return-comment', 'chase-message', 'kpi-name', 'kpi-unit', 'action-title'), fields: { narrative: NARRATIVE, problems: 'report-problems' } },
				// Read only: the narrative rendered from Markdown, the problems as text.
				driver: { text: T('return-comment', 'chase-message', 'report-problems', 'action-title'), narrative: true },
			},
		},
		{ path: '/documents/2/declassify', text: T('section-heading', 'section-text') },
		{ path: `/documents/${ids.ext}`, text: T('declass-reason') },
		{ path: `/documents/${ids.ext}/declassify`, text: T('section-heading', 'section-text'), fields: { [ids.reasonField]: 'declass-reason' } },
		{ path: '/reporting-rounds/1', text: T('action-title') },
		{ path: '/cosi', text: T('oap-title') },
		{ path: '/priorities/9', text: T('oap-title') },
		{ path: '/audit', roles: { admin: { text: T('reopen-reason') } } },
		{ path: '/admin/users', roles: { admin: { text: T('user-display_name', 'org-name') } } },
		{ path: `/admin/users/${ids.user}`, roles: { admin: { text: T('user-display_name') } } },
		{ path: `/admin/users/${ids.user}/edit`, roles: { admin: { fields: { display_name: 'user-display_name' } } } },
		{ path: `/organisations/${ids.org}`, text: T('org-name') },
		{ path: `/organisations/${ids.org}/edit`, roles: { admin: { fields: { name: 'org-name' } } } },
		// No such account: the filter is refused (400) with the form kept.
		{ path: `/audit?actor=${encodeURIComponent(V('reflected-actor'))}`, status: 400, roles: { admin: { fields: { actor: 'reflected-actor' } } } },
	];
}

/* The stored value a field of a screen description names (a key of V, or the value itself). */
const valueOf = (k) => (k === NARRATIVE ? k : V(k));

for (const role of ['admin', 'driver']) {
	test(`${role}: every screen that shows a payload shows it as text, and runs none`, async (t) => {
		const page = pages[role];
		for (const s of screens()) {
			const want = s.roles ? s.roles[role] : s;
			if (!want) continue;
			await t.test(s.path, async () => {
				page.problems = [];
				page.dialogs = [];
				const res = await page.goto(srv.base + s.path);
				const status = s.status || 200;
				assert.equal(res.status(), status, `${role} ${s.path}: status ${res.status()}`);
				await page.waitForLoadState('load');
				// The failed load of a page answered 4xx on purpose is not a problem.
				if (status !== 200) page.problems = page.problems.filter((p) => !p.includes(`the server responded with a status of ${status}`));
				// Let anything that would run do so.
				await page.waitForTimeout(50);
				await shot(page, `xss-${role}-${s.path.replace(/^\//, '').replace(/[^A-Za-z0-9]+/g, '-').slice(0, 50) || 'home'}`);

				assert.deepEqual(page.dialogs, [], `${role} ${s.path}: a dialog opened`);
				assert.deepEqual(page.problems, [], `${role} ${s.path}: console errors, page errors or CSP violations`);
				assert.deepEqual(await injected(page), [], `${role} ${s.path}: elements or attributes a payload made`);
				assert.equal(await page.locator('img[src="x"]').count(), 0);
				assert.equal(await page.locator('svg[onload]').count(), 0);

				const text = await textOf(page);
				for (const v of want.text || []) assert.ok(text.includes(v), `${role} ${s.path}: the text of the page does not show ${JSON.stringify(v)}`);
				if (want.text && want.text.length) {
					// As a person sees it, too: a visible element holds the first one.
					await assert.doesNotReject(
						page.getByText(want.text[0], { exact: false }).first().waitFor({ state: 'visible', timeout: 2000 }),
						`${role} ${s.path}: ${JSON.stringify(want.text[0])} is not visible`,
					);
				}
				for (const [name, k] of Object.entries(want.fields || {})) {
					const field = page.locator(`[name="${name}"]`).first();
					assert.equal(await field.count(), 1, `${role} ${s.path}: no field ${name}`);
					assert.equal(await field.inputValue(), valueOf(k), `${role} ${s.path}: the value of the field ${name}`);
				}
				if (s.title) assert.ok((await page.title()).includes(s.title), `${role} ${s.path}: the document title ${JSON.stringify(await page.title())}`);
				if (want.narrative) {
					const n = await page.locator('.narrative').allTextContents();
					const all = n.join(' ').replace(/\s+/g, ' ');
					for (const part of ['xss-report-narrative', 'javascript:alert(4)', '{{title}}', 'a link', 'emphasis'])
						assert.ok(all.includes(part), `${role} ${s.path}: the rendered narrative does not show ${JSON.stringify(part)}: ${all}`);
					assert.equal(await page.locator('.narrative em').count(), 1, `${role} ${s.path}: the Markdown was not rendered`);
				}
			});
		}
	});
}

/* A refused form shows what was typed, payloads included, as typed: in the fields and in the
 * error message that quotes it (the new-action form of OAP 1, with a number that is not one);
 * nothing is created. */
for (const role of ['admin', 'driver']) {
	test(`${role}: a refused new-action form shows the typed payloads as text`, async () => {
		const page = pages[role];
		page.problems = [];
		page.dialogs = [];
		const count = async () => expectStatus(await get(srv.base, '/api/v1/oaps/1/actions'), 200).body.items.length;
		const before = await count();
		const res = await page.goto(`${srv.base}/oaps/1/actions/new`);
		assert.equal(res.status(), 200, `${role}: GET /oaps/1/actions/new answered ${res.status()}`);
		const number = "9'><svg onload=alert(3)>";
		await page.locator('#f-number').fill(number);
		await page.locator('#f-position').fill('91');
		await page.locator('#f-title').fill(V(`typed-title-${role}`));
		await page.locator('#f-what').fill(V(`typed-what-${role}`));
		const [answer] = await Promise.all([
			page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/oaps/1/actions/new')),
			page.locator('form.stack button[type="submit"]').click(),
		]);
		assert.equal(answer.status(), 422, `${role}: the form with a bad number answered ${answer.status()}`);
		await page.waitForLoadState('load');
		await page.waitForTimeout(50);
		await shot(page, `xss-${role}-refused-form`);
		page.problems = page.problems.filter((p) => !p.includes('the server responded with a status of 422'));
		assert.deepEqual(page.dialogs, [], `${role}: a dialog opened`);
		assert.deepEqual(page.problems, [], `${role}: console errors, page errors or CSP violations`);
		assert.deepEqual(await injected(page), [], `${role}: elements or attributes a payload made`);
		assert.equal(await page.locator('#f-number').inputValue(), number);
		assert.equal(await page.locator('#f-title').inputValue(), V(`typed-title-${role}`));
		assert.equal(await page.locator('#f-what').inputValue(), V(`typed-what-${role}`));
		const error = await page.locator('#f-number-error').textContent();
		assert.ok(error.includes(number), `${role}: the error next to the number does not quote it: ${JSON.stringify(error)}`);
		assert.equal(await count(), before, `${role}: the refused form created an action`);
	});
}
