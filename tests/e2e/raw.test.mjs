// Raw-socket tests: malformed requests that no HTTP client library would send, each of which
// must be refused with a 4xx before it reaches a handler while the server stays up; and
// clients that hold connections open (hundreds of idle sockets, a request trickled byte by
// byte) without keeping anyone else from being served.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, get, expectStatus, rawRequest, listAll, sleep, demoDatabase, tokens } from './lib.mjs';

let srv;
let B;

before(async () => {
	srv = await startServer();
	B = srv.base;
});

after(async () => {
	if (srv) await srv.stop();
});

// A body that would create an organisation if a handler ever saw it.
let smuggled = 0;
function smuggle() {
	return JSON.stringify({ code: `SMUG-${++smuggled}`, kind: 'ngo', name: 'must never be stored' });
}
demoDatabase();
const POST = `POST /api/v1/organisations HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nAuthorization: Bearer ${tokens.admin}\r\n`;
const GET = 'GET /api/v1/organisations/1 HTTP/1.1\r\n';
const chunked = (sizeLine, data = smuggle()) => `${POST}Transfer-Encoding: chunked\r\n\r\n${sizeLine}\r\n${data}\r\n0\r\n\r\n`;

// [class, name, bytes]: every one must get a 4xx status line.
function malformed() {
	const b = smuggle();
	return [
		['request line', 'no HTTP version', 'GET /api/v1/organisations/1\r\nHost: t\r\n\r\n'],
		['request line', 'a fourth word', 'GET /api/v1/organisations/1 HTTP/1.1 extra\r\nHost: t\r\n\r\n'],
		['request line', 'lower-case protocol name', 'GET /api/v1/organisations/1 http/1.1\r\nHost: t\r\n\r\n'],
		['request line', 'an absurdly long method', `${'A'.repeat(10000)} /api/v1/organisations/1 HTTP/1.1\r\nHost: t\r\n\r\n`],
		['request line', 'a method longer than the header limit', `${'A'.repeat(40000)} /api/v1/organisations/1 HTTP/1.1\r\nHost: t\r\n\r\n`],
		['request line', 'a method that is not a token', 'G(T /api/v1/organisations/1 HTTP/1.1\r\nHost: t\r\n\r\n'],
		['request line', 'a target without a leading slash', 'GET api/v1/organisations/1 HTTP/1.1\r\nHost: t\r\n\r\n'],
		['request line', 'a control character in the target', 'GET /api/v1/organ\x01isations/1 HTTP/1.1\r\nHost: t\r\n\r\n'],
		['HTTP version', 'HTTP/1.x', 'GET /api/v1/organisations/1 HTTP/1.x\r\nHost: t\r\n\r\n'],
		['HTTP version', 'HTTP/11', 'GET /api/v1/organisations/1 HTTP/11\r\nHost: t\r\n\r\n'],
		['HTTP version', 'HTTP/1.1.1', 'GET /api/v1/organisations/1 HTTP/1.1.1\r\nHost: t\r\n\r\n'],
		['HTTP version', 'FOO/1.1', 'GET /api/v1/organisations/1 FOO/1.1\r\nHost: t\r\n\r\n'],
		['HTTP version', 'HTTP/ alone', 'GET /api/v1/organisations/1 HTTP/\r\nHost: t\r\n\r\n'],
		['Host', 'missing Host in HTTP/1.1', `${GET}\r\n`],
		['Host', 'two Host headers', `${GET}Host: a\r\nHost: b\r\n\r\n`],
		['Host', 'a Host that is not a host', `${GET}Host: a b/c\r\n\r\n`],
		['Content-Length', 'two different Content-Lengths', `${POST}Content-Length: ${b.length}\r\nContent-Length: 2\r\n\r\n${b}`],
		['Content-Length', 'the same Content-Length twice', `${POST}Content-Length: ${b.length}\r\nContent-Length: ${b.length}\r\n\r\n${b}`],
		['Content-Length', 'a list of Content-Lengths', `${POST}Content-Length: ${b.length}, ${b.length}\r\n\r\n${b}`],
		['Content-Length', 'a non-numeric Content-Length', `${POST}Content-Length: abc\r\n\r\n${b}`],
		['Content-Length', 'a negative Content-Length', `${POST}Content-Length: -1\r\n\r\n${b}`],
		['Content-Length', 'a hexadecimal Content-Length', `${POST}Content-Length: 0x10\r\n\r\n${b}`],
		['Content-Length', 'a Content-Length beyond 64 bits', `${POST}Content-Length: 99999999999999999999999\r\n\r\n${b}`],
		['Content-Length', 'Content-Length with Transfer-Encoding', `${POST}Content-Length: ${b.length}\r\nTransfer-Encoding: chunked\r\n\r\n${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`],
		['Transfer-Encoding', 'an unknown coding (gzip)', `${POST}Transfer-Encoding: gzip\r\n\r\n${b}`],
		['Transfer-Encoding', 'identity', `${POST}Transfer-Encoding: identity\r\n\r\n${b}`],
		['Transfer-Encoding', 'chunked twice in one field', `${POST}Transfer-Encoding: chunked, chunked\r\n\r\n${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`],
		['Transfer-Encoding', 'two Transfer-Encoding fields', `${POST}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`],
		['chunks', 'a chunk size beyond 64 bits', chunked('FFFFFFFFFFFFFFFFFFFFFFFF')],
		['chunks', 'a chunk size of 10^20 (hex)', chunked('100000000000000000000')],
		['chunks', 'a chunk size that is not hexadecimal', chunked('zz')],
		['chunks', 'a negative chunk size', chunked('-5')],
		['chunks', 'an empty chunk-size line', chunked('')],
		['chunks', 'a space inside the chunk size', chunked('1 0')],
		['chunks', 'more data than the chunk size', chunked('2', `${b}`)],
		['header fields', 'a line without a colon', `${GET}Host: t\r\nNoColonHere\r\n\r\n`],
		['header fields', 'whitespace before the colon', `${GET}Host: t\r\nX-Thing : 1\r\n\r\n`],
		['header fields', 'a space inside a field name', `${GET}Host: t\r\nX Thing: 1\r\n\r\n`],
		['header fields', 'a non-ASCII field name', `${GET}Host: t\r\nX-\xe9t\xe9: 1\r\n\r\n`],
		['header fields', 'NUL in a field name', `${GET}Host: t\r\nX-\x00A: 1\r\n\r\n`],
		['header fields', 'a bare CR inside a value', `${GET}Host: t\r\nX-Thing: a\rb\r\n\r\n`],
		['header fields', 'DEL inside a value', `${GET}Host: t\r\nX-Thing: a\x7fb\r\n\r\n`],
		['header fields', 'a control character inside a value', `${GET}Host: t\r\nX-Thing: a\x01b\r\n\r\n`],
		['header fields', 'a bare CR in Content-Length', `${POST}Content-Length: 2\r3\r\n\r\n${b}`],
	];
}

/* The request counters of /metrics, by their labels. */
async function counters() {
	const text = expectStatus(await get(B, '/metrics'), 200).text;
	const out = new Map();
	for (const m of text.matchAll(/^empact_http_requests_total\{route="([^"]*)",method="([^"]*)",status="([^"]*)"\} (\d+)$/gm))
		out.set(`${m[1]} ${m[2]} ${m[3]}`, Number(m[4]));
	return out;
}

function delta(before, after) {
	const d = new Map();
	for (const [k, v] of after) if (v !== (before.get(k) || 0)) d.set(k, v - (before.get(k) || 0));
	return d;
}

test('at least 25 malformed requests: each a 4xx, none reaches a handler, the server stays up', async () => {
	const cases = malformed();
	assert.ok(cases.length >= 25);
	const before = await counters();
	const answers = [];
	for (const [cls, name, bytes] of cases) {
		const r = await rawRequest(srv.port, Buffer.from(bytes, 'latin1'), { timeoutMs: 5000 });
		assert.ok(!r.timedOut, `${cls}: ${name}: no answer within 5 s`);
		assert.ok(r.status !== null && r.status >= 400 && r.status < 500, `${cls}: ${name}: got ${r.status === null ? 'no status line' : r.status}: ${JSON.stringify(r.data.slice(0, 200))}`);
		answers.push(`${cls}: ${name} -> ${r.status}`);
		// still up, and still serving after each one
		expectStatus(await get(B, '/healthz'), 200, `after ${name}`);
	}
	const after = await counters();
	const d = delta(before, after);
	for (const [k, v] of d) {
		const [route, , status] = k.split(' ');
		if (route === '/healthz' || route === '/metrics') {
			assert.equal(status, '200', `${k} +${v}`);
			continue;
		}
		assert.equal(route, 'unmatched', `a malformed request was counted at a route: ${k} +${v}`);
		assert.match(status, /^4\d\d$/, `${k} +${v}`);
	}
	// and none of the bodies was ever stored
	const orgs = await listAll(B, '/api/v1/organisations?limit=500&archived=true');
	assert.deepEqual(orgs.filter((o) => o.code.startsWith('SMUG-')), []);
	console.log(answers.join('\n'));
});

test('versions the server does not implement: 505 from libmicrohttpd, no handler, still up', async () => {
	const before = await counters();
	for (const v of ['HTTP/2.0', 'HTTP/3.0', 'HTTP/0.9']) {
		const r = await rawRequest(srv.port, `GET /api/v1/organisations/1 ${v}\r\nHost: t\r\n\r\n`);
		assert.equal(r.status, 505, `${v}: ${r.data.slice(0, 200)}`);
	}
	const r = await rawRequest(srv.port, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
	assert.equal(r.status, 505);
	assert.deepEqual([...delta(before, await counters()).keys()].filter((k) => !k.startsWith('/healthz') && !k.startsWith('/metrics')), []);
	expectStatus(await get(B, '/healthz'), 200);
});

test('lenient requests that are still well-formed are served', async () => {
	// HTTP/1.0 needs no Host; HTTP/1.2 is read as 1.1; Transfer-Encoding is case-insensitive.
	let r = await rawRequest(srv.port, 'GET /healthz HTTP/1.0\r\n\r\n');
	assert.equal(r.status, 200);
	r = await rawRequest(srv.port, 'GET /healthz HTTP/1.2\r\nHost: t\r\n\r\n');
	assert.equal(r.status, 200);
	r = await rawRequest(srv.port, 'GET /healthz HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n');
	assert.equal(r.status, 200);
	r = await rawRequest(srv.port, 'GET /healthz HTTP/1.1\r\nHost:\r\n\r\n');
	assert.equal(r.status, 200, 'an empty Host is allowed (RFC 9112 3.2)');
	const body = JSON.stringify({ code: 'CHUNKED-OK', kind: 'ngo', name: 'chunked' });
	r = await rawRequest(srv.port, `${POST}Transfer-Encoding: Chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
	assert.equal(r.status, 201, r.data.slice(0, 300));
	// Two requests on one connection (pipelined) are both answered.
	r = await rawRequest(srv.port, 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n', { firstOnly: false });
	assert.equal((r.data.match(/HTTP\/1\.1 200/g) || []).length, 2);
});

// What libmicrohttpd 0.9.75 does below empact, where empact cannot see the bytes: these stay
// marked until the HTTP layer can refuse them.
test('NUL inside a header value is refused', { todo: 'libmicrohttpd 0.9.75 cuts the value at the NUL and passes the rest on; empact never sees it' }, async () => {
	const r = await rawRequest(srv.port, `${GET}Host: t\r\nX-Thing: a\x00b\r\n\r\n`);
	assert.ok(r.status >= 400 && r.status < 500, `got ${r.status}`);
});

test('NUL inside the request target is refused', { todo: 'libmicrohttpd 0.9.75 cuts the target at the NUL: /api/v1/organisations/1<NUL> is served as /api/v1/organisations/1' }, async () => {
	const r = await rawRequest(srv.port, 'GET /api/v1/organisations/1\x00 HTTP/1.1\r\nHost: t\r\n\r\n');
	assert.ok(r.status >= 400 && r.status < 500, `got ${r.status}`);
});

test('bare LF line endings in the header block are refused', { todo: 'libmicrohttpd 0.9.75 accepts a bare LF as a line end (RFC 9112 2.2 allows it); empact cannot tell' }, async () => {
	const r = await rawRequest(srv.port, 'GET /api/v1/organisations/1 HTTP/1.1\nHost: t\nX-Thing: 1\n\n');
	assert.ok(r.status >= 400 && r.status < 500, `got ${r.status}`);
});

test('a header field with an empty name is refused', { todo: 'libmicrohttpd 0.9.75 drops a ": value" line silently' }, async () => {
	const r = await rawRequest(srv.port, `${GET}Host: t\r\n: value\r\n\r\n`);
	assert.ok(r.status >= 400 && r.status < 500, `got ${r.status}`);
});

test('an obsolete line folding is refused', { todo: 'libmicrohttpd 0.9.75 accepts obs-fold and joins the folded line into the field name' }, async () => {
	const r = await rawRequest(srv.port, `${GET}Host: t\r\nX-Thing: 1\r\n  folded\r\n\r\n`);
	assert.ok(r.status >= 400 && r.status < 500, `got ${r.status}`);
});

test('a request line that cannot be split is answered 400', { todo: 'libmicrohttpd 0.9.75 closes the connection without a status line' }, async () => {
	for (const bytes of ['GARBAGE\r\n\r\n', ' GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n', 'GET\t/healthz\tHTTP/1.1\r\nHost: t\r\n\r\n']) {
		const r = await rawRequest(srv.port, bytes);
		assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(bytes)}: got ${r.status}, closed ${r.closed}`);
	}
});

test('requests libmicrohttpd closes without a status line leave the server up', async () => {
	// Recorded, not endorsed: see the todo above. A TLS ClientHello on the plain port too.
	for (const bytes of ['GARBAGE\r\n\r\n', ' GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n', 'GET\t/healthz\tHTTP/1.1\r\nHost: t\r\n\r\n', Buffer.from([0x16, 3, 1, 0, 0xa5, 1, 0, 0, 0xa1, 3, 3, 13, 10, 13, 10])]) {
		const r = await rawRequest(srv.port, bytes);
		assert.ok(r.closed && !r.timedOut, 'closed');
		expectStatus(await get(B, '/healthz'), 200);
	}
});

/* ---- connections held open ---- */

function openSocket(port) {
	return new Promise((resolve, reject) => {
		const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
		s.on('error', reject);
	});
}

test('300 idle connections do not stop a normal GET', async () => {
	const socks = [];
	try {
		for (let i = 0; i < 300; i++) {
			const s = await openSocket(srv.port);
			s.on('error', () => {});
			// a third say nothing, a third send half a request line, a third half a header block
			if (i % 3 === 1) s.write('GET /api/v1/organ');
			if (i % 3 === 2) s.write('GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ');
			socks.push(s);
		}
		const t0 = Date.now();
		const rs = await Promise.all([get(B, '/healthz'), get(B, '/api/v1/cycles'), get(B, '/api/v1/organisations?limit=5')]);
		for (const r of rs) expectStatus(r, 200);
		assert.ok(Date.now() - t0 < 10000, 'answered while 300 connections sit idle');
		// the idle ones are still open (none was needed to be closed for the others)
		assert.ok(socks.filter((s) => !s.destroyed).length >= 290);
	} finally {
		for (const s of socks) s.destroy();
	}
	expectStatus(await get(B, '/healthz'), 200);
});

test('a request trickled byte by byte does not stop others being served', async () => {
	const req = Buffer.from('GET /api/v1/cycles?limit=1 HTTP/1.1\r\nHost: t\r\nX-Slowloris: yes\r\nConnection: close\r\n\r\n');
	const slow = await openSocket(srv.port);
	let answer = '';
	slow.on('data', (d) => {
		answer += d.toString('latin1');
	});
	const closed = new Promise((r) => slow.on('close', r));
	let served = 0;
	// while the trickle goes on, other requests keep succeeding
	const others = (async () => {
		for (let i = 0; i < 30; i++) {
			expectStatus(await get(B, i % 2 ? '/healthz' : '/api/v1/priorities?limit=3'), 200);
			served++;
			await sleep(40);
		}
	})();
	for (const byte of req) {
		slow.write(Buffer.from([byte]));
		await sleep(25);
	}
	await others;
	assert.equal(served, 30);
	await Promise.race([closed, sleep(5000)]);
	assert.match(answer, /^HTTP\/1\.1 200 /, 'the trickled request is answered in the end');
	slow.destroy();
	// Several trickling clients at once, and a normal GET at the same time.
	const many = await Promise.all(Array.from({ length: 20 }, () => openSocket(srv.port)));
	try {
		for (let i = 0; i < 10; i++) {
			for (const s of many) s.write(req.subarray(i, i + 1));
			expectStatus(await get(B, '/healthz'), 200);
		}
	} finally {
		for (const s of many) s.destroy();
	}
});

test('an idle connection is closed after the connection timeout', async () => {
	const short = await startServer(['--conn-timeout-s', '1']);
	try {
		const s = await openSocket(short.port);
		s.write('GET /healthz HTTP/1.1\r\n');
		const t0 = Date.now();
		await Promise.race([new Promise((r) => s.on('close', r)), sleep(8000)]);
		assert.ok(s.destroyed || s.readableEnded, 'the server closed the stalled connection');
		assert.ok(Date.now() - t0 < 8000);
		s.destroy();
		expectStatus(await get(short.base, '/healthz'), 200);
	} finally {
		await short.stop();
	}
});
