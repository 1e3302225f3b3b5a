// The administrator's job in a real browser with JavaScript DISABLED, through the pages alone:
// a new account for the leading organisation of action 1 (a refused form first, its problems next to their fields), a scoped role
// granted, the new Action Leader's first sign-in with two-step enrolment from the key on the
// page, then a lost phone (two-step reset: the holder enrols again) and the account disabled
// (the holder can no longer sign in). After each step the state is checked through the API.
// Screenshots go to build/test-artefacts/browser/admin-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signIn, checkA11y, shot, startServer } from './lib.mjs';
import { get, expectStatus, totp } from '../e2e/lib.mjs';

const NAME = 'l.moreau';
const PASSWORD = 'Saffron-Quarry-Lintel-3874';

let browser;
let srv;

before(async () => {
	browser = await launch();
	srv = await startServer();
});

after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

/* Clicks what sends a form and waits for the page it ends on. */
async function submit(page, locator) {
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
}

async function accountOf(username) {
	const list = expectStatus(await get(srv.base, '/api/v1/users'), 200).body.items;
	return list.find((u) => u.username === username);
}

function assertClean(page, what, expected = []) {
	const problems = page.problems.filter((p) => !expected.some((s) => p.includes(`the server responded with a status of ${s}`)));
	assert.deepEqual(problems, [], `${what}: console errors, page errors or CSP violations`);
	assert.deepEqual(page.dialogs, [], `${what}: a dialog opened`);
}

test('the administrator makes an Action Leader account, who signs in and enrols; a lost phone is reset; the account is disabled', async () => {
	const admin = await newPage(browser, { javaScript: false });
	const holder = await newPage(browser, { javaScript: false });
	try {
		await signIn(admin, srv, 'admin');
		await admin.goto(`${srv.base}/admin/users`);
		await submit(admin, admin.getByRole('link', { name: 'New account' }));
		assert.equal(new URL(admin.url()).pathname, '/admin/users/new');

		// A refused form: the problems next to their fields, what was typed kept.
		await admin.getByLabel('User name').fill('L Moreau');
		await admin.getByLabel('Name', { exact: true }).fill('Léa Moreau');
		await admin.locator('#f-org_id').selectOption({ label: 'DE: Germany' }).catch(async () => {
			const options = await admin.locator('#f-org_id option').allInnerTexts();
			await admin.locator('#f-org_id').selectOption({ label: options.find((o) => o.startsWith('DE:')) });
		});
		await admin.locator('#f-clearance').selectOption('restreint_ue');
		await admin.locator('#f-password').fill(PASSWORD);
		await admin.locator('#f-password_again').fill(PASSWORD);
		await submit(admin, admin.getByRole('button', { name: 'Create the account' }));
		assert.match(await admin.locator('#f-username-error').innerText(), /is not a user name/);
		assert.equal(await admin.getByLabel('Name', { exact: true }).inputValue(), 'Léa Moreau');
		assert.equal(await admin.locator('#f-password').inputValue(), '', 'the password is not sent back');
		await checkA11y(admin, 'the refused new account form');
		await shot(admin, 'admin-new-account-refused');

		await admin.getByLabel('User name').fill(NAME);
		await admin.locator('#f-password').fill(PASSWORD);
		await admin.locator('#f-password_again').fill(PASSWORD);
		await submit(admin, admin.getByRole('button', { name: 'Create the account' }));
		assert.match(await admin.getByRole('status').innerText(), /Created/);
		let acct = await accountOf(NAME);
		assert.ok(acct, 'the account exists');
		assert.equal(acct.clearance, 'restreint_ue');
		assert.equal(acct.org_code, 'DE');

		// Grant the Action Leader role on action 1.
		await admin.locator('#f-role').selectOption('action_leader');
		await admin.getByLabel('Scope').fill('action:1');
		await submit(admin, admin.getByRole('button', { name: 'Grant the role' }));
		assert.match(await admin.getByRole('status').innerText(), /The role is granted/);
		acct = await accountOf(NAME);
		assert.deepEqual(acct.roles.map((r) => [r.role, r.scope_kind, r.scope_id]), [['action_leader', 'action', 1]]);
		await shot(admin, 'admin-account');

		// The holder's first sign-in: a cleared account enrols two-step sign-in first.
		await signIn(holder, srv, NAME, { password: PASSWORD });
		assert.equal(new URL(holder.url()).pathname, '/account/totp');
		await submit(holder, holder.getByRole('button', { name: 'Set up two-step sign-in' }));
		await shot(holder, 'admin-new-holder-enrols');
		const key = (await holder.locator('figcaption code').innerText()).trim();
		await holder.getByLabel('Code from your app').fill(totp(key));
		await submit(holder, holder.getByRole('button', { name: 'Turn on two-step sign-in' }));
		assert.equal((await accountOf(NAME)).totp, true);
		await holder.goto(`${srv.base}/`);
		assert.match(await holder.locator('main').innerText(), /Action 1|Demo action/, 'the new Action Leader sees action 1 at home');
		await shot(holder, 'admin-new-holder-home');

		// A lost phone: the administrator resets two-step sign-in; the holder's session ends.
		await admin.reload();
		await submit(admin, admin.getByRole('button', { name: 'Reset two-step sign-in' }));
		assert.match(await admin.getByRole('status').innerText(), /enrols again/);
		assert.equal((await accountOf(NAME)).totp, false);
		await holder.goto(`${srv.base}/actions/1`);
		assert.equal(new URL(holder.url()).pathname, '/sign-in', 'the session ended');
		await signIn(holder, srv, NAME, { password: PASSWORD });
		assert.equal(new URL(holder.url()).pathname, '/account/totp', 'the holder enrols again');

		// Disabled: the holder cannot sign in.
		await submit(admin, admin.getByRole('link', { name: 'Change the account' }));
		await admin.getByLabel(/Disabled/).check();
		await submit(admin, admin.getByRole('button', { name: 'Save' }));
		assert.match(await admin.getByRole('status').innerText(), /Saved/);
		assert.match(await admin.locator('main').innerText(), /Disabled: cannot sign in/);
		assert.equal((await accountOf(NAME)).disabled, true);
		await holder.goto(`${srv.base}/sign-in`);
		await holder.getByLabel('User name').fill(NAME);
		await holder.getByLabel('Password').fill(PASSWORD);
		await submit(holder, holder.getByRole('button', { name: 'Sign in' }));
		assert.equal(new URL(holder.url()).pathname, '/sign-in');
		assert.match(await holder.getByRole('alert').first().innerText(), /wrong/);
		assertClean(admin, 'the administrator', [422]);
		assertClean(holder, 'the holder', [422]);
	} finally {
		await admin.context().close();
		await holder.context().close();
	}
});
