// End-to-end tests of the server's limits and of consistency under concurrent use: body, URL
// and header sizes, JSON nesting and syntax, content types, UTF-8, cursors, pagination while
// rows are being added, and racing updates with the same version.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, get, post, patch, expectStatus, expectError, rawRequest, tokens } from './lib.mjs';

let srv;
let B;
const JSON_CT = { 'Content-Type': 'application/json' };
const MiB = 1024 * 1024;

before(async () => {
	// Several worker threads, so that racing requests really run at the same time.
	srv = await startServer(['--threads', '4']);
	B = srv.base;
});

after(async () => {
	if (srv) await srv.stop();
});

/* The body of a raw response, parsed as JSON. */
function rawJson(r) {
	const i = r.data.indexOf('\r\n\r\n');
	return JSON.parse(r.data.slice(i + 4));
}

function rawHeader(r, name) {
	const head = r.data.slice(0, r.data.indexOf('\r\n\r\n'));
	const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head);
	return m ? m[1].trim() : null;
}

function organisationBody(size) {
	// a valid JSON object of exactly size bytes
	const head = '{"code":"BIG","kind":"ngo","name":"';
	const tail = '"}';
	return head + 'x'.repeat(size - head.length - tail.length) + tail;
}

test('413 for a body over 1 MiB with Content-Length', async () => {
	// Declared up front: answered from the headers, before the body is read.
	const body = Buffer.from(organisationBody(MiB + 1));
	const head = `POST /api/v1/organisations HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
	const r = await rawRequest(srv.port, Buffer.concat([Buffer.from(head), body]), { timeoutMs: 10000 });
	assert.equal(r.status, 413, r.data.slice(0, 300));
	const e = rawJson(r).error;
	assert.equal(e.code, 'payload_too_large');
	assert.equal(e.field, 'body');
	assert.equal(rawHeader(r, 'X-Content-Type-Options'), 'nosniff');
	// Only the headers: the answer does not wait for a body that will never come.
	const r2 = await rawRequest(srv.port, `POST /api/v1/organisations HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 5000000000\r\n\r\n`);
	assert.equal(r2.status, 413);
	// The same through fetch. The server answers from the headers and closes the connection; a
	// client still sending the body may see that close before it reads the 413 (seen once in CI
	// on 2 busy cores), which is the refusal too. Anything else fails.
	let f;
	try {
		f = await api(B, 'POST', '/api/v1/organisations', { raw: organisationBody(MiB + 1), headers: JSON_CT });
	} catch (err) {
		const code = err.cause && err.cause.code;
		assert.ok(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(code), `fetch failed otherwise: ${err} ${code}`);
	}
	if (f) expectError(f, 413);
	// Exactly 1 MiB is accepted (and then refused for what it says: the name is too long).
	const ok = await api(B, 'POST', '/api/v1/organisations', { raw: organisationBody(MiB), headers: JSON_CT });
	const e2 = expectError(ok, 422);
	assert.deepEqual(e2.problems.map((p) => p.field), ['$.name']);
	// Routes with a smaller limit: action links take 64 KiB, transitions 1 KiB.
	const big = JSON.stringify({ org_id: 1, role: 'leader', pad: 'x'.repeat(70 * 1024) });
	expectError(await api(B, 'POST', '/api/v1/actions/1/leaders', { raw: big, headers: { ...JSON_CT, 'If-Match': '"1"' } }), 413);
	const tr = JSON.stringify({ to: 'adopted', pad: 'x'.repeat(2048) });
	expectError(await api(B, 'POST', '/api/v1/oaps/1/transitions', { raw: tr, headers: { ...JSON_CT, 'If-Match': '"1"' } }), 413);
	// A body where none is taken.
	const g = await api(B, 'GET', '/api/v1/organisations', { raw: undefined, headers: { 'Content-Length': '0' } });
	expectStatus(g, 200);
	expectStatus(await get(B, '/healthz'), 200);
});

test('413 for a chunked body over 1 MiB', async () => {
	const head = `POST /api/v1/organisations HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nAuthorization: Bearer ${tokens.admin}\r\nTransfer-Encoding: chunked\r\n\r\n`;
	const parts = [Buffer.from(head)];
	const piece = Buffer.alloc(64 * 1024, 0x61);
	for (let sent = 0; sent <= MiB; sent += piece.length) parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
	parts.push(Buffer.from('0\r\n\r\n'));
	const r = await rawRequest(srv.port, Buffer.concat(parts), { timeoutMs: 15000 });
	assert.equal(r.status, 413, r.data.slice(0, 300));
	assert.equal(rawJson(r).error.code, 'payload_too_large');
	// A chunked body within the limit is read as any other.
	const body = JSON.stringify({ code: 'CHUNKED', kind: 'ngo', name: 'Sent in chunks' });
	const chunks = [body.slice(0, 10), body.slice(10, 11), body.slice(11)].map((c) => `${Buffer.byteLength(c).toString(16)}\r\n${c}\r\n`).join('');
	const ok = await rawRequest(srv.port, `${head}${chunks}0\r\n\r\n`);
	assert.equal(ok.status, 201, ok.data.slice(0, 400));
	assert.equal(rawJson(ok).code, 'CHUNKED');
	expectStatus(await get(B, '/healthz'), 200);
});

test('414 for a request target over 8 KiB', async () => {
	const r = await get(B, `/api/v1/organisations?q=${'a'.repeat(9000)}`);
	const e = expectError(r, 414);
	assert.equal(e.code, 'uri_too_long');
	assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
	const long = await get(B, `/api/v1/${'x'.repeat(8200)}`);
	expectError(long, 414);
	// 8 KiB exactly is still read (and refused for its content).
	const path = '/api/v1/organisations?q=';
	const at = await get(B, path + 'a'.repeat(8192 - path.length));
	expectError(at, 400);
});

test('431 for a header block over 32 KiB (what the server answers)', async () => {
	// One field just over 32 KiB: within libmicrohttpd's buffer, refused by empact with its JSON error.
	let r = await rawRequest(srv.port, `GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ${'a'.repeat(33 * 1024)}\r\n\r\n`);
	assert.equal(r.status, 431, r.data.slice(0, 300));
	assert.equal(rawJson(r).error.code, 'headers_too_large');
	assert.equal(rawHeader(r, 'X-Content-Type-Options'), 'nosniff');
	// Much larger: libmicrohttpd itself answers 431 (its own HTML page) and closes.
	r = await rawRequest(srv.port, `GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
	assert.equal(r.status, 431, r.data.slice(0, 300));
	// Many fields adding up to more than 32 KiB.
	let many = '';
	for (let i = 0; many.length < 40 * 1024; i++) many += `X-Field-${i}: ${'b'.repeat(100)}\r\n`;
	r = await rawRequest(srv.port, `GET /healthz HTTP/1.1\r\nHost: t\r\n${many}\r\n`);
	assert.equal(r.status, 431, r.data.slice(0, 300));
	// Just under the limit in one field is served.
	r = await rawRequest(srv.port, `GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ${'a'.repeat(32 * 1024 - 200)}\r\n\r\n`);
	assert.equal(r.status, 200, r.data.slice(0, 300));
	expectStatus(await get(B, '/healthz'), 200);
});

test('400 for JSON nested deeper than 64 levels', async () => {
	const deep = (n) => '{"a":' + '['.repeat(n - 1) + ']'.repeat(n - 1) + '}';
	let e = expectError(await api(B, 'POST', '/api/v1/organisations', { raw: deep(65), headers: JSON_CT }), 400);
	assert.match(e.message, /nested deeper than 64/);
	assert.equal(e.field, 'body');
	e = expectError(await api(B, 'POST', '/api/v1/organisations', { raw: '['.repeat(200000), headers: JSON_CT }), 400);
	assert.match(e.message, /nested deeper than 64/);
	// 64 levels are parsed (and then refused for their content).
	e = expectError(await api(B, 'POST', '/api/v1/organisations', { raw: deep(64), headers: JSON_CT }), 422);
	assert.ok(e.problems.some((p) => p.field === '$.a'));
	// Brackets inside strings do not count.
	const inString = JSON.stringify({ code: 'BRACKETS', kind: 'ngo', name: '['.repeat(100) });
	expectStatus(await api(B, 'POST', '/api/v1/organisations', { raw: inString, headers: JSON_CT }), 201);
});

test('400 for malformed JSON, naming line and column', async () => {
	const cases = [
		['{\n  "code": "X",\n  "name": }', /line 3, column \d+/],
		['{"code": "X",}', /line 1, column \d+/],
		['{"code": "X"} trailing', /line 1, column \d+/],
		['{"code": "X", "code": "Y"}', /duplicate/],
		["{'code': 'X'}", /line 1, column \d+/],
		['{"n": 1e400}', /line 1/],
	];
	for (const [raw, re] of cases) {
		const e = expectError(await api(B, 'POST', '/api/v1/organisations', { raw, headers: JSON_CT }), 400, raw);
		assert.match(e.message, /not valid JSON/);
		assert.match(e.message, re);
		assert.equal(e.field, 'body');
	}
	const e = expectError(await api(B, 'POST', '/api/v1/organisations', { raw: '[{"code": "X"}]', headers: JSON_CT }), 400);
	assert.match(e.message, /object/);
});

test('415 for a wrong Content-Type', async () => {
	const body = JSON.stringify({ code: 'CT', kind: 'ngo', name: 'Content type' });
	for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'application/jsonp', 'multipart/form-data; boundary=x']) {
		const e = expectError(await api(B, 'POST', '/api/v1/organisations', { raw: body, headers: { 'Content-Type': ct } }), 415, ct);
		assert.equal(e.field, 'Content-Type');
	}
	// without a Content-Type at all (fetch would add text/plain: send it raw)
	const r = await rawRequest(srv.port, `POST /api/v1/organisations HTTP/1.1\r\nHost: t\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
	assert.equal(r.status, 415);
	// the accepted spellings
	expectStatus(await api(B, 'POST', '/api/v1/organisations', { raw: body, headers: { 'Content-Type': 'Application/JSON; Charset=UTF-8' } }), 201);
});

test('400 for invalid UTF-8 in a body string', async () => {
	const cases = [
		Buffer.from('{"code":"UTF","kind":"ngo","name":"\xff\xfe"}', 'latin1'),
		Buffer.from('{"code":"UTF","kind":"ngo","name":"\xc0\xaf"}', 'latin1'), // overlong '/'
		Buffer.from('{"code":"UTF","kind":"ngo","name":"\xed\xa0\x80"}', 'latin1'), // a surrogate
		Buffer.from('{"code":"UTF","kind":"ngo","name":"abc\xe2\x82"}', 'latin1'), // cut short
		Buffer.from('{"code":"UTF","kind":"ngo","name":"\\ud800"}'), // a lone surrogate escape
		Buffer.from('{"code":"UTF","kind":"ngo","name":"a\\u0000b"}'), // NUL
	];
	for (const raw of cases) {
		const e = expectError(await api(B, 'POST', '/api/v1/organisations', { raw, headers: JSON_CT }), 400, raw.toString('latin1'));
		assert.equal(e.field, 'body');
	}
	// Valid UTF-8 beyond ASCII is kept exactly.
	const name = 'Guardia di Finanza \u2013 \u00c9quipe \u{1F6A2}';
	const r = expectStatus(await post(B, '/api/v1/organisations', { code: 'UTF', kind: 'ngo', name }), 201);
	assert.equal(r.body.name, name);
	assert.equal(expectStatus(await get(B, `/api/v1/organisations/${r.body.id}`), 200).body.name, name);
	// and in a query
	expectError(await get(B, '/api/v1/organisations?q=%ff'), 400);
	expectError(await get(B, '/api/v1/organisations?q=%00'), 400);
	expectError(await get(B, '/api/v1/organisations?q=%zz'), 400);
});

test('400 for a bad cursor', async () => {
	const cases = ['!!!', 'abcd', Buffer.from('code\x1f0\x1fAT').toString('base64url'), Buffer.from('id\x1f0\x1f\x1fnotanumber').toString('base64url'), 'a'.repeat(3000), ''];
	for (const c of cases) {
		const e = expectError(await get(B, `/api/v1/organisations?cursor=${c}`), 400, c.slice(0, 40));
		assert.equal(e.field, 'cursor');
	}
	// A cursor of another order is refused.
	const page = expectStatus(await get(B, '/api/v1/organisations?sort=code&limit=2'), 200).body;
	const e = expectError(await get(B, `/api/v1/organisations?sort=name&limit=2&cursor=${page.next_cursor}`), 400);
	assert.match(e.message, /order/);
	expectError(await get(B, `/api/v1/organisations?sort=-code&limit=2&cursor=${page.next_cursor}`), 400);
	expectStatus(await get(B, `/api/v1/organisations?sort=code&limit=2&cursor=${page.next_cursor}`), 200);
});

/* ---- pagination while rows are added ---- */

async function pageWhileInserting(sort, insertEach) {
	const startIds = new Set();
	let cursor = null;
	const all = [];
	// what existed at the start
	for (let c = null, first = true; first || c; first = false) {
		const r = expectStatus(await get(B, `/api/v1/organisations?sort=id&limit=500${c ? `&cursor=${c}` : ''}`), 200).body;
		r.items.forEach((x) => startIds.add(x.id));
		c = r.next_cursor;
	}
	let pages = 0;
	do {
		const r = expectStatus(await get(B, `/api/v1/organisations?sort=${sort}&limit=7${cursor ? `&cursor=${cursor}` : ''}`), 200, sort).body;
		assert.ok(r.items.length <= 7);
		all.push(...r.items);
		cursor = r.next_cursor;
		pages++;
		await insertEach(pages);
	} while (cursor && pages < 200);
	assert.ok(!cursor, 'paging ends');
	const ids = all.map((x) => x.id);
	assert.equal(new Set(ids).size, ids.length, `sort=${sort}: a row was repeated`);
	for (const id of startIds) assert.ok(ids.includes(id), `sort=${sort}: row ${id} was skipped`);
	return all;
}

test('pagination neither skips nor repeats rows while rows are added', async () => {
	for (let i = 0; i < 30; i++) expectStatus(await post(B, '/api/v1/organisations', { code: `PG-${String(i).padStart(2, '0')}`, kind: 'ngo', name: `Paging ${i}` }), 201);
	let k = 0;
	// New rows before, inside and after the part already read.
	const insert = async () => {
		for (const code of [`AA-NEW${k}`, `PG-${String(k).padStart(2, '0')}-NEW`, `ZZ-NEW${k}`])
			expectStatus(await post(B, '/api/v1/organisations', { code, kind: 'ngo', name: `New ${code}` }), 201);
		k++;
	};
	const byId = await pageWhileInserting('id', insert);
	for (let i = 1; i < byId.length; i++) assert.ok(byId[i].id > byId[i - 1].id);
	const byCode = await pageWhileInserting('code', insert);
	for (let i = 1; i < byCode.length; i++) assert.ok(Buffer.compare(Buffer.from(byCode[i - 1].code), Buffer.from(byCode[i].code)) < 0);
	const byCodeDesc = await pageWhileInserting('-code', insert);
	for (let i = 1; i < byCodeDesc.length; i++) assert.ok(Buffer.compare(Buffer.from(byCodeDesc[i - 1].code), Buffer.from(byCodeDesc[i].code)) > 0);
	await pageWhileInserting('-id', insert);
	// Rows archived while paging drop out without disturbing the rest.
	await pageWhileInserting('name', async (p) => {
		await insert();
		const victim = expectStatus(await get(B, `/api/v1/organisations?kind=ngo&sort=-id&limit=1`), 200).body.items[0];
		expectStatus(await api(B, 'DELETE', `/api/v1/organisations/${victim.id}`, { headers: { 'If-Match': `"${victim.version}"` } }), 200, `archive on page ${p}`);
	});
});

test('pagination by a long sort value, and one holding the cursor separator', async () => {
	// Names up to the 1,024 bytes a name may have, equal for their first 1,000 bytes.
	const prefix = 'n'.repeat(1000);
	const codes = [];
	for (let i = 0; i < 5; i++) {
		const code = `LONG-${i}`;
		codes.push(code);
		expectStatus(await post(B, '/api/v1/organisations', { code, kind: 'international_organisation', name: `${prefix}${String(i).repeat(24)}` }), 201);
	}
	for (const [code, name] of [['SEP-1', 'a\x1fb'], ['SEP-2', 'a\x1fc'], ['SEP-3', '\x1f\x1f']]) {
		codes.push(code);
		expectStatus(await post(B, '/api/v1/organisations', { code, kind: 'international_organisation', name }), 201);
	}
	for (const sort of ['name', '-name']) {
		const seen = [];
		let cursor = null;
		for (let i = 0; i < 50; i++) {
			const r = expectStatus(await get(B, `/api/v1/organisations?kind=international_organisation&sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`), 200, `${sort} page ${i}`).body;
			seen.push(...r.items.map((x) => x.code));
			cursor = r.next_cursor;
			if (!cursor) break;
		}
		const mine = seen.filter((c) => codes.includes(c));
		assert.deepEqual([...mine].sort(), [...codes].sort(), `sort=${sort}: every row once`);
		assert.equal(new Set(seen).size, seen.length, `sort=${sort}: no row twice`);
	}
});

/* ---- concurrency ---- */

test('concurrent updates: exactly one of two PATCHes with the same version wins', async () => {
	const org = expectStatus(await post(B, '/api/v1/organisations', { code: 'RACE', kind: 'ngo', name: 'Race 0' }), 201).body;
	const url = `/api/v1/organisations/${org.id}`;
	let version = org.version;
	for (let round = 1; round <= 20; round++) {
		const names = [`Race ${round} left`, `Race ${round} right`];
		const rs = await Promise.all(names.map((name) => patch(B, url, { name }, version)));
		const statuses = rs.map((r) => r.status).sort();
		assert.deepEqual(statuses, [200, 412], `round ${round}: ${rs.map((r) => r.text.slice(0, 200)).join(' | ')}`);
		const winner = rs.find((r) => r.status === 200);
		const loser = rs.find((r) => r.status === 412);
		assert.equal(winner.body.version, version + 1);
		assert.equal(loser.body.error.field, 'version');
		const now = expectStatus(await get(B, url), 200).body;
		assert.equal(now.version, version + 1, `round ${round}: one change only`);
		assert.equal(now.name, winner.body.name, `round ${round}: the row is the winner's`);
		version = now.version;
	}
});

test('concurrent link changes and deletes: one wins, the other gets 412', async () => {
	const a = expectStatus(await post(B, '/api/v1/oaps/1/actions', { number: '77.1', position: 77, title: 'Racing links' }), 201).body;
	let version = a.version;
	for (let round = 0; round < 10; round++) {
		const rs = await Promise.all(
			[10 + 2 * round, 11 + 2 * round].map((org) =>
				api(B, 'POST', `/api/v1/actions/${a.id}/participants`, { body: { org_id: org }, headers: { 'If-Match': `"${version}"` } }),
			),
		);
		assert.deepEqual(rs.map((r) => r.status).sort(), [201, 412], rs.map((r) => r.text.slice(0, 200)).join(' | '));
		const now = expectStatus(await get(B, `/api/v1/actions/${a.id}`), 200).body;
		assert.equal(now.version, version + 1);
		assert.equal(now.participants.length, round + 1);
		version = now.version;
	}
	const g = expectStatus(await post(B, '/api/v1/grants', { scheme: 'isf', reference: 'RACE-DEL', amount_allocated_cents: 1 }), 201).body;
	const rs = await Promise.all([
		api(B, 'DELETE', `/api/v1/grants/${g.id}`, { headers: { 'If-Match': '"1"' } }),
		patch(B, `/api/v1/grants/${g.id}`, { title: 'changed' }, 1),
	]);
	// Either the delete wins (the change then finds no row) or the change does (the delete is stale).
	const st = `${rs[0].status} ${rs[1].status}`;
	assert.ok(st === '204 404' || st === '412 200', `delete vs patch: ${st}`);
	const left = await get(B, `/api/v1/grants/${g.id}`);
	if (st === '204 404') expectStatus(left, 404);
	else assert.equal(expectStatus(left, 200).body.title, 'changed');
});

test('concurrent creates with the same unique key: one 201, the rest 409', async () => {
	for (let round = 0; round < 5; round++) {
		const code = `DUP-${round}`;
		const rs = await Promise.all([0, 1, 2, 3].map((i) => post(B, '/api/v1/organisations', { code, kind: 'ngo', name: `Dup ${i}` })));
		const statuses = rs.map((r) => r.status).sort();
		assert.deepEqual(statuses, [201, 409, 409, 409], rs.map((r) => r.text.slice(0, 150)).join(' | '));
		const found = expectStatus(await get(B, `/api/v1/organisations?code=${code}`), 200).body.items;
		assert.equal(found.length, 1);
	}
});

test('many concurrent requests are all answered', async () => {
	const rs = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? get(B, '/api/v1/goals?limit=20') : get(B, '/healthz'))));
	for (const r of rs) expectStatus(r, 200);
	const m = expectStatus(await get(B, '/metrics'), 200).text;
	assert.doesNotMatch(m, /status="500"/);
	assert.doesNotMatch(m, /status="503"/);
});
