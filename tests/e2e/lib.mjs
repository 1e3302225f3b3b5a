// Helpers of the end-to-end tests: a real empact server on a fresh copy of a demo database,
// listening on 127.0.0.1 on a free port, and small HTTP helpers around fetch and raw sockets.
//
// The binary is process.env.EMPACT_BIN (an absolute path) or build/empact of the repository.
// Each test file gets its own temporary directory with one demo database made by
// `empact init --demo`; every server starts on a fresh copy of it, so tests never see each
// other's changes. stop() sends SIGTERM, waits for the exit, and asserts a clean stop: exit
// code 0, stdout ending with "empact: stopped", and no sanitizer report on stderr.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..', '..');
export const BIN = process.env.EMPACT_BIN || path.join(root, 'build', 'empact');

let workDir = null;
let demoDb = null;
/* API tokens of the demo accounts, made once in the demo database: valid in every copy. */
export const tokens = {};
export const DEMO_USERS = ['admin', 'cosi', 'gsc', 'commission', 'est', 'nec-nl', 'driver', 'co-driver', 'action-leader',
	'co-action-leader', 'participant', 'observer', 'public'];
export const DEMO_PASSWORD = 'demo-empact-2026';
// Accounts are hashed at the smallest Argon2id cost in tests (see src/access/password.h).
process.env.EMPACT_PASSWORD_COST = process.env.EMPACT_PASSWORD_COST || 'test';
let serial = 0;
const running = new Set();

function work() {
	if (!workDir) {
		workDir = mkdtempSync(path.join(process.env.TMPDIR || tmpdir(), 'empact-e2e-'));
		process.on('exit', () => {
			for (const s of running) s.kill('SIGKILL');
			try {
				rmSync(workDir, { recursive: true, force: true });
			} catch {
				/* best effort */
			}
		});
	}
	return workDir;
}

/* The demo database of this test file, created once. */
export function demoDatabase() {
	if (!demoDb) {
		assert.ok(existsSync(BIN), `no empact binary at ${BIN} (run make, or set EMPACT_BIN)`);
		const db = path.join(work(), 'demo.db');
		execFileSync(BIN, ['--db', db, 'init', '--demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
		for (const u of DEMO_USERS)
			tokens[u] = execFileSync(BIN, ['--db', db, 'user', 'token', u, '--expires', '2'], { stdio: ['ignore', 'pipe', 'pipe'] })
				.toString()
				.trim();
		demoDb = db;
	}
	return demoDb;
}

const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer/;

/*
 * Starts a server on a fresh copy of the demo database. Returns {base, port, db, stop(),
 * stderr()}. extraArgs go before "serve" (options such as --threads 4).
 */
export async function startServer(extraArgs = []) {
	const src = demoDatabase();
	const db = path.join(work(), `server-${process.pid}-${++serial}.db`);
	copyFileSync(src, db);
	// The audit trail's anchors go with the database, as a backup would keep them.
	if (existsSync(`${src}.anchor`)) copyFileSync(`${src}.anchor`, `${db}.anchor`);
	const env = { ...process.env };
	// LeakSanitizer reports at exit; make them fail loudly and visibly on stderr.
	env.ASAN_OPTIONS = env.ASAN_OPTIONS || 'detect_leaks=1:abort_on_error=0';
	const child = spawn(BIN, ['--db', db, ...extraArgs, 'serve', '--listen', '127.0.0.1:0'], {
		stdio: ['ignore', 'pipe', 'pipe'],
		env,
	});
	running.add(child);
	let out = '';
	let err = '';
	child.stdout.setEncoding('utf8');
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (d) => {
		err += d;
	});
	const exited = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			running.delete(child);
			resolve({ code, signal });
		});
	});
	const firstLine = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start in 20 s; stderr: ${err}`)), 20000);
		child.stdout.on('data', (d) => {
			out += d;
			const nl = out.indexOf('\n');
			if (nl >= 0) {
				clearTimeout(timer);
				resolve(out.slice(0, nl));
			}
		});
		exited.then(({ code, signal }) => {
			clearTimeout(timer);
			reject(new Error(`server exited (code ${code}, signal ${signal}) before serving; stderr: ${err}`));
		});
	});
	const m = /^empact: serving (.+) on http:\/\/127\.0\.0\.1:(\d+)\/ with (\d+) threads$/.exec(firstLine);
	assert.ok(m, `unexpected first line: ${JSON.stringify(firstLine)}`);
	const port = Number(m[2]);
	let stopped = false;
	return {
		base: `http://127.0.0.1:${port}`,
		port,
		db,
		threads: Number(m[3]),
		stderr: () => err,
		stdout: () => out,
		async stop() {
			if (stopped) return;
			stopped = true;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
			const { code, signal } = await exited;
			clearTimeout(timer);
			assert.equal(signal, null, `server killed by ${signal}; stderr: ${err.slice(-4000)}`);
			assert.doesNotMatch(err, SANITIZER, `sanitizer report on stderr:\n${err.slice(-8000)}`);
			assert.equal(code, 0, `server exit code ${code}; stderr: ${err.slice(-4000)}`);
			assert.ok(out.endsWith('empact: stopped\n'), `stdout does not end with "empact: stopped": ${out.slice(-300)}`);
		},
	};
}

/*
 * A JSON request: returns {status, headers, body (parsed JSON or null), text}. It is made as
 * the demo administrator unless `as` names another demo account, `anon` is true, or the
 * headers carry their own Authorization.
 */
export async function api(base, method, p, { body, headers = {}, raw, as = 'admin', anon = false } = {}) {
	const h = { ...headers };
	if (!anon && !Object.keys(h).some((k) => k.toLowerCase() === 'authorization' || k.toLowerCase() === 'cookie')) {
		demoDatabase();
		h.Authorization = `Bearer ${tokens[as]}`;
	}
	let payload;
	if (raw !== undefined) {
		payload = raw;
	} else if (body !== undefined) {
		payload = JSON.stringify(body);
		if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
	}
	const res = await fetch(base + p, { method, headers: h, body: payload });
	const text = await res.text();
	let json = null;
	if ((res.headers.get('content-type') || '').startsWith('application/json') && text.length) json = JSON.parse(text);
	return { status: res.status, headers: res.headers, body: json, text };
}

export const get = (base, p, opts) => api(base, 'GET', p, opts);
export const post = (base, p, body, opts = {}) => api(base, 'POST', p, { ...opts, body });
export const patch = (base, p, body, version, opts = {}) =>
	api(base, 'PATCH', p, { ...opts, body, headers: { ...(opts.headers || {}), ...(version !== undefined ? { 'If-Match': `"${version}"` } : {}) } });
export const del = (base, p, version, opts = {}) =>
	api(base, 'DELETE', p, { ...opts, headers: { ...(opts.headers || {}), ...(version !== undefined ? { 'If-Match': `"${version}"` } : {}) } });

/* Asserts a status, showing the body when it differs. */
export function expectStatus(res, status, what = '') {
	assert.equal(res.status, status, `${what} expected ${status}, got ${res.status}: ${res.text.slice(0, 600)}`);
	return res;
}

/* Asserts the JSON error shape {"error": {"code", "message", "field"}}. */
export function expectError(res, status, what = '') {
	expectStatus(res, status, what);
	assert.ok(res.body && res.body.error, `${what} no error object: ${res.text.slice(0, 300)}`);
	assert.equal(typeof res.body.error.code, 'string');
	assert.equal(typeof res.body.error.message, 'string');
	assert.ok('field' in res.body.error, `${what} error without field: ${res.text.slice(0, 300)}`);
	return res.body.error;
}

/* Every item of a list, following next_cursor. */
export async function listAll(base, p) {
	const items = [];
	let cursor = null;
	for (let i = 0; i < 1000; i++) {
		const sep = p.includes('?') ? '&' : '?';
		const res = expectStatus(await get(base, p + (cursor ? `${sep}cursor=${cursor}` : '')), 200, p);
		items.push(...res.body.items);
		cursor = res.body.next_cursor;
		if (!cursor) return items;
	}
	throw new Error('too many pages');
}

/*
 * Sends raw bytes on a new connection and collects what comes back until the server closes
 * the connection, a complete response has arrived (when firstOnly), or timeoutMs passes.
 * Returns {data, closed, timedOut, status} where status is the number of the first status
 * line or null.
 */
export function rawRequest(port, bytes, { timeoutMs = 5000, firstOnly = true } = {}) {
	return new Promise((resolve) => {
		const sock = net.connect({ host: '127.0.0.1', port });
		let data = Buffer.alloc(0);
		let done = false;
		const finish = (closed, timedOut) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			sock.destroy();
			const text = data.toString('latin1');
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
			resolve({ data: text, closed, timedOut, status: m ? Number(m[1]) : null });
		};
		const timer = setTimeout(() => finish(false, true), timeoutMs);
		sock.on('connect', () => {
			sock.write(bytes);
		});
		sock.on('data', (d) => {
			data = Buffer.concat([data, d]);
			if (firstOnly && responseComplete(data.toString('latin1'))) finish(false, false);
		});
		sock.on('error', () => finish(true, false));
		sock.on('close', () => finish(true, false));
	});
}

/* Whether text holds a whole response (headers and a Content-Length body). */
function responseComplete(text) {
	const end = text.indexOf('\r\n\r\n');
	if (end < 0) return false;
	const m = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end));
	if (!m) return false;
	return Buffer.byteLength(text.slice(end + 4), 'latin1') >= Number(m[1]);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* ---- TOTP (RFC 4648 base32, RFC 4226 HOTP, RFC 6238 TOTP with HMAC-SHA1), for signing in ---- */

export function base32Decode(s) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0;
	let value = 0;
	const out = [];
	for (const ch of s.replace(/=+$/, '').toUpperCase()) {
		const v = alphabet.indexOf(ch);
		if (v < 0) throw new Error(`not base32: ${ch}`);
		value = (value << 5) | v;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

export function hotp(key, counter, digits = 6) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(counter));
	const h = createHmac('sha1', key).update(msg).digest();
	const o = h[h.length - 1] & 0x0f;
	const bin = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
	return String(bin % 10 ** digits).padStart(digits, '0');
}

/* The 30-second step of a time in seconds, and the code of a base32 secret at that time. */
export const totpStep = (t = Date.now() / 1000) => Math.floor(t / 30);
export const totp = (secretB32, t = Date.now() / 1000, digits = 6) => hotp(base32Decode(secretB32), totpStep(t), digits);
