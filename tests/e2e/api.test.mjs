// End-to-end tests of the JSON API over loopback against the real binary: every resource and
// method (list with filters, sort, limit, cursor and search; get; create; update with
// optimistic concurrency; archive or delete; the errors of each), the seed data, nested lists
// and creates, workflow transitions, action links, the security headers, /healthz, /metrics and
// the OpenAPI document.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, get, post, patch, del, expectStatus, expectError, listAll } from './lib.mjs';

let srv;
let B;
const ctx = {};
let uniq = 0;
const u = () => ++uniq;
let nextOapYear = 2031;

// Every path this file exercises; the OpenAPI test checks each is documented.
const TESTED_PATHS = new Set();
const LINK_IDS = { leaders: 'org_id', participants: 'org_id', goals: 'goal_id', 'cross-references': 'action_id' };
function note(p) {
	TESTED_PATHS.add(
		p
			.replace(/\?.*$/, '')
			.replace(/^(\/api\/v1\/actions\/\d+\/)([a-z-]+)\/\d+$/, (_, head, kind) => `${head}${kind}/{${LINK_IDS[kind]}}`)
			.replace(/\/\d+(?=\/|$)/g, '/{id}'),
	);
}
// The link paths use named ids in the OpenAPI document.
const LINK_PATHS = [
	'/api/v1/actions/{id}/leaders',
	'/api/v1/actions/{id}/leaders/{org_id}',
	'/api/v1/actions/{id}/participants',
	'/api/v1/actions/{id}/participants/{org_id}',
	'/api/v1/actions/{id}/goals',
	'/api/v1/actions/{id}/goals/{goal_id}',
	'/api/v1/actions/{id}/cross-references',
	'/api/v1/actions/{id}/cross-references/{action_id}',
	'/api/v1/actions/{id}/referenced-by',
	'/api/v1/oaps/{id}/transitions',
	'/api/v1/actions/{id}/transitions',
];

const im = (v) => ({ 'If-Match': `"${v}"` });

async function create(path, body) {
	note(path);
	const r = await post(B, path, body);
	expectStatus(r, 201, `POST ${path} ${JSON.stringify(body).slice(0, 200)}`);
	return r.body;
}

before(async () => {
	srv = await startServer();
	B = srv.base;
	// A cycle of our own, 2030-2039, so that OAPs can take a year each.
	ctx.cycle = await create('/api/v1/cycles', {
		label: '2030-2039',
		first_year: 2030,
		last_year: 2039,
		oap_period_years: 1,
		status: 'planning',
	});
	ctx.priority = await create(`/api/v1/cycles/${ctx.cycle.id}/priorities`, {
		code: 'Z',
		position: 1,
		short_name: 'Test priority',
		aim: 'Weaken the test groups',
	});
	ctx.goal = await create(`/api/v1/priorities/${ctx.priority.id}/goals`, { number: 1, text: 'A goal of the test priority' });
	ctx.oap = await create('/api/v1/oaps', {
		priority_id: ctx.priority.id,
		first_year: 2030,
		last_year: 2030,
		title: 'Test plan',
		classification: 'restreint_ue',
	});
	ctx.actions = [];
	for (let i = 1; i <= 8; i++)
		ctx.actions.push(
			await create(`/api/v1/oaps/${ctx.oap.id}/actions`, { number: `1.${i}`, position: i, title: `Test action ${i}` }),
		);
	// An action in the seed OAP of the 2018-2021 cycle: another cycle.
	ctx.otherCycleAction = await create('/api/v1/oaps/1/actions', { number: '99.1', position: 99, title: 'Elsewhere' });
});

after(async () => {
	if (srv) await srv.stop();
});

/* ---- the generic resource checks ---- */

function cmp(a, b) {
	if (a === b) return 0;
	if (a === null) return -1;
	if (b === null) return 1;
	if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : 1;
	return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
}

function assertSorted(items, field, desc, what) {
	for (let i = 1; i < items.length; i++) {
		const c = cmp(items[i - 1][field], items[i][field]);
		const idc = items[i - 1].id < items[i].id ? -1 : 1;
		const order = c !== 0 ? c : idc;
		assert.ok(desc ? order > 0 : order < 0, `${what}: items ${i - 1} and ${i} out of order on ${field}`);
	}
}

const overlapPairs = [];

// One description per resource. create(n) gives a body with unique values; invalid lists a
// body and every field the 422 must name.
function resources() {
	const a = ctx.actions;
	return [
		{
			name: 'organisations',
			archive: true,
			create: (n) => ({ code: `E2E${n}`, kind: 'eu_agency', name: `Agency zqx${n}` }),
			filter: ['kind', 'eu_agency'],
			sorts: ['code', 'name'],
			q: true,
			update: (n) => ({ name: `Renamed agency zqy${n}` }),
			invalid: {
				body: { code: '1x', kind: 'spaceship', name: '', country: 'italy', colour: 'red' },
				fields: ['$.code', '$.kind', '$.name', '$.country', '$.colour'],
			},
			duplicate: (row) => ({ code: row.code, kind: 'ngo', name: 'Another' }),
		},
		{
			name: 'cycles',
			archive: false,
			create: (n) => ({
				label: `${2040 + n}-${2041 + n}`,
				first_year: 2040 + n,
				last_year: 2041 + n,
				oap_period_years: 2,
				status: 'planning',
			}),
			filter: ['status', 'planning'],
			sorts: ['label', 'first_year'],
			update: (n) => ({ threat_assessment: `SOCTA ${n}` }),
			invalid: {
				body: { label: '2040', first_year: 1999, last_year: 2040, oap_period_years: 3, status: 'open' },
				fields: ['$.label', '$.first_year', '$.oap_period_years', '$.status'],
			},
			duplicate: (row) => ({ ...row, id: undefined, version: undefined, threat_assessment: undefined, priorities_document: undefined }),
		},
		{
			name: 'priorities',
			archive: true,
			create: (n) => ({ cycle_id: ctx.cycle.id, code: `Q${n}`, position: 10 + n, short_name: `Priority zqx${n}`, aim: 'An aim' }),
			filter: ['code', null],
			sorts: ['code', 'position', 'short_name'],
			q: true,
			update: (n) => ({ short_name: `Renamed priority zqy${n}` }),
			invalid: {
				body: { cycle_id: 999999, code: 'a b', position: 0, short_name: '', aim: 5 },
				fields: ['$.cycle_id', '$.code', '$.position', '$.short_name', '$.aim'],
			},
			// The example: a second priority with the same code in a cycle.
			duplicate: (row) => ({ cycle_id: row.cycle_id, code: row.code, position: 999, short_name: 'Twin', aim: 'Twin' }),
		},
		{
			name: 'goals',
			archive: true,
			create: (n) => ({ priority_id: ctx.priority.id, number: 100 + n, text: `Goal zqx${n}` }),
			filter: ['number', null],
			sorts: ['number'],
			q: true,
			update: (n) => ({ text: `Changed goal zqy${n}` }),
			invalid: { body: { priority_id: 'x', number: 0, text: '' }, fields: ['$.priority_id', '$.number', '$.text'] },
			duplicate: (row) => ({ priority_id: row.priority_id, number: row.number, text: 'Twin' }),
		},
		{
			name: 'shared-goals',
			archive: true,
			create: (n) => ({ cycle_id: ctx.cycle.id, number: 100 + n, text: `Shared zqx${n}`, horizontal: true }),
			filter: ['horizontal', 'true'],
			sorts: ['number'],
			q: true,
			update: (n) => ({ scope: `all priorities ${n}` }),
			invalid: {
				body: { cycle_id: 0, number: 1000, text: null, horizontal: 'yes' },
				fields: ['$.cycle_id', '$.number', '$.text', '$.horizontal'],
			},
			duplicate: (row) => ({ cycle_id: row.cycle_id, number: row.number, text: 'Twin' }),
		},
		{
			name: 'oaps',
			archive: true,
			create: (n) => {
				const y = nextOapYear++;
				return { priority_id: ctx.priority.id, first_year: y, last_year: y, title: `Plan zqx${n}` };
			},
			filter: ['status', 'drafting'],
			sorts: ['first_year', 'title'],
			q: true,
			update: (n) => ({ title: `Renamed plan zqy${n}` }),
			invalid: {
				body: { priority_id: 0, first_year: 2050, last_year: 2050, title: '', classification: 'top', status: 'adopted' },
				fields: ['$.priority_id', '$.title', '$.classification', '$.status'],
			},
			duplicate: (row) => ({ priority_id: row.priority_id, first_year: row.first_year, last_year: row.last_year, title: 'Twin' }),
		},
		{
			name: 'sections',
			archive: false,
			create: (n) => ({ oap_id: ctx.oap.id, number: `9.${n}`, position: 100 + n, heading: `Heading zqx${n}`, text: 'Text' }),
			filter: ['number', null],
			sorts: ['number', 'position'],
			q: true,
			update: (n) => ({ heading: `Changed heading zqy${n}` }),
			invalid: {
				body: { oap_id: ctx.oap.id, number: 'x.', position: '1', heading: '', text: 't', classification: 'secret_ue' },
				fields: ['$.number', '$.position', '$.heading', '$.classification'],
			},
			duplicate: (row) => ({ oap_id: row.oap_id, number: row.number, position: 999, heading: 'Twin', text: 'Twin' }),
		},
		{
			name: 'actions',
			archive: true,
			create: (n) => ({
				oap_id: ctx.oap.id,
				number: `8.${n}`,
				position: 100 + n,
				title: `Action zqx${n}`,
				start_date: '2030-01-01',
				end_date: '2030-12-31',
			}),
			filter: ['status', 'proposed'],
			sorts: ['number', 'position', 'title'],
			q: true,
			update: (n) => ({ title: `Changed action zqy${n}` }),
			invalid: {
				body: { oap_id: ctx.oap.id, number: '', position: -1, title: '', start_date: '2030-13-01', end_date: 'x', budget_cents: -5 },
				fields: ['$.number', '$.position', '$.title', '$.start_date', '$.end_date', '$.budget_cents'],
			},
			duplicate: (row) => ({ oap_id: row.oap_id, number: row.number, position: 999, title: 'Twin' }),
		},
		{
			name: 'kpis',
			archive: false,
			create: (n) => ({ action_id: a[0].id, position: n, name: `KPI ${n}`, target: 10, direction: 'increase' }),
			filter: ['action_id', String(a[0].id)],
			sorts: ['position', 'name'],
			update: () => ({ target: 20.5 }),
			invalid: {
				body: { action_id: a[0].id, position: 0, name: '', target: 'x', direction: 'up' },
				fields: ['$.position', '$.name', '$.target', '$.direction'],
			},
		},
		{
			name: 'reporting-rounds',
			archive: false,
			create: (n) => ({ cycle_id: ctx.cycle.id, label: `2030-R${n}`, opens_on: '2030-01-01', closes_on: '2030-06-30' }),
			filter: ['label', null],
			sorts: ['label', 'opens_on'],
			update: () => ({ nec_meeting: 'NEC meeting' }),
			invalid: {
				body: { cycle_id: ctx.cycle.id, label: '', opens_on: 'tomorrow', closes_on: '2030-01-01', status: 'open' },
				fields: ['$.label', '$.opens_on', '$.status'],
			},
			duplicate: (row) => ({ cycle_id: row.cycle_id, label: row.label, opens_on: '2031-01-01', closes_on: '2031-02-01' }),
		},
		{
			name: 'jads',
			archive: true,
			create: (n) => ({ cycle_id: ctx.cycle.id, name: `JAD zqx${n}`, start_date: '2030-03-01', end_date: '2030-03-02' }),
			filter: ['start_date', '2030-03-01'],
			sorts: ['name', 'start_date'],
			q: true,
			update: (n) => ({ description: `Results zqy${n}` }),
			invalid: {
				body: { cycle_id: ctx.cycle.id, name: '', start_date: '2030-05-02', end_date: '2030-05-01', coordinator_id: 999999, marking: 'secret' },
				fields: ['$.name', '$.end_date', '$.coordinator_id', '$.marking'],
			},
		},
		{
			name: 'grants',
			archive: false,
			create: (n) => ({ scheme: 'isf', reference: `G-${n}`, amount_allocated_cents: 100000 }),
			filter: ['scheme', 'isf'],
			sorts: ['reference'],
			update: () => ({ amount_used_cents: 5000 }),
			invalid: {
				body: { scheme: 'x', reference: '', amount_allocated_cents: 1.5, status: 'won' },
				fields: ['$.scheme', '$.reference', '$.amount_allocated_cents', '$.status'],
			},
			duplicate: (row) => ({ scheme: 'other', reference: row.reference, amount_allocated_cents: 1 }),
		},
		{
			name: 'good-practices',
			archive: false,
			create: (n) => ({ action_id: a[0].id, kind: 'good', title: `Practice zqx${n}`, text: 'What was learnt' }),
			filter: ['kind', 'good'],
			sorts: ['title'],
			q: true,
			update: (n) => ({ text: `Learnt more zqy${n}` }),
			invalid: {
				body: { kind: 'great', title: '', text: '', shared_with_est_on: 'soon' },
				fields: ['$.kind', '$.title', '$.text', '$.shared_with_est_on', '$.action_id'],
			},
		},
		{
			name: 'overlaps',
			archive: false,
			create: (n) => {
				const b = a[1 + (overlapPairs.length % (a.length - 1))];
				overlapPairs.push(b.id);
				return { action_a_id: a[0].id, action_b_id: b.id, description: `Overlap ${n}` };
			},
			filter: ['status', 'open'],
			sorts: [],
			update: () => ({ decision: 'Merge them', status: 'decided' }),
			invalid: {
				body: { action_a_id: a[2].id, action_b_id: a[1].id, description: '', status: 'closed' },
				fields: ['$.action_b_id', '$.description', '$.status'],
			},
			duplicate: (row) => ({ action_a_id: row.action_a_id, action_b_id: row.action_b_id, description: 'Twin' }),
		},
		{
			name: 'documents',
			archive: false,
			create: (n) => ({ number: `${1000 + n}/30`, date: '2030-01-01', subject: `Subject zqx${n}` }),
			filter: ['number', null],
			sorts: ['number', 'date'],
			q: true,
			update: () => ({ pages: 12 }),
			invalid: {
				body: { number: 'abc', date: '2030-1-1', subject: '', pages: 0, language: 'english' },
				fields: ['$.number', '$.date', '$.subject', '$.pages', '$.language'],
			},
			duplicate: (row) => ({ number: row.number, date: '2030-02-02', subject: 'Twin' }),
		},
	];
}

const RESOURCE_NAMES = [
	'organisations', 'cycles', 'priorities', 'goals', 'shared-goals', 'oaps', 'sections', 'actions', 'kpis',
	'reporting-rounds', 'jads', 'grants', 'good-practices', 'overlaps', 'documents',
];

for (const name of RESOURCE_NAMES) {
	test(`${name}: list, get, create, update, stale versions, errors, delete`, async (t) => {
		const R = resources().find((r) => r.name === name);
		const coll = `/api/v1/${name}`;
		note(coll);
		note(`${coll}/1`);
		let row;
		let n;

		await t.test('create: 201 with Location, ETag and version 1', async () => {
			n = u();
			const body = R.create(n);
			const r = expectStatus(await post(B, coll, body), 201, `POST ${coll}`);
			row = r.body;
			assert.equal(typeof row.id, 'number');
			assert.equal(r.headers.get('location'), `${coll}/${row.id}`);
			assert.equal(r.headers.get('etag'), '"1"');
			assert.equal(row.version, 1);
			for (const [k, v] of Object.entries(body)) if (k !== 'target') assert.deepEqual(row[k], v, `field ${k}`);
			if (R.archive) assert.equal(row.archived, false);
		});

		await t.test('get: 200 with the same record and its ETag', async () => {
			const r = expectStatus(await get(B, `${coll}/${row.id}`), 200);
			assert.deepEqual(r.body, row);
			assert.equal(r.headers.get('etag'), '"1"');
			// The Location the create gave answers too.
			expectStatus(await get(B, `${coll}/${row.id}`), 200);
		});

		await t.test('list: filter, sort ascending and descending, limit and cursor', async () => {
			// a second row, so that pages have something to page over
			expectStatus(await post(B, coll, R.create(u())), 201);
			const [fname, fval0] = R.filter;
			const fval = fval0 === null ? String(row[fname]) : fval0;
			const filtered = expectStatus(await get(B, `${coll}?${fname}=${encodeURIComponent(fval)}&limit=500`), 200).body;
			assert.ok(filtered.items.length >= 1);
			for (const it of filtered.items) assert.equal(String(it[fname]), fval, `filter ${fname}=${fval}`);
			assert.ok(filtered.items.some((it) => it.id === row.id), 'the new row matches its own filter');

			const all = expectStatus(await get(B, `${coll}?limit=500`), 200).body.items;
			assert.ok(all.length >= 2);
			assertSorted(all, 'id', false, 'default order');
			for (const key of ['id', ...R.sorts]) {
				const asc = expectStatus(await get(B, `${coll}?sort=${key}&limit=500`), 200).body.items;
				const desc = expectStatus(await get(B, `${coll}?sort=-${key}&limit=500`), 200).body.items;
				assert.equal(asc.length, all.length);
				assertSorted(asc, key, false, `sort=${key}`);
				assertSorted(desc, key, true, `sort=-${key}`);
				assert.deepEqual(desc.map((x) => x.id), asc.map((x) => x.id).reverse(), `sort=-${key} is sort=${key} reversed`);
				// Paging with limit=2 gives the same rows in the same order, each once.
				const paged = await listAll(B, `${coll}?sort=${key}&limit=2`);
				assert.deepEqual(paged.map((x) => x.id), asc.map((x) => x.id), `paging sort=${key}`);
			}
			const page = expectStatus(await get(B, `${coll}?limit=1`), 200).body;
			assert.equal(page.items.length, 1);
			assert.equal(typeof page.next_cursor, 'string');
			const page2 = expectStatus(await get(B, `${coll}?limit=1&cursor=${page.next_cursor}`), 200).body;
			assert.equal(page2.items.length, 1);
			assert.ok(page2.items[0].id > page.items[0].id);
			const last = expectStatus(await get(B, `${coll}?sort=-id&limit=500`), 200).body;
			assert.equal(last.next_cursor, null);
		});

		if (R.q) {
			await t.test('list: q searches the words of the record', async () => {
				const r = expectStatus(await get(B, `${coll}?q=zqx${n}`), 200).body;
				assert.deepEqual(r.items.map((x) => x.id), [row.id]);
				const none = expectStatus(await get(B, `${coll}?q=nosuchwordanywhere`), 200).body;
				assert.deepEqual(none.items, []);
			});
		} else {
			await t.test('list: q is refused where there is no search', async () => {
				const e = expectError(await get(B, `${coll}?q=x`), 400);
				assert.equal(e.field, 'q');
			});
		}

		await t.test('update with If-Match: 200, version + 1, new ETag', async () => {
			const change = R.update(n);
			const r = expectStatus(await patch(B, `${coll}/${row.id}`, change, 1), 200);
			assert.equal(r.body.version, 2);
			assert.equal(r.headers.get('etag'), '"2"');
			for (const [k, v] of Object.entries(change)) assert.deepEqual(r.body[k], v, `field ${k}`);
			row = r.body;
			if (R.q && Object.values(change).some((v) => typeof v === 'string' && v.includes('zqy'))) {
				const s = expectStatus(await get(B, `${coll}?q=zqy${n}`), 200).body;
				assert.deepEqual(s.items.map((x) => x.id), [row.id], 'search sees the change');
			}
		});

		await t.test('update with a stale If-Match: 412 and nothing changed', async () => {
			const change = R.update(n + 1000);
			const e = expectError(await patch(B, `${coll}/${row.id}`, change, 1), 412);
			assert.equal(e.field, 'version');
			const now = expectStatus(await get(B, `${coll}/${row.id}`), 200).body;
			assert.deepEqual(now, row);
			// A weak validator names the same version.
			expectError(await api(B, 'PATCH', `${coll}/${row.id}`, { body: change, headers: { 'If-Match': 'W/"1"' } }), 412);
		});

		await t.test('update without If-Match: 428', async () => {
			const e = expectError(await patch(B, `${coll}/${row.id}`, R.update(n)), 428);
			assert.equal(e.field, 'If-Match');
			const bad = expectError(await api(B, 'PATCH', `${coll}/${row.id}`, { body: R.update(n), headers: { 'If-Match': 'yesterday' } }), 400);
			assert.equal(bad.field, 'If-Match');
			assert.deepEqual(expectStatus(await get(B, `${coll}/${row.id}`), 200).body, row);
		});

		await t.test('validation: 422 naming every problem with its field', async () => {
			const before = expectStatus(await get(B, `${coll}?limit=500&sort=-id`), 200).body.items.length;
			const e = expectError(await post(B, coll, R.invalid.body), 422);
			assert.ok(Array.isArray(e.problems), 'problems is an array');
			const fields = e.problems.map((p) => p.field);
			for (const f of R.invalid.fields) assert.ok(fields.includes(f), `${f} missing from ${JSON.stringify(e.problems)}`);
			for (const p of e.problems) {
				assert.equal(typeof p.message, 'string');
				assert.ok(p.message.length > 0);
			}
			assert.equal(e.field, e.problems[0].field);
			const after = expectStatus(await get(B, `${coll}?limit=500&sort=-id`), 200).body.items.length;
			assert.equal(after, before, 'nothing was created');
			// An update is checked the same way, and changes nothing.
			const pe = expectError(await patch(B, `${coll}/${row.id}`, { id: 5, version: 9, no_such_field: 1 }, row.version), 422);
			assert.deepEqual(pe.problems.map((p) => p.field).sort(), ['$.id', '$.no_such_field', '$.version']);
			assert.deepEqual(expectStatus(await get(B, `${coll}/${row.id}`), 200).body, row);
			// A body that is not an object.
			expectError(await api(B, 'POST', coll, { raw: '[1,2]', headers: { 'Content-Type': 'application/json' } }), 400);
			expectError(await api(B, 'POST', coll, {}), 400);
		});

		if (R.duplicate) {
			await t.test('unique conflict: 409', async () => {
				const body = JSON.parse(JSON.stringify(R.duplicate(row)));
				const e = expectError(await post(B, coll, body), 409);
				assert.match(e.message, /already/);
			});
		}

		await t.test('unknown query parameter: 400 naming it', async () => {
			const e = expectError(await get(B, `${coll}?colour=red`), 400);
			assert.equal(e.field, 'colour');
			assert.match(e.message, /colour/);
			const e2 = expectError(await get(B, `${coll}/${row.id}?verbose=1`), 400);
			assert.equal(e2.field, 'verbose');
			const e3 = expectError(await get(B, `${coll}?limit=0`), 400);
			assert.equal(e3.field, 'limit');
			const e4 = expectError(await get(B, `${coll}?sort=nonsense`), 400);
			assert.equal(e4.field, 'sort');
		});

		await t.test('404 for an unknown id', async () => {
			expectError(await get(B, `${coll}/987654321`), 404);
			expectError(await patch(B, `${coll}/987654321`, R.update(n), 1), 404);
			expectError(await del(B, `${coll}/987654321`, 1), 404);
			expectError(await get(B, `${coll}/0`), 404);
			expectError(await get(B, `${coll}/abc`), 404);
		});

		await t.test('405 with Allow for a wrong method', async () => {
			let r = await api(B, 'PUT', `${coll}/${row.id}`, { body: R.update(n) });
			expectError(r, 405);
			assert.equal(r.headers.get('allow'), 'GET, HEAD, PATCH, DELETE');
			r = await api(B, 'POST', `${coll}/${row.id}`, { body: {} });
			expectError(r, 405);
			assert.equal(r.headers.get('allow'), 'GET, HEAD, PATCH, DELETE');
			r = await api(B, 'DELETE', coll);
			expectError(r, 405);
			assert.equal(r.headers.get('allow'), 'GET, HEAD, POST');
			r = await api(B, 'PATCH', coll, { body: {} });
			expectError(r, 405);
		});

		await t.test(R.archive ? 'delete archives: hidden from lists unless ?archived=true' : 'delete: 204, then 404', async () => {
			expectError(await del(B, `${coll}/${row.id}`), 428);
			expectError(await del(B, `${coll}/${row.id}`, row.version + 5), 412);
			const r = await del(B, `${coll}/${row.id}`, row.version);
			if (R.archive) {
				expectStatus(r, 200);
				assert.equal(r.body.archived, true);
				assert.equal(r.body.version, row.version + 1);
				const visible = (await listAll(B, `${coll}?limit=500`)).map((x) => x.id);
				assert.ok(!visible.includes(row.id), 'archived row hidden');
				const withArchived = (await listAll(B, `${coll}?limit=500&archived=true`)).map((x) => x.id);
				assert.ok(withArchived.includes(row.id), 'archived row listed with archived=true');
				const still = expectStatus(await get(B, `${coll}/${row.id}`), 200).body;
				assert.equal(still.archived, true);
				const bad = expectError(await get(B, `${coll}?archived=yes`), 400);
				assert.equal(bad.field, 'archived');
			} else {
				expectStatus(r, 204);
				assert.equal(r.text, '');
				expectError(await get(B, `${coll}/${row.id}`), 404);
				expectError(await del(B, `${coll}/${row.id}`, row.version), 404);
				expectError(await get(B, `${coll}?archived=true`), 400);
			}
		});
	});
}

/* ---- rules beyond one field ---- */

test('domain rules across fields: 422 with the field', async () => {
	note('/api/v1/grants');
	const g = await create('/api/v1/grants', { scheme: 'isf', reference: `RULE-${u()}`, amount_allocated_cents: 100 });
	let e = expectError(await patch(B, `/api/v1/grants/${g.id}`, { amount_used_cents: 200 }, 1), 422);
	assert.deepEqual(e.problems.map((p) => p.field), ['$.amount_used_cents']);
	// fixed fields cannot change
	e = expectError(await patch(B, `/api/v1/grants/${g.id}`, { reference: 'OTHER' }, 1), 422);
	assert.deepEqual(e.problems.map((p) => p.field), ['$.reference']);
	// an empty change
	expectError(await patch(B, `/api/v1/grants/${g.id}`, {}, 1), 400);
	// a KPI belongs to exactly one owner
	e = expectError(
		await post(B, '/api/v1/kpis', { action_id: ctx.actions[0].id, oap_id: ctx.oap.id, position: 1, name: 'Two owners', target: 1, direction: 'increase' }),
		422,
	);
	assert.ok(e.problems.some((p) => p.field === '$.action_id'));
	// an OAP cannot span more years than its cycle allows
	e = expectError(await post(B, '/api/v1/oaps', { priority_id: ctx.priority.id, first_year: 2038, last_year: 2039, title: 'Too long' }), 422);
	assert.deepEqual(e.problems.map((p) => p.field), ['$.last_year']);
	// a section's classification may not exceed its OAP's
	const plain = await create('/api/v1/oaps', { priority_id: ctx.priority.id, first_year: nextOapYear, last_year: nextOapYear++, title: 'Plain' });
	e = expectError(await post(B, `/api/v1/oaps/${plain.id}/sections`, { number: '1', position: 1, heading: 'H', text: 'T', classification: 'restreint_ue' }), 422);
	assert.deepEqual(e.problems.map((p) => p.field), ['$.classification']);
	// a cycle still referred to cannot be deleted
	e = expectError(await del(B, `/api/v1/cycles/${ctx.cycle.id}`, ctx.cycle.version), 409);
});

/* ---- the seed data ---- */

const GOAL_C1 =
	'To maintain a comprehensive intelligence picture, at national and EU level through MS and EU Agency collaboration ' +
	'(in particular Europol and Frontex), including a common integrated risk analysis, on organised crime groups and the ' +
	'routes/modus operandi used by them for facilitating illegal immigration at the external borders and within the EU territory.';

test('seed data: the 2011-2013 cycle, its 8 priorities and the goals of priority C', async () => {
	const cycles = expectStatus(await get(B, '/api/v1/cycles?label=2011-2013'), 200).body.items;
	assert.equal(cycles.length, 1);
	const c = cycles[0];
	assert.equal(c.first_year, 2011);
	assert.equal(c.last_year, 2013);
	note(`/api/v1/cycles/${c.id}/priorities`);
	const prios = expectStatus(await get(B, `/api/v1/cycles/${c.id}/priorities`), 200).body;
	assert.equal(prios.items.length, 8);
	assert.equal(prios.next_cursor, null);
	assert.deepEqual(prios.items.map((p) => p.code), ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
	const pc = prios.items.find((p) => p.code === 'C');
	assert.equal(pc.short_name, 'Illegal immigration');
	note(`/api/v1/priorities/${pc.id}/goals`);
	const goals = expectStatus(await get(B, `/api/v1/priorities/${pc.id}/goals?sort=number`), 200).body.items;
	assert.equal(goals.length, 7);
	assert.deepEqual(goals.map((g) => g.number), [1, 2, 3, 4, 5, 6, 7]);
	assert.equal(goals[0].text, GOAL_C1);
	const all = await listAll(B, '/api/v1/goals?limit=100');
	assert.equal(all.filter((g) => prios.items.some((p) => p.id === g.priority_id)).length, 55, '55 goals in 2011-2013');
	const shared = expectStatus(await get(B, `/api/v1/cycles/${c.id}/shared-goals`), 200).body.items;
	assert.equal(shared.length, 6);
	const search = expectStatus(await get(B, `/api/v1/goals?q=${encodeURIComponent('modus operandi')}&priority_id=${pc.id}`), 200).body.items;
	assert.ok(search.some((g) => g.number === 1));
	// the 2018 OAP and its 13 sections
	const oaps = expectStatus(await get(B, '/api/v1/oaps?first_year=2018'), 200).body.items;
	assert.equal(oaps.length, 1);
	assert.equal(oaps[0].title, 'Facilitated illegal immigration');
	note(`/api/v1/oaps/${oaps[0].id}/sections`);
	const sections = await listAll(B, `/api/v1/oaps/${oaps[0].id}/sections?sort=position&limit=5`);
	assert.equal(sections.filter((s) => s.number !== '99.1').length, 13);
	note(`/api/v1/priorities/${oaps[0].priority_id}/oaps`);
	const byPrio = expectStatus(await get(B, `/api/v1/priorities/${oaps[0].priority_id}/oaps`), 200).body.items;
	assert.deepEqual(byPrio.map((o) => o.id), [oaps[0].id]);
});

/* ---- nested lists and creates ---- */

test('nested lists and nested create', async (t) => {
	await t.test('nested lists hold only the children of the parent', async () => {
		const cases = [
			[`/api/v1/cycles/${ctx.cycle.id}/priorities`, 'cycle_id', ctx.cycle.id],
			[`/api/v1/priorities/${ctx.priority.id}/goals`, 'priority_id', ctx.priority.id],
			[`/api/v1/oaps/${ctx.oap.id}/actions`, 'oap_id', ctx.oap.id],
			[`/api/v1/oaps/${ctx.oap.id}/sections`, 'oap_id', ctx.oap.id],
			[`/api/v1/actions/${ctx.actions[0].id}/kpis`, 'action_id', ctx.actions[0].id],
			[`/api/v1/cycles/${ctx.cycle.id}/shared-goals`, 'cycle_id', ctx.cycle.id],
			[`/api/v1/cycles/${ctx.cycle.id}/reporting-rounds`, 'cycle_id', ctx.cycle.id],
			[`/api/v1/cycles/${ctx.cycle.id}/jads`, 'cycle_id', ctx.cycle.id],
			[`/api/v1/priorities/${ctx.priority.id}/oaps`, 'priority_id', ctx.priority.id],
			['/api/v1/documents/2/documents', 'parent_id', 2],
		];
		for (const [p, key, id] of cases) {
			note(p);
			const items = await listAll(B, `${p}?limit=3`);
			for (const it of items) assert.equal(it[key], id, `${p}: ${key}`);
		}
		const acts = await listAll(B, `/api/v1/oaps/${ctx.oap.id}/actions?limit=3&sort=position`);
		assert.ok(acts.length >= 8);
		for (const a of ctx.actions) assert.ok(acts.some((x) => x.id === a.id));
		// a filter on the bound field is not a parameter of the nested list
		expectError(await get(B, `/api/v1/oaps/${ctx.oap.id}/actions?oap_id=1`), 400);
		// a parent that does not exist is a 404, not an empty list
		expectError(await get(B, '/api/v1/oaps/987654/actions'), 404);
		expectError(await get(B, '/api/v1/cycles/987654/priorities'), 404);
		expectError(await get(B, '/api/v1/actions/987654/kpis'), 404);
	});

	await t.test('nested create binds the parent from the path', async () => {
		const n = u();
		const p = await create(`/api/v1/cycles/${ctx.cycle.id}/priorities`, { code: `N${n}`, position: 500 + n, short_name: 'Nested', aim: 'Nested' });
		assert.equal(p.cycle_id, ctx.cycle.id);
		const g = await create(`/api/v1/priorities/${p.id}/goals`, { number: 1, text: 'Nested goal' });
		assert.equal(g.priority_id, p.id);
		const s = await create(`/api/v1/oaps/${ctx.oap.id}/sections`, { number: `7.${n}`, position: 700 + n, heading: 'Nested', text: 'T' });
		assert.equal(s.oap_id, ctx.oap.id);
		const sg = await create(`/api/v1/cycles/${ctx.cycle.id}/shared-goals`, { number: 500 + n, text: 'Nested shared' });
		assert.equal(sg.cycle_id, ctx.cycle.id);
		// the same parent in the body is fine; another is not
		await create(`/api/v1/priorities/${p.id}/goals`, { priority_id: p.id, number: 2, text: 'Same parent' });
		const e = expectError(await post(B, `/api/v1/priorities/${p.id}/goals`, { priority_id: ctx.priority.id, number: 3, text: 'x' }), 422);
		assert.deepEqual(e.problems.map((x) => x.field), ['$.priority_id']);
		// a parent that does not exist (or that the caller may not see) is a 404, as for lists
		expectError(await post(B, '/api/v1/priorities/987654/goals', { number: 1, text: 'x' }), 404);
		// nested lists without a create route
		const r = await api(B, 'POST', `/api/v1/actions/${ctx.actions[0].id}/kpis`, { body: {} });
		expectError(r, 405);
		assert.equal(r.headers.get('allow'), 'GET, HEAD');
	});
});

/* ---- workflows ---- */

test('OAP transitions: allowed 200, illegal 409 naming the allowed states, adopted OAP frozen', async () => {
	const y = nextOapYear++;
	const oap = await create('/api/v1/oaps', { priority_id: ctx.priority.id, first_year: y, last_year: y, title: 'Workflow plan' });
	const tr = `/api/v1/oaps/${oap.id}/transitions`;
	note(tr);
	assert.equal(oap.status, 'drafting');
	let e = expectError(await api(B, 'POST', tr, { body: { to: 'adopted' }, headers: im(1) }), 409);
	assert.match(e.message, /agreed_at_nec/);
	assert.equal(e.field, 'to');
	e = expectError(await api(B, 'POST', tr, { body: { to: 'flying' }, headers: im(1) }), 409);
	assert.match(e.message, /allowed: agreed_at_nec/);
	expectError(await api(B, 'POST', tr, { body: { to: 'agreed_at_nec' } }), 428);
	expectError(await api(B, 'POST', tr, { body: { to: 'agreed_at_nec' }, headers: im(7) }), 412);
	e = expectError(await api(B, 'POST', tr, { body: { state: 'agreed_at_nec' }, headers: im(1) }), 422);
	assert.ok(e.problems.length >= 2);
	let v = 1;
	for (const to of ['agreed_at_nec', 'drafting', 'agreed_at_nec', 'submitted_to_cosi', 'adopted']) {
		const r = expectStatus(await api(B, 'POST', tr, { body: { to }, headers: im(v) }), 200, `to ${to}`);
		assert.equal(r.body.status, to);
		assert.equal(r.body.version, v + 1);
		assert.equal(r.headers.get('etag'), `"${v + 1}"`);
		v++;
	}
	// status is not writable by PATCH, and an adopted OAP cannot change in place at all
	e = expectError(await patch(B, `/api/v1/oaps/${oap.id}`, { title: 'Changed after adoption' }, v), 409);
	assert.match(e.message, /adopted/);
	expectError(await del(B, `/api/v1/oaps/${oap.id}`, v), 409);
	const now = expectStatus(await get(B, `/api/v1/oaps/${oap.id}`), 200).body;
	assert.equal(now.title, 'Workflow plan');
	assert.equal(now.version, v);
	e = expectError(await api(B, 'POST', tr, { body: { to: 'drafting' }, headers: im(v) }), 409);
	assert.match(e.message, /allowed: in_implementation/);
	for (const to of ['in_implementation', 'final_report', 'closed']) {
		expectStatus(await api(B, 'POST', tr, { body: { to }, headers: im(v) }), 200);
		v++;
	}
	e = expectError(await api(B, 'POST', tr, { body: { to: 'drafting' }, headers: im(v) }), 409);
	assert.match(e.message, /none/);
	expectError(await api(B, 'POST', '/api/v1/oaps/987654/transitions', { body: { to: 'adopted' }, headers: im(1) }), 404);
	// a draft can still be changed
	const d = expectStatus(await patch(B, `/api/v1/oaps/${ctx.oap.id}`, { title: 'Test plan, revised' }, ctx.oap.version), 200).body;
	ctx.oap = d;
	const st = expectError(await patch(B, `/api/v1/oaps/${ctx.oap.id}`, { status: 'adopted' }, ctx.oap.version), 422);
	assert.deepEqual(st.problems.map((p) => p.field), ['$.status']);
});

test('action transitions: allowed 200, illegal 409 naming the allowed states', async () => {
	const a = await create(`/api/v1/oaps/${ctx.oap.id}/actions`, { number: `5.${u()}`, position: 5000, title: 'Workflow action' });
	const tr = `/api/v1/actions/${a.id}/transitions`;
	note(tr);
	assert.equal(a.status, 'proposed');
	let e = expectError(await api(B, 'POST', tr, { body: { to: 'completed' }, headers: im(1) }), 409);
	assert.match(e.message, /allowed: planned, cancelled/);
	let v = 1;
	// continuing carries the action over into a later OAP of its priority, still being drafted
	const y = nextOapYear++;
	const next = await create('/api/v1/oaps', { priority_id: ctx.priority.id, first_year: y, last_year: y, title: 'Next plan' });
	for (const to of ['planned', 'ongoing', 'not_completed', 'continued']) {
		const body = to === 'continued' ? { to, oap_id: next.id } : { to };
		const r = expectStatus(await api(B, 'POST', tr, { body, headers: im(v) }), 200, `to ${to}`);
		assert.equal(r.body.status, to);
		assert.equal(r.body.version, ++v);
	}
	e = expectError(await api(B, 'POST', tr, { body: { to: 'ongoing' }, headers: im(v) }), 409);
	assert.match(e.message, /none \(it is final\)/);
	// the status field itself is read-only
	e = expectError(await patch(B, `/api/v1/actions/${a.id}`, { status: 'planned' }, v), 422);
	assert.match(e.problems[0].message, /transitions/);
	// resources without a workflow have no transitions route
	expectError(await api(B, 'POST', `/api/v1/goals/${ctx.goal.id}/transitions`, { body: { to: 'x' }, headers: im(1) }), 404);
});

/* ---- action links ---- */

test('action links: leaders, participants, goals, cross-references, referenced-by', async (t) => {
	const a = await create(`/api/v1/oaps/${ctx.oap.id}/actions`, { number: `6.${u()}`, position: 6000, title: 'Linked action' });
	const b = ctx.actions[1];
	const base = `/api/v1/actions/${a.id}`;
	let v = 1;
	const link = async (method, p, body, status) => {
		note(p);
		const r = await api(B, method, p, { body, headers: im(v) });
		expectStatus(r, status, `${method} ${p}`);
		if (status < 300) {
			assert.equal(r.body.version, v + 1, 'a link change bumps the action version');
			assert.equal(r.headers.get('etag'), `"${v + 1}"`);
			v++;
		} else {
			const now = expectStatus(await get(B, base), 200).body;
			assert.equal(now.version, v, 'a refused link change leaves the version');
		}
		return r;
	};
	const orgs = expectStatus(await get(B, '/api/v1/organisations?limit=5'), 200).body.items;

	await t.test('leaders: one Action Leader, co-leaders beside it', async () => {
		let r = await link('POST', `${base}/leaders`, { org_id: orgs[0].id, role: 'leader' }, 201);
		assert.deepEqual(r.body.leader, { org_id: orgs[0].id, org: orgs[0].code });
		r = await link('POST', `${base}/leaders`, { org_id: orgs[1].id, role: 'leader' }, 409);
		assert.equal(r.body.error.code, 'conflict');
		r = await link('POST', `${base}/leaders`, { org_id: orgs[1].id, role: 'co_leader' }, 201);
		assert.deepEqual(r.body.co_leaders, [{ org_id: orgs[1].id, org: orgs[1].code }]);
		await link('PATCH', `${base}/leaders/${orgs[1].id}`, { role: 'leader' }, 409);
		r = await link('POST', `${base}/leaders`, { org_id: orgs[2].id, role: 'boss' }, 422);
		assert.deepEqual(r.body.error.problems.map((p) => p.field), ['$.role']);
		r = await link('POST', `${base}/leaders`, { org_id: 987654, role: 'co_leader', extra: 1 }, 422);
		assert.deepEqual(r.body.error.problems.map((p) => p.field).sort(), ['$.extra', '$.org_id']);
		r = await link('DELETE', `${base}/leaders/${orgs[0].id}`, undefined, 200);
		assert.equal(r.body.leader, null);
		r = await link('PATCH', `${base}/leaders/${orgs[1].id}`, { role: 'leader' }, 200);
		assert.deepEqual(r.body.leader, { org_id: orgs[1].id, org: orgs[1].code });
		assert.deepEqual(r.body.co_leaders, []);
		await link('DELETE', `${base}/leaders/${orgs[4].id}`, undefined, 404);
		// stale and missing If-Match
		expectError(await api(B, 'POST', `${base}/leaders`, { body: { org_id: orgs[3].id, role: 'co_leader' }, headers: im(v - 1) }), 412);
		expectError(await api(B, 'POST', `${base}/leaders`, { body: { org_id: orgs[3].id, role: 'co_leader' } }), 428);
		expectError(await api(B, 'POST', '/api/v1/actions/987654/leaders', { body: { org_id: orgs[3].id, role: 'co_leader' }, headers: im(1) }), 404);
	});

	await t.test('participants: add, change status, remove', async () => {
		let r = await link('POST', `${base}/participants`, { org_id: orgs[2].id }, 201);
		assert.deepEqual(r.body.participants, [{ org_id: orgs[2].id, org: orgs[2].code, status: 'invited' }]);
		await link('POST', `${base}/participants`, { org_id: orgs[2].id, status: 'confirmed' }, 409);
		r = await link('PATCH', `${base}/participants/${orgs[2].id}`, { status: 'confirmed' }, 200);
		assert.equal(r.body.participants[0].status, 'confirmed');
		r = await link('PATCH', `${base}/participants/${orgs[2].id}`, { status: 'maybe' }, 422);
		assert.deepEqual(r.body.error.problems.map((p) => p.field), ['$.status']);
		await link('PATCH', `${base}/participants/${orgs[3].id}`, { status: 'declined' }, 404);
		r = await link('POST', `${base}/participants`, { org_id: orgs[3].id, status: 'declined' }, 201);
		assert.equal(r.body.participants.length, 2);
		r = await link('DELETE', `${base}/participants/${orgs[2].id}`, undefined, 200);
		assert.deepEqual(r.body.participants.map((p) => p.org_id), [orgs[3].id]);
	});

	await t.test('goal links: a goal of the priority; another priority is 422', async () => {
		let r = await link('POST', `${base}/goals`, { goal_id: ctx.goal.id }, 201);
		assert.deepEqual(r.body.goals, [ctx.goal.id]);
		r = await link('POST', `${base}/goals`, { goal_id: 1 }, 422);
		assert.deepEqual(r.body.error.problems.map((p) => p.field), ['$.goal_id']);
		assert.match(r.body.error.problems[0].message, /another priority/);
		r = await link('POST', `${base}/goals`, { goal_id: 987654 }, 422);
		r = await link('DELETE', `${base}/goals/${ctx.goal.id}`, undefined, 200);
		assert.deepEqual(r.body.goals, []);
	});

	await t.test('cross-references: not to itself, not to another cycle; referenced-by', async () => {
		let r = await link('POST', `${base}/cross-references`, { action_id: a.id }, 422);
		assert.match(r.body.error.problems[0].message, /itself/);
		r = await link('POST', `${base}/cross-references`, { action_id: ctx.otherCycleAction.id }, 422);
		assert.match(r.body.error.problems[0].message, /another cycle/);
		r = await link('POST', `${base}/cross-references`, { action_id: b.id, note: 'same target group' }, 201);
		assert.deepEqual(r.body.cross_references, [{ action_id: b.id, note: 'same target group' }]);
		note(`/api/v1/actions/${b.id}/referenced-by`);
		let by = expectStatus(await get(B, `/api/v1/actions/${b.id}/referenced-by`), 200).body;
		assert.deepEqual(by.items, [{ action_id: a.id, note: 'same target group' }]);
		r = await link('PATCH', `${base}/cross-references/${b.id}`, { note: 'shared informants' }, 200);
		assert.equal(r.body.cross_references[0].note, 'shared informants');
		r = await link('DELETE', `${base}/cross-references/${b.id}`, undefined, 200);
		assert.deepEqual(r.body.cross_references, []);
		by = expectStatus(await get(B, `/api/v1/actions/${b.id}/referenced-by`), 200).body;
		assert.deepEqual(by.items, []);
		expectError(await get(B, '/api/v1/actions/987654/referenced-by'), 404);
		// the links show in the action as it is read and listed
		await link('POST', `${base}/cross-references`, { action_id: b.id }, 201);
		const got = expectStatus(await get(B, base), 200).body;
		assert.deepEqual(got.cross_references, [{ action_id: b.id, note: null }]);
		const listed = (await listAll(B, `/api/v1/oaps/${ctx.oap.id}/actions?limit=100`)).find((x) => x.id === a.id);
		assert.deepEqual(listed, got);
	});
});

/* ---- headers, health, metrics ---- */

function assertSecurityHeaders(r, what) {
	assert.equal(r.headers.get('x-content-type-options'), 'nosniff', what);
	assert.match(r.headers.get('content-security-policy') || '', /default-src 'none'/, what);
	assert.ok(r.headers.get('referrer-policy'), `${what}: Referrer-Policy`);
	assert.equal(r.headers.get('cache-control'), 'no-store', what);
	assert.match(r.headers.get('x-request-id') || '', /^[0-9a-f]{16}$/, `${what}: X-Request-Id`);
}

test('security headers and X-Request-Id on success and error responses', async () => {
	const cases = [
		['GET', '/healthz', undefined, {}, 200],
		['GET', '/api/v1/organisations?limit=1', undefined, {}, 200],
		['GET', '/api/v1/openapi.json', undefined, {}, 200],
		['GET', '/metrics', undefined, {}, 200],
		['POST', '/api/v1/grants', { scheme: 'isf', reference: `H-${u()}`, amount_allocated_cents: 1 }, {}, 201],
		['GET', '/api/v1/organisations/987654', undefined, {}, 404],
		['GET', '/api/v1/no/such/path', undefined, {}, 404],
		['PUT', '/api/v1/organisations', {}, {}, 405],
		['GET', '/api/v1/organisations?bogus=1', undefined, {}, 400],
		['POST', '/api/v1/organisations', { code: '' }, {}, 422],
		['PATCH', '/api/v1/organisations/1', { name: 'x' }, {}, 428],
		['PATCH', '/api/v1/organisations/1', { name: 'x' }, im(99), 412],
		['POST', '/api/v1/organisations', { code: 'AT', kind: 'member_state', name: 'Austria', country: 'AT' }, {}, 409],
		['POST', '/api/v1/organisations', undefined, { 'Content-Type': 'text/plain' }, 415],
	];
	const ids = new Set();
	for (const [method, p, body, headers, status] of cases) {
		const r = await api(B, method, p, { body: method === 'POST' && body === undefined ? undefined : body, headers, ...(status === 415 ? { raw: 'hello' } : {}) });
		expectStatus(r, status, `${method} ${p}`);
		assertSecurityHeaders(r, `${method} ${p} -> ${status}`);
		ids.add(r.headers.get('x-request-id'));
		if (status >= 400) {
			assert.match(r.headers.get('content-type'), /^application\/json/);
			expectError(r, status);
		}
	}
	assert.equal(ids.size, cases.length, 'every response has its own request id');
	// 204 too
	const g = await create('/api/v1/grants', { scheme: 'isf', reference: `H-${u()}`, amount_allocated_cents: 1 });
	const r = expectStatus(await del(B, `/api/v1/grants/${g.id}`, 1), 204);
	assertSecurityHeaders(r, 'DELETE -> 204');
});

test('/healthz and /metrics', async () => {
	const h = expectStatus(await get(B, '/healthz'), 200);
	assert.equal(h.body.status, 'ok');
	assert.equal(h.body.database, 'ok');
	assert.equal(typeof h.body.schema, 'number');
	const m = expectStatus(await get(B, '/metrics'), 200);
	assert.match(m.headers.get('content-type'), /^text\/plain/);
	assert.match(m.text, /^# TYPE empact_http_requests_total counter$/m);
	assert.match(m.text, /^empact_http_requests_total\{route="\/healthz",method="GET",status="200"\} \d+$/m);
	assert.match(m.text, /^empact_http_requests_total\{route="\/api\/v1\/organisations\/\{id\}",method="GET",status="404"\} \d+$/m);
	assert.match(m.text, /^empact_http_request_duration_seconds_bucket\{le="\+Inf"\} \d+$/m);
	assert.match(m.text, /^empact_http_request_duration_seconds_bucket\{le="0\.005"\} \d+$/m);
	assert.match(m.text, /^empact_http_request_duration_seconds_count \d+$/m);
	assert.match(m.text, /^empact_http_requests_in_flight \d+$/m);
	// the histogram is cumulative
	const buckets = [...m.text.matchAll(/^empact_http_request_duration_seconds_bucket\{le="[^"]+"\} (\d+)$/gm)].map((x) => Number(x[1]));
	for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i] >= buckets[i - 1]);
	expectError(await api(B, 'POST', '/healthz', { body: {} }), 405);
	expectError(await get(B, '/healthz?x=1'), 400);
});

/* ---- the OpenAPI document ---- */

test('/api/v1/openapi.json: every path answers, and every tested path is in it', async () => {
	const doc = expectStatus(await get(B, '/api/v1/openapi.json'), 200).body;
	assert.equal(doc.openapi, '3.1.0');
	const paths = doc.paths;
	// Ids of existing rows for each collection.
	const ids = {};
	for (const name of RESOURCE_NAMES) {
		const items = expectStatus(await get(B, `/api/v1/${name}?limit=1`), 200).body.items;
		if (items.length) ids[name] = items[0].id;
	}
	ids.actions = ctx.actions[0].id;
	ids.oaps = ctx.oap.id;
	ids.documents = 2;
	ids.users = 1;
	// The administrator's own administrator role: withdrawing it would leave no administrator (409).
	ids.roles = expectStatus(await get(B, '/api/v1/users/1'), 200).body.roles.find((r) => r.role === 'admin').id;
	ids.tokens = 999999; // never the test's own token
	const seen = [];
	for (const [p, item] of Object.entries(paths)) {
		// Progress reports and follow-up items exist only once a round runs (monitoring.test.mjs):
		// their item routes are called with an id that has no row and must name the record.
		let absent = false;
		const concrete = p.replace(/\/([a-z-]+)\/\{id\}/g, (_, coll) => {
			if (!ids[coll] && ['progress-reports', 'follow-ups'].includes(coll)) {
				absent = true;
				return `/${coll}/999999`;
			}
			assert.ok(ids[coll], `no row of ${coll} for ${p}`);
			return `/${coll}/${ids[coll]}`;
		})
			.replace('{round_id}', String(ids['reporting-rounds'] || 999999))
			.replace('{org_id}', '1')
			.replace('{goal_id}', String(ctx.goal.id))
			.replace('{action_id}', String(ctx.actions[1].id));
		assert.doesNotMatch(concrete, /\{/, p);
		for (const method of Object.keys(item)) {
			// No If-Match and no body: nothing changes, yet the route must be there.
			const r = await api(B, method.toUpperCase(), concrete);
			seen.push(`${method} ${p}`);
			if (p.startsWith('/api/v1/auth/')) {
				// The caller's own account: these answer for the token's account (204, 201, 404 for
				// a token it does not have); what they do is tested in auth.test.mjs.
				assert.ok(r.status !== 405 && r.status < 500, `${method.toUpperCase()} ${concrete} -> ${r.status} ${r.text.slice(0, 200)}`);
				continue;
			}
			// Only an EXT version has a declassification record; the row used here is an original.
			if (p.endsWith('/declassification') && r.status === 404) {
				assert.match(r.body.error.message, /is not a partially declassified version/, `${method.toUpperCase()} ${concrete}`);
				continue;
			}
			if (absent && r.status === 404) {
				assert.match(r.body.error.message, /^no (progress report|follow-up item) 999999/, `${method.toUpperCase()} ${concrete}`);
				continue;
			}
			if (p === '/api/v1/users/{id}/roles/{id}') {
				assert.equal(r.status, 409, `${method.toUpperCase()} ${concrete} -> ${r.status} ${r.text.slice(0, 200)}`);
				assert.match(r.body.error.message, /no enabled administrator/);
				continue;
			}
			assert.ok(![404, 405].includes(r.status) && r.status < 500, `${method.toUpperCase()} ${concrete} (${p}) -> ${r.status} ${r.text.slice(0, 200)}`);
			if (method === 'get') assert.equal(r.status, 200, `GET ${concrete} -> ${r.status} ${r.text.slice(0, 200)}`);
			else assert.ok([400, 428].includes(r.status), `${method.toUpperCase()} ${concrete} -> ${r.status} ${r.text.slice(0, 200)}`);
			assert.ok(item[method].responses, `${method} ${p} has responses`);
			seen.push(`${method} ${p}`);
		}
	}
	assert.ok(seen.length >= 100, `only ${seen.length} operations`);
	const tested = [...TESTED_PATHS, ...LINK_PATHS, '/healthz', '/metrics', '/api/v1/openapi.json'];
	for (const p of tested) assert.ok(paths[p], `${p} is tested but not in the OpenAPI document`);
	for (const name of RESOURCE_NAMES) {
		assert.ok(paths[`/api/v1/${name}`].get && paths[`/api/v1/${name}`].post, name);
		const it = paths[`/api/v1/${name}/{id}`];
		assert.ok(it.get && it.patch && it.delete, `${name}/{id}`);
	}
	// The documented query parameters of a list are the ones it accepts.
	const params = paths['/api/v1/organisations'].get.parameters.filter((x) => x.in === 'query').map((x) => x.name);
	for (const q of ['limit', 'cursor', 'sort', 'q', 'archived', 'kind']) assert.ok(params.includes(q), q);
});

test('priorities, OAPs and shared goals come with the organisations and priorities they name', async () => {
	const cycles = expectStatus(await get(B, '/api/v1/cycles?label=2011-2013'), 200).body.items;
	const prios = expectStatus(await get(B, `/api/v1/cycles/${cycles[0].id}/priorities?code=C`), 200).body.items;
	assert.equal(prios.length, 1);
	const c = prios[0];
	assert.equal(c.driver.code, 'IT');
	assert.deepEqual(c.co_drivers.map((o) => o.code), ['FRONTEX']);
	assert.deepEqual(c.supporting_agencies.map((o) => o.code), ['EUROPOL', 'EUROJUST', 'CEPOL', 'FRONTEX']);
	const one = expectStatus(await get(B, `/api/v1/priorities/${c.id}`), 200).body;
	assert.deepEqual(one.co_drivers, c.co_drivers);
	const shared = await listAll(B, `/api/v1/cycles/${cycles[0].id}/shared-goals`);
	assert.equal(shared.length, 6);
	assert.deepEqual(shared[5].priorities.map((p) => p.code), ['A', 'B', 'F', 'G']);
	const oaps = expectStatus(await get(B, '/api/v1/oaps?first_year=2018'), 200).body.items;
	assert.equal(oaps[0].driver, null, 'the public version of 13874/17 withholds the Driver');
	assert.deepEqual(oaps[0].co_drivers, []);
});
