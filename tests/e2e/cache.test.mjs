/*
 * Reads are answered from a per-worker cache while the database is unchanged. These tests
 * make sure it never answers with data that is no longer true: after a change through the
 * API (whichever worker served it) and after another process wrote the database.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { BIN, startServer, get, patch, expectStatus } from './lib.mjs';

let srv;
before(async () => {
	srv = await startServer(['--threads', '2']);
});
after(async () => {
	await srv.stop();
});

/* Many reads, so that each worker thread answers some of them from its cache. */
async function readMany(p, n = 12) {
	const all = [];
	for (let i = 0; i < n; i++) all.push(get(srv.base, p));
	return (await Promise.all(all)).map((r) => expectStatus(r, 200, p).body);
}

test('a change through the API is seen by the next read on every worker', async () => {
	const list = '/api/v1/organisations?code=FR';
	const before1 = await readMany(list);
	const fr = before1[0].items[0];
	for (const b of before1) assert.equal(b.items[0].name, fr.name);
	for (let round = 1; round <= 5; round++) {
		const cur = expectStatus(await get(srv.base, `/api/v1/organisations/${fr.id}`), 200).body;
		const name = `France, round ${round}`;
		expectStatus(await patch(srv.base, `/api/v1/organisations/${fr.id}`, { name }, cur.version), 200);
		for (const b of await readMany(list)) assert.equal(b.items[0].name, name);
		for (const b of await readMany(`/api/v1/organisations/${fr.id}`)) {
			assert.equal(b.name, name);
			assert.equal(b.version, cur.version + 1);
		}
	}
});

test('a write by another process is seen by the next read', async () => {
	const list = '/api/v1/organisations?kind=ngo';
	for (const b of await readMany(list)) assert.equal(b.items.length, 0);
	const file = path.join(os.tmpdir(), `empact-cache-${process.pid}.json`);
	writeFileSync(file, JSON.stringify({
		format: 'empact-dataset/1',
		organisations: [{ code: 'NGO-TEST', kind: 'ngo', name: 'A non-governmental organisation' }],
	}));
	execFileSync(BIN, ['--db', srv.db, 'load', file], { stdio: ['ignore', 'pipe', 'pipe'] });
	for (const b of await readMany(list)) assert.deepEqual(b.items.map((o) => o.code), ['NGO-TEST']);
});
