// Opens speedscope exports in speedscope's own app (the npm package's built
// release) in headless Chromium, the way its command-line tool does: a script
// calling speedscope.loadFileFromBase64() given through #localProfilePath.
// Prints one "ok - NAME" / "not ok - NAME" line per check.
//
// usage: node open.test.js CONFIG.json
// CONFIG: [{ label, file, title, profiles, first }]: the export, the expected
//         document title (the file's name), number of profiles (threads) and
//         the first profile's name.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let failed = 0;
function check(name, cond, detail) {
	if (cond) {
		console.log('ok - ' + name);
	} else {
		failed++;
		console.log('not ok - ' + name + (detail !== undefined ? '  [' + detail + ']' : ''));
	}
}

const app = path.join(path.dirname(require.resolve('speedscope/package.json')), 'dist', 'release', 'index.html');

async function open(ctx, tmp, c) {
	const page = await ctx.newPage();
	const errors = [], alerts = [];
	page.on('pageerror', (e) => errors.push(String(e)));
	page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
	page.on('dialog', (d) => { alerts.push(d.message()); d.dismiss(); });
	const loader = path.join(tmp, c.label.replace(/\W+/g, '_') + '.js');
	const b64 = fs.readFileSync(c.file).toString('base64');
	fs.writeFileSync(loader, `speedscope.loadFileFromBase64(${JSON.stringify(path.basename(c.file))}, ${JSON.stringify(b64)})`);
	await page.goto('file://' + app + '#localProfilePath=' + encodeURIComponent(loader));
	let titled = true;
	try {
		await page.waitForFunction((t) => document.title === t, c.title + ' - speedscope', { timeout: 30000 });
	} catch (e) {
		titled = false;
	}
	check(`${c.label}: speedscope imports it (title "${c.title}")`, titled && !alerts.length && !errors.length,
	      `title=${await page.title()} alerts=${alerts.join('|')} errors=${errors.join('|')}`);
	// The toolbar names the profile in view, and with several "(1/N)".
	const toolbar = await page.evaluate(() => document.body.innerText);
	const want = c.profiles > 1 ? `${c.first} (1/${c.profiles})` : c.first;
	check(`${c.label}: first profile "${c.first}" of ${c.profiles}`, toolbar.includes(want),
	      toolbar.split('\n').slice(0, 3).join(' | '));
	await page.close();
}

async function main() {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stoke-speedscope-'));
	const ctx = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
		       '--disable-background-networking', '--disable-component-update', '--disable-sync',
		       '--allow-file-access-from-files'],
	});
	try {
		for (const c of cfg)
			await open(ctx, tmp, c);
	} finally {
		await ctx.close();
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

main().then(() => process.exit(failed ? 1 : 0), (e) => {
	console.log('not ok - speedscope test crashed: ' + e);
	process.exit(1);
});
