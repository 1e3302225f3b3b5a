// End-to-end tests of Council documents rendered from the data, and of partial declassification
// (issue 6): fidelity of the renderings to the two seed documents, leak-proofing with canaries
// at every release level and in every format, validity of the files (qpdf, LibreOffice), the
// render routes of the API with their refusals, the declassification workflow over the API and
// the command line, and that a failed render never leaves a half-written file.
//
// The seed texts are copied into tests/data/doc-seed-000.txt (13874/17 EXT 1) and
// tests/data/doc-seed-004.txt (15850/11), so that the test depends on nothing outside the
// repository. tests/data/doc-canary.json is a dataset of its own (cycle 2030-2033) whose every
// withholdable text carries a unique canary; it goes up to CONFIDENTIEL UE, so it is loaded with
// --max-classification confidentiel_ue.
//
// Rendered files are kept in build/test-artefacts/documents/ for a human to look at.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, root, demoDatabase, startServer, api, get, tokens, expectStatus, expectError, DEMO_USERS } from './lib.mjs';

const V = '/api/v1';
const DATA = path.join(root, 'tests', 'data');
const ARTEFACTS = path.join(root, 'build', 'test-artefacts', 'documents');
const FORMATS = ['txt', 'html', 'pdf', 'docx', 'xlsx'];
const MIME = {
	txt: 'text/plain',
	html: 'text/html',
	pdf: 'application/pdf',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
const REASON = 'Public access would undermine the protection of the public interest as regards public security (Regulation (EC) No 1049/2001, Article 4(1)(a))';

const WORK = mkdtempSync(path.join(process.env.TMPDIR || tmpdir(), 'empact-docs-'));
after(() => rmSync(WORK, { recursive: true, force: true }));
let serial = 0;
const scratch = (name) => {
	const d = path.join(WORK, `${++serial}-${name}`);
	mkdirSync(d, { recursive: true });
	return d;
};

/* ---- helpers ---- */

/* Runs the empact binary; returns {code, stdout, stderr}. */
function empact(args, { input } = {}) {
	const r = spawnSync(BIN, args, { encoding: 'utf8', input, maxBuffer: 64 << 20, timeout: 120000 });
	if (r.error) throw r.error;
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const show = (r) => `exit ${r.code}; stderr: ${r.stderr.slice(0, 1500)}; stdout: ${r.stdout.slice(0, 500)}`;

/* A fresh copy of the demo database (and its audit anchors) in a directory of its own. */
function freshDemo(name) {
	const src = demoDatabase();
	const db = path.join(scratch(name), 'empact.db');
	copyFileSync(src, db);
	if (existsSync(`${src}.anchor`)) copyFileSync(`${src}.anchor`, `${db}.anchor`);
	return db;
}

/* Renders DOC with the command line (no clearance limit) into file out; asserts exit 0. */
function render(db, doc, format, release, out, globals = []) {
	const r = empact(['--db', db, ...globals, 'doc', 'render', doc, '--format', format, '--release', release, '-o', out]);
	assert.equal(r.code, 0, `empact doc render "${doc}" --format ${format} --release ${release}: ${show(r)}`);
	assert.ok(existsSync(out), `render of "${doc}" as ${format} left no file at ${out}`);
	return out;
}

/* A tool of the machine; returns {code, stdout (utf8), stderr}. */
function tool(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 180000, ...opts });
	return { code: r.error ? -1 : r.status, stdout: r.stdout || '', stderr: (r.stderr || '') + (r.error ? String(r.error) : ''), error: r.error };
}
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;

/* The entries of a zip file (OOXML) as a Map of name -> Buffer (python3's zipfile: unzip reads
 * "[Content_Types].xml" as a pattern). */
function zipRead(file) {
	const r = tool('python3', ['-c', 'import sys,zipfile,json,base64\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({n: base64.b64encode(z.read(n)).decode() for n in z.namelist()}))', file]);
	assert.equal(r.code, 0, `${file} is not a zip archive: ${r.stderr}`);
	return new Map(Object.entries(JSON.parse(r.stdout)).map(([n, b]) => [n, Buffer.from(b, 'base64')]));
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
function decodeEntities(s) {
	return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, e) => {
		if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
		return ENTITIES[e] ?? m;
	});
}
const stripTags = (s) => decodeEntities(s.replace(/<[^>]*>/g, ''));

/*
 * The text of a rendered file, as {raw, text}: raw is what is searched as it is (txt, html,
 * pdftotext -layout, the XML of every entry of an OOXML package); text is the readable text
 * (tags stripped and entities decoded; for PDF, pdftotext in reading order, which keeps a table
 * cell's words together).
 */
function extract(file, format) {
	if (format === 'txt') {
		const t = readFileSync(file, 'utf8');
		return { raw: t, text: t };
	}
	if (format === 'html') {
		const t = readFileSync(file, 'utf8');
		return { raw: `${t}\n${decodeEntities(t)}`, text: stripTags(t) };
	}
	if (format === 'pdf') {
		const layout = tool('pdftotext', ['-layout', file, '-']);
		assert.equal(layout.code, 0, `pdftotext -layout ${file}: ${layout.stderr}`);
		const flow = tool('pdftotext', [file, '-']);
		assert.equal(flow.code, 0, `pdftotext ${file}: ${flow.stderr}`);
		return { raw: layout.stdout, text: flow.stdout };
	}
	const xml = [...zipRead(file)].filter(([n]) => n.endsWith('.xml') || n.endsWith('.rels')).map(([, b]) => b.toString('utf8'));
	return { raw: xml.join('\n'), text: xml.map(stripTags).join('\n') };
}

/* Text without white space or hyphens: a canary as a file may break it (a line wrapped at a hyphen, a table cell). */
const squash = (s) => s.replace(/[\s\u00ad\-\u2010\u2011]+/g, '');
/* Its last part ("8f2a"), which no wrapping breaks, as a word of its own. */
const tailOf = (c) => c.slice(c.lastIndexOf('-') + 1);
const hasTail = (s, tail) => new RegExp(`(?<![0-9a-z])${tail}(?![0-9a-z])`).test(s);

/* A binary response (lib's api() decodes bodies as text): {status, headers, buf, text}. */
async function fetchRaw(base, p, { as = 'admin', anon = false } = {}) {
	demoDatabase();
	const headers = anon ? {} : { Authorization: `Bearer ${tokens[as]}` };
	const res = await fetch(base + p, { headers });
	const buf = Buffer.from(await res.arrayBuffer());
	return { status: res.status, headers: res.headers, buf, text: buf.toString('utf8') };
}

/* ---- 1. fidelity to the seeds ---- */

const BANNERS = new Set(['LIMITE', 'RESTREINT UE/EU RESTRICTED', 'CONFIDENTIEL UE/EU CONFIDENTIAL', 'SECRET UE/EU SECRET']);

/* The lines of a text, normalised for comparison with a seed (a port of the reference normaliser). */
function normalise(text) {
	// A sentence wrapped with a Markdown line break continues in lower case.
	const joined = text.replace(/ {2}\n(?=[a-z])/g, ' ');
	const out = [];
	for (let l of joined.split('\n')) {
		l = l.replace(/<sup>.*?<\/sup>/g, '');
		l = l.replace(/\^\{([^}]*)\}/g, '$1');
		l = l.replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹]/g, '');
		l = l.replace(/\*\*/g, '').replace(/\*/g, '');
		l = l.replace(/^\s*#+/, '');
		l = l.replace(/^\s*- /, '');
		l = l.replace(/\s+/g, ' ').trim();
		l = l.replace(/ :/g, ':');
		l = l.replace(/^(\d+(?:\.\d+)*)\.? +/, '$1 ');
		if (!l) continue;
		if (/^-+$/.test(l)) continue;
		if (/^\d{1,3}$/.test(l)) continue;
		if (/^\d+\/\d+( EXT \d+)? [A-Z]+\/[a-z]+$/.test(l)) continue;
		if (/^DGD \d+[A-Z]? [A-Z]{2}$/.test(l)) continue;
		out.push(l);
	}
	while (out.length && BANNERS.has(out[0])) out.shift();
	while (out.length && BANNERS.has(out[out.length - 1])) out.pop();
	return out;
}

function lcs(a, b) {
	let prev = new Array(b.length + 1).fill(0);
	for (let i = 0; i < a.length; i++) {
		const cur = new Array(b.length + 1).fill(0);
		for (let j = 0; j < b.length; j++) cur[j + 1] = a[i] === b[j] ? prev[j] + 1 : Math.max(prev[j + 1], cur[j]);
		prev = cur;
	}
	return prev[b.length];
}
const similarity = (a, b) => (a.length + b.length === 0 ? 1 : (2 * lcs(a, b)) / (a.length + b.length));
/* The numbers of the section headings among normalised lines ("4.1 Management" -> "4.1"). */
const headings = (lines) => lines.map((l) => /^(\d+(?:\.\d+)*) [A-Z][a-z&]/.exec(l)).filter(Boolean).map((m) => m[1]);

test('1. fidelity: 13874/17 EXT 1 (public) and 15850/11 (limite) rendered as text match the seed documents', () => {
	const dir = scratch('fidelity');
	const db = demoDatabase();
	const cases = [
		{ doc: '13874/17 EXT 1', release: 'public', seed: 'doc-seed-000.txt' },
		{ doc: '15850/11', release: 'limite', seed: 'doc-seed-004.txt' },
	];
	const figures = {};
	for (const c of cases) {
		const out = render(db, c.doc, 'txt', c.release, path.join(dir, `${c.doc.replace(/[/ ]/g, '-')}.txt`));
		const mine = normalise(readFileSync(out, 'utf8'));
		const seed = normalise(readFileSync(path.join(DATA, c.seed), 'utf8'));
		const sim = similarity(mine, seed);
		figures[c.doc] = sim;
		console.log(`fidelity of "${c.doc}" at ${c.release} to ${c.seed}: ${sim.toFixed(4)} (${mine.length} lines against ${seed.length})`);
		assert.ok(sim >= 0.95, `"${c.doc}" at ${c.release} is only ${sim.toFixed(4)} similar to ${c.seed} (at least 0.95 expected)`);
	}

	// The markers of the partial declassification.
	const ext1 = readFileSync(path.join(dir, '13874-17-EXT-1.txt'), 'utf8');
	const lines = ext1.split('\n').map((l) => l.trim());
	assert.equal((ext1.match(/DELETED/g) || []).length, 2, `"DELETED" should appear exactly twice in 13874/17 EXT 1:\n${ext1}`);
	assert.equal(lines.filter((l) => l === 'NOT DECLASSIFIED').length, 1, 'one "NOT DECLASSIFIED" section marker in 13874/17 EXT 1');
	const tail = 'NOT DECLASSIFIED FROM THIS POINT UNTIL THE END OF THE DOCUMENT (page 56)';
	assert.equal(lines.filter((l) => l === tail).length, 1, `the tail line "${tail}" once in 13874/17 EXT 1`);
	assert.equal((ext1.match(/NOT DECLASSIFIED/g) || []).length, 2, 'no other "NOT DECLASSIFIED" than the section marker and the tail');
	const nonEmpty = lines.filter(Boolean);
	const planning = nonEmpty.findIndex((l) => /^5\.1\.? Planning$/.test(l));
	assert.ok(planning >= 0, 'the heading "5.1. Planning" is kept');
	assert.equal(nonEmpty[planning + 1], 'NOT DECLASSIFIED', 'the section marker stands under 5.1 Planning');
	assert.equal(nonEmpty[nonEmpty.length - 1], tail, 'the tail marker ends the document');

	// The section headings, in order, as in the seed.
	const expected = ['1', '2', '3', '4', '4.1', '4.2', '4.3', '5', '5.1', '5.2', '5.3', '5.4'];
	assert.deepEqual(headings(normalise(ext1)), expected, 'section headings of the rendered EXT 1');
	assert.deepEqual(headings(normalise(readFileSync(path.join(DATA, 'doc-seed-000.txt'), 'utf8'))), expected, 'section headings of the seed');
	assert.ok(figures['13874/17 EXT 1'] && figures['15850/11']);
});

/* ---- 2. leak-proofing with canaries ---- */

const LEVELS = { public: [0, 0], limite: [0, 1], restreint_ue: [1, 1], confidentiel_ue: [2, 1] };
const CLASS = { unclassified: 0, restreint_ue: 1, confidentiel_ue: 2, secret_ue: 3, tres_secret_ue: 4 };
const showsAt = (release, cls, lim) => cls <= LEVELS[release][0] && (!lim || LEVELS[release][1] === 1);
const levelOf = (o) => ({ cls: CLASS[o.classification], lim: o.marking === 'limite' ? 1 : 0 });
const canariesIn = (s) => (typeof s === 'string' ? s.match(/CANARY-[A-Z0-9-]+-[0-9a-f]{4}/g) || [] : []);

/*
 * Everything the canary dataset says about what each release level shows, computed from the
 * dataset itself: each canary with the levels of what holds it (a section and the sections
 * above it, a passage, an action) and whether a renderer prints that field at all (an action's
 * description is not a column of the annex, so it must never leak but is not expected either);
 * the passages and action rows that become "DELETED"; the sections that become "NOT
 * DECLASSIFIED".
 */
function canaryModel(ds) {
	const canaries = [];
	const oap = ds.oaps[0];
	const doc = ds.documents[0];
	const add = (text, levels, printed, where) => {
		for (const c of canariesIn(text)) canaries.push({ c, levels, printed, where });
	};
	const secLevels = {};
	for (const s of oap.sections) {
		const parent = s.number.includes('.') ? s.number.slice(0, s.number.lastIndexOf('.')) : null;
		secLevels[s.number] = [...(parent ? secLevels[parent] : []), levelOf(s)];
		add(s.text, secLevels[s.number], true, `section ${s.number}`);
		for (const f of s.footnotes || []) add(f.text, secLevels[s.number], true, `footnote of section ${s.number}`);
	}
	// The annex section's own level applies to every row.
	const annex = oap.sections.find((s) => s.heading.startsWith('Annex'));
	for (const a of oap.actions) {
		const lv = [...secLevels[annex.number], levelOf(a)];
		add(a.title, lv, true, `title of action ${a.number}`);
		add(a.documentation_ref, lv, true, `documentation of action ${a.number}`);
		add(a.description, lv, false, `description of action ${a.number}`);
	}
	for (const p of doc.passages) {
		add(p.text, [levelOf(p)], true, `passage ${p.key}`);
		for (const f of p.footnotes || []) add(f.text, [levelOf(p)], true, `footnote of passage ${p.key}`);
	}
	const shown = (levels, release) => levels.every((l) => showsAt(release, l.cls, l.lim));
	const deleted = (release) =>
		doc.passages.filter((p) => p.text === null || !showsAt(release, levelOf(p).cls, levelOf(p).lim)).length +
		(shown(secLevels[annex.number], release) ? oap.actions.filter((a) => !showsAt(release, levelOf(a).cls, levelOf(a).lim)).length : 0);
	const notDeclassified = (release) =>
		oap.sections.filter((s) => {
			const lv = secLevels[s.number];
			return !shown(lv, release) && shown(lv.slice(0, -1), release);
		}).length;
	return { canaries, shown, deleted, notDeclassified };
}

// The expected counts, worked out by hand from tests/data/doc-canary.json (the model must agree):
//                   withheld passages (inline + not)   withheld action rows   DELETED   NOT DECLASSIFIED sections
// public            q2 q4 q5 q6 q8 q9 q10 q11 = 8        1.2-1.5 = 4            12        2 3 4 5.1 5.2 = 5
// limite            q2 q4 q6 q8 q10 q11 = 6              1.3 1.4 1.5 = 3         9        3 4 5.1 5.2 = 4
// restreint_ue      q6 q8 q11 = 3                        1.4 1.5 = 2             5        4 5.2 = 2
// confidentiel_ue   q11 (no text held) = 1               none                    1        none
const EXPECTED = {
	public: { deleted: 12, notDeclassified: 5, banner: null },
	limite: { deleted: 9, notDeclassified: 4, banner: 'LIMITE' },
	restreint_ue: { deleted: 5, notDeclassified: 2, banner: 'RESTREINT UE/EU RESTRICTED' },
	confidentiel_ue: { deleted: 1, notDeclassified: 0, banner: 'CONFIDENTIEL UE/EU CONFIDENTIAL' },
};
const CANARY_GLOBALS = ['--max-classification', 'confidentiel_ue'];

/* A demo database with the canary dataset loaded. */
function canaryDb() {
	const db = freshDemo('canary');
	const r = empact(['--db', db, ...CANARY_GLOBALS, 'load', path.join(DATA, 'doc-canary.json')]);
	assert.equal(r.code, 0, `empact load tests/data/doc-canary.json: ${show(r)}`);
	return db;
}

test('2. leak-proofing: no canary of withheld content in any format at any release level, every shown one present', { timeout: 120000 }, async (t) => {
	const ds = JSON.parse(readFileSync(path.join(DATA, 'doc-canary.json'), 'utf8'));
	const model = canaryModel(ds);
	assert.ok(model.canaries.length >= 30, `the dataset carries ${model.canaries.length} canaries`);
	assert.equal(new Set(model.canaries.map((x) => x.c)).size, model.canaries.length, 'every canary is unique');
	assert.equal(new Set(model.canaries.map((x) => tailOf(x.c))).size, model.canaries.length, 'every canary tail is unique');
	for (const [release, e] of Object.entries(EXPECTED)) {
		assert.equal(model.deleted(release), e.deleted, `the model's DELETED count at ${release} disagrees with the table`);
		assert.equal(model.notDeclassified(release), e.notDeclassified, `the model's NOT DECLASSIFIED count at ${release} disagrees with the table`);
	}
	const db = canaryDb();
	const dir = scratch('canary-out');
	for (const release of Object.keys(LEVELS)) {
		for (const format of FORMATS) {
			await t.test(`${release} ${format}`, () => {
				const out = render(db, '9999/30', format, release, path.join(dir, `canary-${release}.${format}`), CANARY_GLOBALS);
				const { raw, text } = extract(out, format);
				const haystacks = [raw, text, squash(raw), squash(text)];
				const leaks = [];
				const missing = [];
				for (const x of model.canaries) {
					const isShown = model.shown(x.levels, release);
					const found = haystacks.some((h) => h.includes(h === raw || h === text ? x.c : squash(x.c)));
					const tailFound = hasTail(text, tailOf(x.c)) || (format !== 'docx' && format !== 'xlsx' && hasTail(raw, tailOf(x.c)));
					if (!isShown && (found || tailFound)) leaks.push(`${x.c} (${x.where})${found ? '' : ' [its tail]'}`);
					// Presence: every format prints the document's text but the spreadsheet, which holds its tables.
					const expectedHere = isShown && x.printed && (format !== 'xlsx' || x.where.includes('action'));
					if (expectedHere && !found) missing.push(`${x.c} (${x.where})`);
				}
				assert.deepEqual(leaks, [], `withheld content leaks into the ${format} at release ${release}`);
				assert.deepEqual(missing, [], `content shown at ${release} is missing from the ${format}`);
				if (format === 'txt') {
					const deleted = (raw.match(/\bDELETED\b/g) || []).length;
					assert.equal(deleted, EXPECTED[release].deleted, `DELETED markers in the text at ${release}:\n${raw}`);
					const nd = raw.split('\n').filter((l) => l.trim() === 'NOT DECLASSIFIED').length;
					assert.equal(nd, EXPECTED[release].notDeclassified, `NOT DECLASSIFIED sections in the text at ${release}:\n${raw}`);
					const first = raw.split('\n')[0].trim();
					if (EXPECTED[release].banner) assert.equal(first, EXPECTED[release].banner, `the banner of the text at ${release}`);
					else assert.ok(!BANNERS.has(first), `a public rendering carries no banner, got "${first}"`);
				}
			});
		}
	}
});

/* ---- 3. validity ---- */

const VALIDITY = [
	{ doc: '13874/17', release: 'restreint_ue', number: '13874/17', sentence: 'Europol shall provide the project support for this OAP', table: 'Demo action' },
	{ doc: '13874/17 EXT 1', release: 'public', number: '13874/17 EXT 1', sentence: 'Delegations will find attached the partially declassified version' },
	{ doc: '15850/11', release: 'limite', number: '15850/11', sentence: 'strategic goals have to be defined for each of the priorities' },
];
const fileStem = (doc, release) => `${doc.replace(/[/ ]/g, '-')}-${release}`;
const flat = (s) => s.replace(/\s+/g, ' ');

test('3. validity: PDFs pass qpdf --check, DOCX and XLSX convert with LibreOffice, page images', { timeout: 900000 }, async (t) => {
	const missingTools = ['qpdf', 'libreoffice', 'pdftoppm', 'pdftotext', 'unzip', 'python3'].filter((c) => !have(c));
	if (missingTools.length) {
		t.skip(`not installed: ${missingTools.join(', ')}`);
		return;
	}
	mkdirSync(ARTEFACTS, { recursive: true });
	const db = demoDatabase();
	const profile = scratch('lo-profile');
	const home = scratch('lo-home');
	for (const v of VALIDITY) {
		const stem = fileStem(v.doc, v.release);
		const files = {};
		for (const f of ['pdf', 'docx', 'xlsx']) files[f] = render(db, v.doc, f, v.release, path.join(ARTEFACTS, `${stem}.${f}`));

		await t.test(`${v.doc} at ${v.release}: the PDF passes qpdf --check`, () => {
			const r = tool('qpdf', ['--check', files.pdf]);
			assert.equal(r.code, 0, `qpdf --check ${files.pdf}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
			assert.ok(readFileSync(files.pdf).subarray(0, 5).toString('latin1') === '%PDF-', 'starts with %PDF-');
		});

		await t.test(`${v.doc} at ${v.release}: every XML part of the DOCX and the XLSX is well-formed UTF-8`, () => {
			const bad = [];
			for (const f of ['docx', 'xlsx']) {
				const r = tool('python3', [
					'-c',
					'import sys,zipfile,xml.dom.minidom as m\nz=zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist():\n  if n.endswith(".xml") or n.endswith(".rels"):\n    try: m.parseString(z.read(n))\n    except Exception as e: print(n+": "+str(e))',
					files[f],
				]);
				assert.equal(r.code, 0, `python3 zipfile on ${files[f]}: ${r.stderr}`);
				for (const l of r.stdout.split('\n').filter(Boolean)) bad.push(`${path.basename(files[f])} ${l}`);
			}
			assert.deepEqual(bad, [], 'XML parts that are not well-formed');
		});

		await t.test(`${v.doc} at ${v.release}: the page footers and file headers name the document number`, () => {
			// The PDF: no replacement characters, and the number in the footer of every page.
			const pdfText = tool('pdftotext', ['-layout', files.pdf, '-']).stdout;
			const pages = pdfText.split('\f').filter((p) => p.trim());
			assert.ok(!pdfText.includes('\ufffd'), `the PDF text holds U+FFFD (garbage bytes), e.g. ${JSON.stringify(pdfText.slice(Math.max(0, pdfText.indexOf('\ufffd') - 40), pdfText.indexOf('\ufffd') + 40))}`);
			const withNumber = pages.filter((p) => p.split('\n').slice(-8).some((l) => l.trim().startsWith(v.number))).length;
			assert.equal(withNumber, pages.length, `the footer of each of the ${pages.length} PDF pages starts with "${v.number}"; ${withNumber} do`);
			const footers = [...zipRead(files.docx)].filter(([n]) => /^word\/footer\d*\.xml$/.test(n));
			assert.ok(footers.length > 0, 'the DOCX has a footer');
			for (const [n, b] of footers) {
				const x = b.toString('utf8');
				assert.ok(stripTags(x).includes(v.number), `DOCX ${n} names "${v.number}": ${JSON.stringify(stripTags(x))}`);
			}
		});

		for (const f of ['docx', 'xlsx']) {
			await t.test(`${v.doc} at ${v.release}: the ${f.toUpperCase()} converts to PDF with LibreOffice`, () => {
				const outDir = scratch(`lo-${stem}-${f}`);
				const r = tool(
					'libreoffice',
					[`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', outDir, files[f]],
					{ env: { ...process.env, HOME: home }, timeout: 120000 },
				);
				const pdf = path.join(outDir, `${stem}.pdf`);
				assert.equal(r.code, 0, `libreoffice --convert-to pdf ${files[f]}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
				assert.ok(existsSync(pdf) && statSync(pdf).size > 0, `LibreOffice wrote no PDF for ${files[f]}: ${r.stdout} ${r.stderr}`);
				copyFileSync(pdf, path.join(ARTEFACTS, `${stem}.${f}.pdf`));
				const text = flat(tool('pdftotext', [pdf, '-']).stdout);
				// The spreadsheet of a document with tables holds its tables; otherwise its paragraphs.
				const known = f === 'xlsx' && v.table ? v.table : v.sentence;
				assert.ok(text.includes(known), `the ${f.toUpperCase()} of ${v.doc} converted by LibreOffice does not contain "${known}"; its text: ${text.slice(0, 600)}`);
			});
		}
	}

	await t.test('page images of the OAP (13874/17 at restreint_ue)', () => {
		const pdf = path.join(ARTEFACTS, `${fileStem('13874/17', 'restreint_ue')}.pdf`);
		const prefix = `${fileStem('13874/17', 'restreint_ue')}-page`;
		for (const f of readdirSync(ARTEFACTS)) if (f.startsWith(prefix) && f.endsWith('.png')) rmSync(path.join(ARTEFACTS, f));
		const r = tool('pdftoppm', ['-r', '50', '-png', pdf, path.join(ARTEFACTS, prefix)]);
		assert.equal(r.code, 0, `pdftoppm: ${r.stderr}`);
		const pngs = readdirSync(ARTEFACTS).filter((f) => f.startsWith(prefix) && f.endsWith('.png'));
		assert.ok(pngs.length >= 3, `at least 3 page images of the OAP, got ${pngs.length}: ${pngs.join(', ')}`);
		for (const p of pngs) assert.ok(statSync(path.join(ARTEFACTS, p)).size > 100, `${p} is empty`);
	});
});

/* ---- 4. the API ---- */

/* The ids of the demo documents, by full number. */
async function documentIds(B) {
	const res = expectStatus(await get(B, `${V}/documents?limit=100`), 200, 'GET /documents');
	const ids = {};
	for (const d of res.body.items) ids[d.suffix ? `${d.number} ${d.suffix}` : d.number] = d;
	for (const n of ['15850/11', '13874/17', '13874/17 EXT 1']) assert.ok(ids[n], `no demo document ${n}: ${res.text.slice(0, 300)}`);
	return ids;
}

test('4. the API renders each demo document in each format, and refuses what it must', { timeout: 120000 }, async () => {
	const srv = await startServer();
	try {
		const B = srv.base;
		const ids = await documentIds(B);
		const docs = [
			{ n: '15850/11', release: 'limite' },
			{ n: '13874/17', release: 'restreint_ue' },
			{ n: '13874/17 EXT 1', release: 'public' },
		];
		for (const d of docs) {
			const id = ids[d.n].id;
			for (const f of FORMATS) {
				const p = `${V}/documents/${id}/render?format=${f}&release=${d.release}`;
				const res = await fetchRaw(B, p, { as: 'gsc' });
				assert.equal(res.status, 200, `gsc: GET ${p}: ${res.status} ${res.text.slice(0, 300)}`);
				const ct = res.headers.get('content-type') || '';
				assert.ok(ct.startsWith(MIME[f]), `GET ${p}: Content-Type ${ct}, expected ${MIME[f]}`);
				const cd = res.headers.get('content-disposition') || '';
				const m = /^attachment; filename="([^"]+)"$/.exec(cd);
				assert.ok(m, `GET ${p}: Content-Disposition "${cd}" is not an attachment with a filename`);
				assert.ok(m[1].endsWith(`.${f}`) && m[1].includes(d.n.split(' ')[0].replace('/', '-')) && !/[/\\]/.test(m[1]), `GET ${p}: filename "${m[1]}"`);
				assert.ok(res.buf.length > 0, `GET ${p}: empty body`);
				if (f === 'pdf') assert.equal(res.buf.subarray(0, 5).toString('latin1'), '%PDF-', `GET ${p}: not a PDF`);
				if (f === 'docx' || f === 'xlsx') assert.equal(res.buf.subarray(0, 2).toString('latin1'), 'PK', `GET ${p}: not a zip package`);
				if (f === 'txt' || f === 'html') assert.ok(res.text.includes(d.n), `GET ${p}: the text does not name ${d.n}`);
			}
		}
		const orig = ids['13874/17'].id;
		const ext1 = ids['13874/17 EXT 1'].id;

		// A render of classified content is recorded in the audit trail like any read of it.
		const classified = await fetchRaw(B, `${V}/documents/${orig}/render?format=txt&release=restreint_ue`, { as: 'gsc' });
		assert.equal(classified.status, 200);
		const rid = classified.headers.get('x-request-id');
		assert.ok(rid, 'the render answer carries X-Request-Id');
		// Records of reads are written in batches within a few tens of milliseconds: wait up to 2 s.
		let readRec;
		for (let i = 0; i < 40 && !readRec; i++) {
			const trail = expectStatus(await get(B, `${V}/audit?actor=gsc&limit=50`), 200, 'GET /audit:').body.items;
			readRec = trail.find((a) => a.request_id === rid);
			if (!readRec) await new Promise((r) => setTimeout(r, 50));
		}
		assert.ok(readRec, `no audit record of gsc's render of 13874/17 at restreint_ue (request ${rid})`);
		assert.equal(readRec.outcome, 'ok');
		assert.equal(readRec.object_kind, 'documents');
		assert.equal(readRec.object_id, orig);

		const bad = expectError(await get(B, `${V}/documents/${orig}/render?format=doc&release=public`, { as: 'gsc' }), 400, 'format=doc:');
		assert.equal(bad.field, 'format', 'a bad format names the field format');
		const badRel = expectError(await get(B, `${V}/documents/${orig}/render?format=txt&release=top_secret`, { as: 'gsc' }), 400, 'release=top_secret:');
		assert.equal(badRel.field, 'release', 'a bad release names the field release');
		expectError(await get(B, `${V}/documents/${orig}/render?format=txt&release=secret_ue`, { as: 'gsc' }), 403, 'gsc (clearance restreint_ue) at secret_ue:');
		expectError(await get(B, `${V}/documents/${orig}/render?format=txt&release=restreint_ue`, { anon: true }), 404, 'anonymous, 13874/17:');
		expectError(await get(B, `${V}/documents/${orig}/render?format=txt&release=public`, { anon: true }), 404, 'anonymous, 13874/17 at public:');
		expectError(await get(B, `${V}/documents/${orig}/render?format=txt&release=public`, { as: 'public' }), 404, 'the public, 13874/17:');
		const pub = expectStatus(await get(B, `${V}/documents/${ext1}/render?format=txt&release=public`, { as: 'public' }), 200, 'the public, EXT 1 at public:');
		assert.ok(pub.text.includes('13874/17 EXT 1') && pub.text.includes('PARTIAL DECLASSIFICATION'), 'the public reads the EXT 1');
		expectStatus(await get(B, `${V}/documents/${ext1}/render?format=txt&release=public`, { anon: true }), 200, 'anonymous, EXT 1 at public:');
		expectError(await get(B, `${V}/documents/${ext1}/render?format=txt&release=limite`, { as: 'public' }), 403, 'the public, EXT 1 at limite:');
		expectError(await get(B, `${V}/documents/999999/render?format=txt&release=public`), 404, 'an unknown document:');

		// The OAP of 13874/17, with its annex table of the demo actions.
		const oapId = ids['13874/17'].oap_id;
		assert.ok(oapId, '13874/17 carries an OAP');
		const oap = expectStatus(await get(B, `${V}/oaps/${oapId}/render?format=txt&release=restreint_ue`, { as: 'gsc' }), 200, 'the OAP render:');
		assert.match(oap.headers.get('content-disposition') || '', /^attachment; filename="[^"]+\.txt"$/);
		assert.ok(oap.text.includes('Operational action'), `the OAP render has no annex header "Operational action":\n${oap.text}`);
		assert.match(oap.text, /^1\.1 \| Demo action/m, 'the annex lists demo action 1.1');
		// Only what empact holds no text of stays withheld: section 5.1.
		assert.equal((oap.text.match(/NOT DECLASSIFIED/g) || []).length, 1, `only section 5.1 (no text held) is withheld at restreint_ue:\n${oap.text}`);
		assert.ok(!/\bDELETED\b/.test(oap.text.slice(oap.text.indexOf('Operational action'))), 'no action row of the annex is withheld at restreint_ue');
		// The strategic goals of a cycle render too.
		const cyc = expectStatus(await get(B, `${V}/cycles/${ids['15850/11'].cycle_id}/render?format=txt&release=limite`, { as: 'gsc' }), 200, 'the cycle render:');
		assert.ok(cyc.text.includes('15850/11'), 'the cycle 2011-2013 renders its strategic goals note');
	} finally {
		await srv.stop();
	}
});

/* ---- 5. the declassification workflow ---- */

const im = (v) => ({ 'If-Match': `"${v}"` });
const RELEASED_SECTIONS = ['1', '2', '3', '4', '4.1', '4.2', '4.3', '5', '5.2', '5.3', '5.4'];
function decisions() {
	return [
		...['p1', 'p3', 'p5'].map((p) => ({ passage: p, decision: 'released' })),
		...RELEASED_SECTIONS.map((s) => ({ section: s, decision: 'released' })),
		...['p2', 'p4'].map((p) => ({ passage: p, decision: 'deleted', reason: REASON })),
		...['5.1', '6'].map((s) => ({ section: s, decision: 'not_declassified', reason: REASON })),
	];
}
const fromOriginal = (txt) => {
	const i = txt.indexOf('Brussels, 23 November 2017');
	assert.ok(i >= 0, `no "Brussels, 23 November 2017" line in:\n${txt.slice(0, 600)}`);
	return txt.slice(i);
};

test('5. declassification: the Driver proposes, the GSC signs off, the public reads it; refusals; audit; the CLI', { timeout: 120000 }, async (t) => {
	const srv = await startServer();
	try {
		const B = srv.base;
		const ids = await documentIds(B);
		const orig = ids['13874/17'].id;
		const ext1 = ids['13874/17 EXT 1'].id;

		// The Driver of the OAP's priority proposes.
		const res = expectStatus(await api(B, 'POST', `${V}/documents/${orig}/declassifications`, { body: { decisions: decisions() }, as: 'driver' }), 201, 'driver proposes:');
		const rec = res.body;
		assert.equal(rec.state, 'proposed');
		assert.equal(rec.document, '13874/17 EXT 2');
		assert.equal(rec.proposed_by, 'driver');
		assert.equal(rec.decisions.length, decisions().length, 'the record carries every decision');
		assert.equal(typeof rec.version, 'number');
		assert.ok(rec.id, 'the record has an id');
		assert.equal(res.headers.get('location'), `${V}/documents/${rec.id}`, 'Location of the proposal');
		const ext2 = rec.id;
		const renderExt2 = `${V}/documents/${ext2}/render?format=txt&release=public`;

		// Until issued it carries the original's classification.
		expectError(await get(B, renderExt2, { as: 'public' }), 404, 'the public, the proposal:');
		expectError(await get(B, renderExt2, { anon: true }), 404, 'anonymous, the proposal:');
		const read = expectStatus(await get(B, `${V}/documents/${ext2}/declassification`, { as: 'gsc' }), 200, 'gsc reads the proposal:');
		assert.equal(read.body.state, 'proposed');

		// The proposer may replace the map while it is proposed (If-Match).
		const changed = decisions().map((d) => (d.passage === 'p4' ? { ...d, reason: `${REASON}; names the Co-Drivers` } : d));
		expectStatus(await api(B, 'PUT', `${V}/documents/${ext2}/redactions`, { body: { decisions: changed }, headers: im(rec.version + 41), as: 'driver' }), 412, 'PUT redactions, stale version:');
		const put = expectStatus(await api(B, 'PUT', `${V}/documents/${ext2}/redactions`, { body: { decisions: changed }, headers: im(rec.version), as: 'driver' }), 200, 'PUT redactions:');
		assert.ok(put.body.version > rec.version, 'the version moves on');
		const v = put.body.version;

		// The Driver may not sign off (documents.sign-off is the GSC's and the administrator's).
		// (Refused before the second person rule is even looked at: see the GSC's own proposal below.)
		const own = expectError(await api(B, 'POST', `${V}/documents/${ext2}/sign-off`, { body: {}, headers: im(v), as: 'driver' }), 403, 'the driver signs off their own proposal:');
		assert.match(own.message, /documents\.sign-off/, `the refusal names the permission: ${own.message}`);
		// A wrong or missing version.
		expectError(await api(B, 'POST', `${V}/documents/${ext2}/sign-off`, { body: {}, headers: im(v + 7), as: 'gsc' }), 412, 'sign-off, wrong If-Match:');
		expectError(await api(B, 'POST', `${V}/documents/${ext2}/sign-off`, { body: {}, as: 'gsc' }), 428, 'sign-off, no If-Match:');
		// The GSC issues it.
		const issued = expectStatus(await api(B, 'POST', `${V}/documents/${ext2}/sign-off`, { body: {}, headers: im(v), as: 'gsc' }), 200, 'gsc signs off:');
		assert.equal(issued.body.state, 'issued');
		assert.equal(issued.body.signed_off_by, 'gsc');
		assert.equal(issued.body.proposed_by, 'driver');

		// Now public: the same text as EXT 1 from the original's date line on.
		const pub2 = expectStatus(await get(B, renderExt2, { as: 'public' }), 200, 'the public, the issued EXT 2:');
		const pub1 = expectStatus(await get(B, `${V}/documents/${ext1}/render?format=txt&release=public`, { as: 'public' }), 200, 'the public, EXT 1:');
		assert.ok(pub2.text.includes('13874/17 EXT 2'), 'the EXT 2 names itself');
		assert.equal(fromOriginal(pub2.text), fromOriginal(pub1.text), 'EXT 2 and EXT 1 differ after the cover page');
		expectStatus(await get(B, renderExt2, { anon: true }), 200, 'anonymous, the issued EXT 2:');

		// A second sign-off.
		const again = expectError(await api(B, 'POST', `${V}/documents/${ext2}/sign-off`, { body: {}, headers: im(issued.body.version), as: 'admin' }), 409, 'a second sign-off:');
		assert.match(again.message, /issued/i);

		// The second person rule: the GSC signing off its own proposal.
		const gscProp = expectStatus(await api(B, 'POST', `${V}/documents/${orig}/declassifications`, { body: { decisions: decisions() }, as: 'gsc' }), 201, 'gsc proposes:');
		assert.equal(gscProp.body.document, '13874/17 EXT 3');
		const self = expectError(await api(B, 'POST', `${V}/documents/${gscProp.body.id}/sign-off`, { body: {}, headers: im(gscProp.body.version), as: 'gsc' }), 409, 'gsc signs off its own:');
		assert.match(self.message, /second person/i, `the refusal names the second person rule: ${self.message}`);

		// Refusals of a proposal.
		const dup = expectError(await api(B, 'POST', `${V}/documents/${orig}/declassifications`, { body: { decisions: decisions(), suffix: 'EXT 1' }, as: 'driver' }), 409, 'suffix EXT 1:');
		assert.match(`${dup.message} ${dup.field}`, /EXT 1|suffix/);
		const missing = expectError(
			await api(B, 'POST', `${V}/documents/${orig}/declassifications`, { body: { decisions: decisions().filter((d) => d.section !== '4.2') }, as: 'driver' }),
			422,
			'a section left out:',
		);
		assert.match(JSON.stringify(missing), /4\.2/, 'the problem names section 4.2');
		const p2 = expectError(
			await api(B, 'POST', `${V}/documents/${orig}/declassifications`, {
				body: { decisions: decisions().map((d) => (d.passage === 'p2' ? { passage: 'p2', decision: 'released' } : d)) },
				as: 'driver',
			}),
			422,
			'releasing p2:',
		);
		assert.match(JSON.stringify(p2), /p2/, 'the problem names p2');
		const noReason = expectError(
			await api(B, 'POST', `${V}/documents/${orig}/declassifications`, {
				body: { decisions: decisions().map((d) => (d.section === '5.1' ? { section: '5.1', decision: 'not_declassified' } : d)) },
				as: 'driver',
			}),
			422,
			'a removal without reason:',
		);
		assert.match(JSON.stringify(noReason), /reason/i, 'the problem names the missing reason');
		expectError(await api(B, 'POST', `${V}/documents/${orig}/declassifications`, { body: { decisions: decisions() }, as: 'action-leader' }), 403, 'an action leader proposes:');

		// The audit trail.
		const audit = expectStatus(await get(B, `${V}/audit?object_kind=documents&object_id=${ext2}&limit=100`), 200, 'GET /audit:').body.items;
		const proposed = audit.find((a) => a.action === 'documents.declassify' && a.outcome === 'ok');
		const signed = audit.find((a) => a.action === 'documents.sign-off' && a.outcome === 'ok');
		assert.ok(proposed && proposed.actor === 'driver', `an audit record of the proposal by driver: ${JSON.stringify(audit).slice(0, 800)}`);
		assert.ok(signed && signed.actor === 'gsc', `an audit record of the sign-off by gsc: ${JSON.stringify(audit).slice(0, 800)}`);
		assert.ok(signed.id > proposed.id, 'the sign-off is recorded after the proposal');
	} finally {
		await srv.stop();
	}
	{
		const ok = empact(['--db', srv.db, 'audit', 'verify']);
		assert.equal(ok.code, 0, `empact audit verify on the server database: ${show(ok)}`);
	}

	await t.test('the command line: propose, the proposer may not sign off, a second person issues', () => {
		const db = freshDemo('cli-declassify');
		const file = path.join(path.dirname(db), 'decisions.json');
		writeFileSync(file, JSON.stringify({ decisions: decisions() }));
		const p = empact(['--db', db, 'doc', 'declassify', 'propose', '13874/17', '--decisions', file, '--as', 'alice']);
		assert.equal(p.code, 0, `propose: ${show(p)}`);
		assert.match(p.stdout, /13874\/17 EXT 2/);
		const before = empact(['--db', db, 'doc', 'render', '13874/17 EXT 2', '--format', 'txt', '--release', 'public', '-o', '-']);
		assert.equal(before.code, 0, `render of the proposal (CLI, no clearance limit): ${show(before)}`);
		const self = empact(['--db', db, 'doc', 'declassify', 'sign-off', '13874/17 EXT 2', '--as', 'alice']);
		assert.equal(self.code, 1, `alice signs off her own: ${show(self)}`);
		assert.match(self.stderr, /second person/i, `the message names the second person rule: ${self.stderr}`);
		const shown1 = JSON.parse(empact(['--db', db, 'doc', 'declassify', 'show', '13874/17 EXT 2']).stdout);
		assert.equal(shown1.state, 'proposed');
		const bob = empact(['--db', db, 'doc', 'declassify', 'sign-off', '13874/17 EXT 2', '--as', 'bob']);
		assert.equal(bob.code, 0, `bob signs off: ${show(bob)}`);
		assert.match(bob.stdout, /issued 13874\/17 EXT 2/);
		const shown2 = JSON.parse(empact(['--db', db, 'doc', 'declassify', 'show', '13874/17 EXT 2']).stdout);
		assert.equal(shown2.state, 'issued');
		assert.equal(shown2.proposed_by, 'alice');
		assert.equal(shown2.signed_off_by, 'bob');
		const twice = empact(['--db', db, 'doc', 'declassify', 'sign-off', '13874/17 EXT 2', '--as', 'carol']);
		assert.equal(twice.code, 1, `a second sign-off: ${show(twice)}`);
		const verify = empact(['--db', db, 'audit', 'verify']);
		assert.equal(verify.code, 0, `empact audit verify: ${show(verify)}`);
		const e1 = empact(['--db', db, 'doc', 'render', '13874/17 EXT 1', '--format', 'txt', '--release', 'public', '-o', '-']);
		const e2 = empact(['--db', db, 'doc', 'render', '13874/17 EXT 2', '--format', 'txt', '--release', 'public', '-o', '-']);
		assert.equal(fromOriginal(e2.stdout), fromOriginal(e1.stdout), 'the CLI-issued EXT 2 matches EXT 1 after the cover page');
	});
});

/* ---- 6. no half-written file ---- */

test('6. a render over its limit fails and leaves no file, and an existing file unchanged', async () => {
	const db = demoDatabase();
	const dir = scratch('atomic');
	const out = path.join(dir, 'out.pdf');
	const leftovers = () => readdirSync(dir).filter((f) => f.includes('.tmp-'));

	const r = empact(['--db', db, 'doc', 'render', '13874/17', '--format', 'pdf', '--max-bytes', '4096', '-o', out]);
	assert.notEqual(r.code, 0, `a render over --max-bytes 4096 must fail: ${show(r)}`);
	assert.match(r.stderr, /render limit|limit/i, `the message names the render limit: ${r.stderr}`);
	assert.ok(!existsSync(out), 'no output file after a failed render');
	assert.deepEqual(leftovers(), [], 'no temporary file left behind');

	const before = Buffer.from('an earlier rendering, kept as it is\n');
	writeFileSync(out, before);
	const r2 = empact(['--db', db, 'doc', 'render', '13874/17', '--format', 'pdf', '--max-bytes', '4096', '-o', out]);
	assert.notEqual(r2.code, 0, `again over the limit: ${show(r2)}`);
	assert.deepEqual(readFileSync(out), before, 'the existing file is unchanged');
	assert.deepEqual(leftovers(), [], 'no temporary file left behind');
	assert.deepEqual(readdirSync(dir), ['out.pdf'], 'nothing else in the directory');

	// The same render without the limit replaces it whole.
	const r3 = empact(['--db', db, 'doc', 'render', '13874/17', '--format', 'pdf', '--release', 'restreint_ue', '-o', out]);
	assert.equal(r3.code, 0, show(r3));
	assert.equal(readFileSync(out).subarray(0, 5).toString('latin1'), '%PDF-');
	assert.deepEqual(leftovers(), [], 'no temporary file left behind');

	// Bad usage is exit 2.
	const bad = empact(['--db', db, 'doc', 'render', '13874/17', '--format', 'doc', '-o', path.join(dir, 'x.doc')]);
	assert.equal(bad.code, 2, `an unknown format: ${show(bad)}`);
	assert.ok(!existsSync(path.join(dir, 'x.doc')));

	// The server's own cap (max_render_bytes): 413, and a smaller render still goes through.
	const srv = await startServer(['--max-render-bytes', '8192']);
	try {
		const ids = await documentIds(srv.base);
		const big = expectError(await get(srv.base, `${V}/documents/${ids['13874/17'].id}/render?format=pdf&release=restreint_ue`, { as: 'gsc' }), 413, 'a PDF over max_render_bytes:');
		assert.match(big.message, /render limit/);
		const small = await fetchRaw(srv.base, `${V}/documents/${ids['13874/17 EXT 1'].id}/render?format=txt&release=public`, { as: 'gsc' });
		assert.equal(small.status, 200, `a text under the cap: ${small.status} ${small.text.slice(0, 200)}`);
	} finally {
		await srv.stop();
	}
});

/* ---- 7. rules every renderer follows (docs/dataset.md) ---- */

test('7. every format joins an inline passage to the one before it with a space', async (t) => {
	// docs/dataset.md: "Renderers join an inline passage to the one before it with a single space,
	// or with none when it starts with punctuation."
	const db = canaryDb();
	const dir = scratch('inline');
	for (const format of ['txt', 'html', 'pdf', 'docx']) {
		await t.test(format, () => {
			const out = render(db, '9999/30', format, 'restreint_ue', path.join(dir, `inline.${format}`), CANARY_GLOBALS);
			const text = flat(extract(out, format).text);
			assert.ok(text.includes('responsibility of the CANARY-PAS-Q2'), `"...of the" + inline passage q2 joined without a space in the ${format}: ${JSON.stringify(text.slice(text.indexOf('responsibility'), text.indexOf('responsibility') + 80))}`);
			// pdftotext joins a word broken after a hyphen at a line end ("INLINE-" / "bb02").
			assert.ok(/INLINE-?bb02\. The plan/.test(text), `an inline passage starting with "." joins with no space in the ${format}`);
		});
	}
});

/* ---- 8. what a declassification must decide (the form's source) ---- */

/* An account of the Council secretariat without any clearance, on the server's database: its API token. */
function uncleared(srv, name) {
	const run = (args, input) => execFileSync(BIN, ['--db', srv.db, ...args], { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString().trim();
	run(['user', 'add', name, '--org', 'COUNCIL_GSC', '--clearance', 'unclassified'], 'a long enough passphrase 2026\n');
	run(['user', 'role', name, 'council_secretariat']);
	return run(['user', 'token', name, '--expires', '1']);
}

/*
 * GET /api/v1/documents/{id}/declassification-subject lists what a proposal must decide, with
 * what a person needs to decide it: the passages of the original, the sections of its OAP, the
 * priorities of a goals note; for a proposal (an unissued EXT version) also its map and
 * version. It answers whoever may propose, and refuses everyone else as proposing does; an
 * issued EXT version can no longer change (409).
 */
test('8. what a declassification must decide: passages, sections, priorities; a proposal with its map; refusals as proposing', { timeout: 120000 }, async () => {
	const srv = await startServer();
	try {
		const B = srv.base;
		const ids = await documentIds(B);
		const orig = ids['13874/17'].id;
		const goals = ids['15850/11'].id;
		const ext1 = ids['13874/17 EXT 1'].id;
		const subjectOf = (id, as = 'gsc') => get(B, `${V}/documents/${id}/declassification-subject`, { as });

		// 13874/17: its five passages in order, then the sections of OAP 1 in order.
		const s = expectStatus(await subjectOf(orig), 200, 'gsc, the subject of 13874/17:');
		assert.equal(s.body.id, orig);
		assert.equal(s.body.kind, 'original');
		assert.equal(s.body.document, '13874/17');
		assert.equal(s.body.original_id, orig);
		assert.equal(s.body.classification, 'restreint_ue', 'the subject carries the original classification (audited, the banner)');
		assert.equal(s.headers.get('etag'), `"${s.body.version}"`, 'the ETag is the version');
		assert.ok(!('decisions' in s.body), 'an original has no map');
		assert.deepEqual(s.body.passages.map((p) => p.key), ['p1', 'p2', 'p3', 'p4', 'p5']);
		assert.deepEqual(s.body.passages.map((p) => p.held), [true, false, true, false, true], 'p2 and p4: text not held');
		assert.deepEqual(s.body.passages.map((p) => p.inline), [false, true, true, false, false], 'p2 and p3 continue a paragraph');
		assert.deepEqual(s.body.passages.map((p) => p.position), [1, 2, 3, 4, 5]);
		assert.match(s.body.passages[0].text, /^Delegations will find attached the draft OAP 2018/);
		assert.equal(s.body.passages[1].text, null);
		for (const p of s.body.passages) {
			assert.equal(p.readable, true, `gsc reads passage ${p.key}`);
			for (const k of ['key', 'position', 'heading', 'inline', 'held', 'readable', 'text', 'classification', 'marking']) assert.ok(k in p, `passage ${p.key} has no ${k}`);
		}
		const sections = expectStatus(await get(B, `${V}/oaps/1/sections?limit=500`, { as: 'gsc' }), 200).body.items.sort((a, b) => a.position - b.position);
		assert.deepEqual(s.body.sections.map((x) => x.number), sections.map((x) => x.number), 'every section of OAP 1, in order');
		assert.deepEqual(s.body.sections.map((x) => x.title), sections.map((x) => x.heading));
		assert.deepEqual(s.body.sections.map((x) => x.held), sections.map((x) => x.text != null), 'held where empact holds the text');
		assert.deepEqual(s.body.sections.filter((x) => !x.held).map((x) => x.number), ['5.1', '6']);
		assert.deepEqual(s.body.sections.map((x) => x.text), sections.map((x) => x.text));
		assert.deepEqual(s.body.priorities, [], 'an OAP document has no priorities to decide');

		// 15850/11: ten passages and the eight priorities of the 2011-2013 cycle (decided as sections).
		const g = expectStatus(await subjectOf(goals), 200, 'gsc, the subject of 15850/11:');
		assert.equal(g.body.marking, 'limite');
		assert.deepEqual(g.body.passages.map((p) => p.key), ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'p10']);
		assert.equal(g.body.passages[2].heading, 'Preparation');
		assert.deepEqual(g.body.sections, []);
		assert.deepEqual(g.body.priorities.map((p) => p.code), ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
		assert.equal(g.body.priorities[0].title, 'West Africa');

		// The subject is exactly what a proposal must decide: a map made from it alone is taken.
		const mapOf = (subj) => ({
			decisions: [
				...subj.passages.map((p) => (p.held ? { passage: p.key, decision: 'released' } : { passage: p.key, decision: 'deleted', reason: REASON })),
				...subj.sections.map((x) => (x.held ? { section: x.number, decision: 'released' } : { section: x.number, decision: 'not_declassified', reason: REASON })),
				...subj.priorities.map((p) => ({ section: p.code, decision: 'released' })),
			],
		});
		const made = expectStatus(await api(B, 'POST', `${V}/documents/${orig}/declassifications`, { body: mapOf(s.body), as: 'driver' }), 201, 'a map from the subject of 13874/17:');
		expectStatus(await api(B, 'POST', `${V}/documents/${goals}/declassifications`, { body: mapOf(g.body), as: 'gsc' }), 201, 'a map from the subject of 15850/11:');

		// A proposal: the subject of its original, its map and the version a change sends.
		const ext2 = made.body.id;
		const p = expectStatus(await subjectOf(ext2), 200, 'gsc, the subject of the proposal:');
		assert.equal(p.body.kind, 'proposal');
		assert.equal(p.body.id, ext2);
		assert.equal(p.body.document, '13874/17 EXT 2');
		assert.equal(p.body.original_id, orig);
		assert.equal(p.body.original, '13874/17');
		assert.equal(p.body.proposed_by, 'driver');
		assert.equal(p.body.classification, 'restreint_ue', 'a proposal carries the original classification');
		assert.deepEqual(p.body.passages, s.body.passages);
		assert.deepEqual(p.body.sections, s.body.sections);
		assert.deepEqual(p.body.decisions, made.body.decisions, 'the map of the proposal');
		assert.equal(p.body.version, made.body.version);
		assert.equal(p.headers.get('etag'), `"${made.body.version}"`);
		// Its version is what the change of its map sends; then the subject follows the change.
		const changed = p.body.decisions.map((d) => (d.passage === 'p5' ? { passage: 'p5', decision: 'deleted', reason: REASON } : d));
		const put = expectStatus(await api(B, 'PUT', `${V}/documents/${ext2}/redactions`, { body: { decisions: changed }, headers: { 'If-Match': p.headers.get('etag') }, as: 'gsc' }), 200, 'PUT with the subject version:');
		const p2 = expectStatus(await subjectOf(ext2), 200);
		assert.equal(p2.body.version, put.body.version);
		assert.deepEqual(p2.body.decisions.find((d) => d.passage === 'p5'), { passage: 'p5', decision: 'deleted', reason: REASON });

		// The problems of a map name the member they are about (a form puts each at its field).
		const noReason = expectError(
			await api(B, 'POST', `${V}/documents/${orig}/declassifications`, { body: { decisions: mapOf(s.body).decisions.map((d) => (d.passage === 'p2' ? { passage: 'p2', decision: 'deleted' } : d)) }, as: 'gsc' }),
			422,
			'a removal without its reason:',
		);
		assert.deepEqual(noReason.problems.map((x) => x.field), ['decisions[1].reason']);
		const released = expectError(
			await api(B, 'POST', `${V}/documents/${orig}/declassifications`, { body: { decisions: mapOf(s.body).decisions.map((d) => (d.passage === 'p4' ? { passage: 'p4', decision: 'released' } : d)) }, as: 'gsc' }),
			422,
			'releasing text empact does not hold:',
		);
		assert.deepEqual(released.problems.map((x) => x.field), ['decisions[3].decision']);

		// An issued EXT version can no longer change: 409, as a change of its map is.
		const issued = expectError(await subjectOf(ext1), 409, 'the issued EXT 1:');
		assert.match(issued.message, /issued/);
		// A document that does not exist.
		expectError(await subjectOf(999999), 404, 'no such document:');

		// Everyone else is refused exactly as the proposal would refuse them: 404 for what the
		// caller may not see (the RESTREINT UE 13874/17 for accounts without the clearance), 403
		// for a role that may not propose (and a Driver on a document that does not carry its
		// OAP, such as the goals note 15850/11). A proposal with no decisions shows the refusal
		// without making anything (422 once the caller may propose).
		// An account of the secretariat without any clearance: it may propose, but not see 13874/17.
		const bare = 'gsc-unclassified';
		const bareToken = uncleared(srv, bare);
		const as = (who) => (who === bare ? { headers: { Authorization: `Bearer ${bareToken}` } } : who === 'anonymous' ? { anon: true } : { as: who });
		const seen = {};
		for (const who of [...DEMO_USERS, bare, 'anonymous']) {
			for (const [name, id] of [['13874/17', orig], ['15850/11', goals]]) {
				const sub = await get(B, `${V}/documents/${id}/declassification-subject`, as(who));
				const prop = await api(B, 'POST', `${V}/documents/${id}/declassifications`, { body: { decisions: [] }, ...as(who) });
				const want = prop.status === 422 ? 200 : prop.status;
				assert.equal(sub.status, want, `${who}, ${name}: the subject answers ${sub.status}, the proposal ${prop.status}: ${sub.text.slice(0, 200)}`);
				if (want !== 200) assert.deepEqual(sub.body, prop.body, `${who}, ${name}: the same refusal as the proposal`);
				seen[`${who} ${name}`] = sub.status;
			}
		}
		// What the matrix of the demo accounts comes to.
		assert.equal(seen['driver 13874/17'], 200, 'the Driver of the OAP 13874/17 carries');
		assert.equal(seen['driver 15850/11'], 403, 'a Driver on the goals note of another cycle');
		assert.equal(seen['action-leader 13874/17'], 403);
		assert.equal(seen['observer 13874/17'], 404, 'no clearance: the RESTREINT UE original is hidden');
		assert.equal(seen['public 15850/11'], 404, 'the public: the LIMITE goals note is hidden');
		assert.equal(seen[`${bare} 13874/17`], 404, 'the secretariat without clearance: the RESTREINT UE original is hidden');
		assert.equal(seen[`${bare} 15850/11`], 200, 'the secretariat without clearance: the unclassified LIMITE goals note');
		assert.equal(seen['gsc 13874/17'], 200);
		assert.equal(seen['anonymous 13874/17'], 404);
	} finally {
		await srv.stop();
	}
});

test('8. a part above the caller\'s clearance: whoever may not read it may not decide on the release of the document', { timeout: 120000 }, async () => {
	const srv = await startServer();
	try {
		const B = srv.base;
		// An unclassified document that carries OAP 1, whose new section 7 is RESTREINT UE.
		const CANARY = 'CANARY-SUBJECT-SECTION-7-RESTREINT';
		expectStatus(await api(B, 'POST', `${V}/oaps/1/sections`, { body: { number: '7', heading: `Heading ${CANARY}`, text: `Text ${CANARY}`, position: 99, classification: 'restreint_ue' } }), 201, 'a RESTREINT UE section:');
		const doc = expectStatus(
			await api(B, 'POST', `${V}/documents`, { body: { number: '777/26', date: '2026-01-05', subject: 'A public note on OAP 1', classification: 'unclassified', marking: 'none', oap_id: 1 } }),
			201,
			'an unclassified document carrying OAP 1:',
		).body;
		// A secretariat account without clearance reads the public document, but may neither see
		// what a proposal must decide nor propose: sections of OAP 1 are above its clearance.
		const token = uncleared(srv, 'gsc-unclassified');
		const auth = { headers: { Authorization: `Bearer ${token}` } };
		const before = expectStatus(await get(B, `${V}/documents?limit=200`), 200).body.items.length;
		const r = await get(B, `${V}/documents/${doc.id}/declassification-subject`, auth);
		const e = expectError(r, 403, 'the uncleared secretariat, the subject:');
		assert.match(e.message, /needs clearance for all of it: its section [0-9.]+ is above yours/);
		assert.ok(!r.text.includes(CANARY), `the answer shows what is above the caller's clearance: ${r.text.slice(0, 400)}`);
		const full = expectStatus(await get(B, `${V}/documents/${doc.id}/declassification-subject`, { as: 'gsc' }), 200);
		const decisions = [...full.body.passages.map((p) => ({ passage: p.key, decision: 'released' })), ...full.body.sections.map((x) => ({ section: x.number, decision: x.held ? 'released' : 'not_declassified', ...(x.held ? {} : { reason: 'Not held' }) }))];
		const p = await api(B, 'POST', `${V}/documents/${doc.id}/declassifications`, { ...auth, body: { decisions } });
		const pe = expectError(p, 403, 'the uncleared secretariat, a proposal:');
		assert.match(pe.message, /section [0-9.]+ is above yours/);
		assert.equal(expectStatus(await get(B, `${V}/documents?limit=200`), 200).body.items.length, before, 'nothing was made');
		// The cleared secretariat reads every part and proposes.
		assert.equal(full.body.sections.find((x) => x.number === '7').text, `Text ${CANARY}`);
		assert.ok(full.body.sections.every((x) => x.readable));
		expectStatus(await api(B, 'POST', `${V}/documents/${doc.id}/declassifications`, { as: 'gsc', body: { decisions } }), 201, 'the cleared secretariat proposes:');
	} finally {
		await srv.stop();
	}
});
