// Drives stoke's SVG flame graphs in headless Chromium and prints one
// "ok - NAME" / "not ok - NAME" line per check (tests/run.sh counts them).
//
// usage: node flamegraph.test.js CONFIG.json
// CONFIG: { small, diff, large (optional): SVG paths,
//           searches: [{ term, icase, expect }]  (expected Matched: percentages),
//           large_search: REGEX }
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
const url = (p) => 'file://' + path.resolve(p);
const near = (a, b, eps) => Math.abs(a - b) <= (eps || 0.6);

// Every drawn frame: its name (from the embedded data), geometry and fill.
function frames(page) {
	return page.evaluate(() => {
		const names = [].concat(...Array.from(document.getElementsByClassName('stoke-names'), (e) => JSON.parse(e.textContent)));
		const nodes = [].concat(...Array.from(document.getElementsByClassName('stoke-nodes'), (e) => JSON.parse(e.textContent)));
		return Array.from(document.querySelectorAll('#frames rect')).map((r) => ({
			fi: r.fi,
			name: names[nodes[3 * r.fi]],
			x: +r.getAttribute('x'),
			width: +r.getAttribute('width'),
			fill: r.getAttribute('fill'),
			anc: (r.getAttribute('class') || '').includes('anc'),
		}));
	});
}
const byName = (fs_, n) => fs_.find((f) => f.name === n);
const rgb = (s) => (s.match(/\d+/g) || []).map(Number);
const matched = (page) => page.evaluate(() => document.getElementById('matched').textContent);

async function search(page, term, via) {
	let asked = null;
	page.once('dialog', (d) => { asked = d.type(); d.accept(term); });
	if (via === 'key') await page.keyboard.press('/');
	else if (via === 'ctrl-f') await page.keyboard.press('Control+f');
	else await page.click('#search');
	if (asked !== 'prompt') throw new Error(`search via ${via || 'button'}: no prompt (${asked})`);
	await page.waitForFunction(() => document.getElementById('matched').textContent.trim() !== '');
}

async function main() {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'stoke-chromium-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		       '--disable-background-networking', '--disable-component-update', '--disable-sync',
		       '--allow-file-access-from-files'],
	});
	try {
		const page = await ctx.newPage();
		const errors = [], alerts = [];
		page.on('pageerror', (e) => errors.push(String(e)));
		page.on('dialog', (d) => { if (d.type() !== 'prompt') { alerts.push(d.message()); d.dismiss(); } });

		// ---- drawing ----
		await page.goto(url(cfg.small));
		await page.waitForSelector('#frames rect');
		let f = await frames(page);
		const W = await page.evaluate(() => JSON.parse(document.getElementById('stoke-data').textContent).width);
		const full = W - 20;
		check('frames drawn', f.length >= 10, f.length);
		check('root spans the width', near(byName(f, 'all').width, full), byName(f, 'all').width);
		check('widths proportional to samples', near(byName(f, 'compute').width, full * 0.70) &&
		      near(byName(f, 'hash').width, full * 0.40), byName(f, 'compute').width);
		check('no script errors', errors.length === 0, errors.join('; '));

		// ---- hostile names are text ----
		const hostile = await page.evaluate(() => ({
			scripts: document.getElementsByTagName('script').length,
			imgs: document.getElementsByTagName('img').length +
				document.getElementsByTagNameNS('http://www.w3.org/1999/xhtml', 'img').length,
			pwned: window.__pwned,
		}));
		const scriptFrame = byName(f, '<script>alert(1)</script>');
		const imgFrame = byName(f, '<img src=x onerror=window.__pwned=1>');
		check('hostile names are frames', !!scriptFrame && !!imgFrame);
		await page.hover(`#frames rect >> nth=${f.indexOf(imgFrame)}`);
		const det = await page.evaluate(() => document.getElementById('details').textContent);
		check('hostile name shown as text in details', det.startsWith('<img src=x onerror=window.__pwned=1> (3 samples'), det);
		await page.hover(`#frames rect >> nth=${f.indexOf(scriptFrame)}`);
		check('hostile names ran nothing', hostile.scripts === 1 && hostile.imgs === 0 &&
		      hostile.pwned === undefined && alerts.length === 0 &&
		      (await page.evaluate(() => window.__pwned)) === undefined,
		      JSON.stringify(hostile) + ' alerts=' + alerts.join(','));

		// ---- zoom ----
		await page.click(`#frames rect >> nth=${f.indexOf(byName(f, 'compute'))}`);
		f = await frames(page);
		check('zoom: clicked frame fills the width', near(byName(f, 'compute').x, 10) && near(byName(f, 'compute').width, full));
		check('zoom: children rescaled', near(byName(f, 'hash').width, full * 40 / 70) &&
		      near(byName(f, 'sort').width, full * 20 / 70), byName(f, 'hash').width);
		check('zoom: ancestors shown', byName(f, 'main').anc && byName(f, 'all').anc);
		check('zoom: siblings hidden', !byName(f, 'io') && !byName(f, 'idle'));
		const zoomHash = await page.evaluate(() => location.hash);
		check('zoom: state in the URL', /z=\d+/.test(zoomHash), zoomHash);

		// ---- search ----
		for (const s of cfg.searches) {
			const ic = await page.evaluate(() => document.getElementById('icase').getAttribute('class'));
			if (!!s.icase !== !ic.includes('off')) await page.click('#icase');
			if ((await page.evaluate(() => document.getElementById('search').textContent)) === 'Clear')
				await page.click('#search');
			await search(page, s.term, s.via);
			const m = await matched(page);
			check(`search ${s.via || 'button'} /${s.term}/${s.icase ? 'i' : ''}: ${m}`,
			      m === 'Matched: ' + s.expect.toFixed(2) + '%', 'expected ' + s.expect.toFixed(2));
		}
		f = await frames(page);
		check('search: matches highlighted', f.filter((x) => x.fill === 'rgb(230,0,230)').length > 0);
		const searchHash = await page.evaluate(() => location.hash);
		check('search: state in the URL', /s=/.test(searchHash), searchHash);

		// ---- reset ----
		await page.keyboard.press('Escape');
		f = await frames(page);
		check('Escape resets zoom', near(byName(f, 'all').width, full) && !byName(f, 'all').anc &&
		      near(byName(f, 'compute').width, full * 0.7) && !!byName(f, 'idle'));
		await page.click(`#frames rect >> nth=${f.indexOf(byName(f, 'io'))}`);
		await page.click('#reset');
		f = await frames(page);
		check('Reset Zoom button', near(byName(f, 'io').width, full * 0.2) && near(byName(f, 'all').width, full));

		// ---- URL state restored on load ----
		const p2 = await ctx.newPage();
		const s0 = cfg.searches[0];
		const zi = (await frames(page)).find((x) => x.name === 'compute').fi;
		await p2.goto(url(cfg.small) + `#z=${zi}&s=${encodeURIComponent(s0.term)}${s0.icase ? '&i=1' : ''}`);
		await p2.waitForSelector('#frames rect');
		const f2 = await frames(p2);
		check('URL restores zoom', near(byName(f2, 'compute').width, full) && !byName(f2, 'io'));
		check('URL restores search', (await matched(p2)) === 'Matched: ' + s0.expect.toFixed(2) + '%', await matched(p2));
		await p2.close();

		// ---- differential colours ----
		await page.goto(url(cfg.diff));
		await page.waitForSelector('#frames rect');
		f = await frames(page);
		const grew = rgb(byName(f, 'hash').fill), shrank = rgb(byName(f, 'sort').fill);
		const same = rgb(byName(f, 'read_k').fill);
		check('diff: grown frame is red', grew[0] === 255 && grew[2] < 200, byName(f, 'hash').fill);
		check('diff: shrunk frame is blue', shrank[2] === 255 && shrank[0] < 200, byName(f, 'sort').fill);
		check('diff: unchanged frame is grey (within noise)', same.every((c) => c === 200), byName(f, 'read_k').fill);
		const panel = await page.evaluate(() => (document.getElementById('only-other') || {}).textContent || '');
		check('diff: frames only in before are listed', panel.includes('prog;main;legacy'), panel);
		await page.hover(`#frames rect >> nth=${f.indexOf(byName(f, 'hash'))}`);
		const dd = await page.evaluate(() => document.getElementById('details').textContent);
		check('diff: details show before and after', dd.includes('before 400') && dd.includes('after 800'), dd);
		check('diff: details show the change compared', dd.includes('+20.00 pp'), dd);

		// ---- off-CPU time: blues, times and shares of the wall time ----
		if (cfg.wall) {
			await page.goto(url(cfg.wall));
			await page.waitForSelector('#frames rect');
			f = await frames(page);
			const blocked = byName(f, '[blocked]');
			check('wall: the blocked tower is drawn', !!blocked);
			if (blocked) {
				const c = blocked.fill.match(/hsl\((\d+)/);
				check('wall: off-CPU frames are blue', !!c && +c[1] >= 180 && +c[1] <= 260, blocked.fill);
				await page.hover(`#frames rect >> nth=${f.indexOf(blocked)}`);
				const dw = await page.evaluate(() => document.getElementById('details').textContent);
				check('wall: details show a time and its share of the wall time',
				      /^\[blocked\] \([0-9.]+ (ms|s|µs), [0-9.]+% of wall time/.test(dw), dw);
			}
		}

		// ---- a large profile stays responsive ----
		if (cfg.large) {
			const t0 = Date.now();
			await page.goto(url(cfg.large));
			await page.waitForSelector('#frames rect');
			const loadMs = Date.now() - t0;
			const n = await page.evaluate(() => document.querySelectorAll('#frames rect').length);
			const t1 = Date.now();
			await search(page, cfg.large_search);
			const searchMs = Date.now() - t1;
			const t2 = Date.now();
			await page.click('#frames rect >> nth=' + Math.floor(n / 2));
			const zoomMs = Date.now() - t2;
			console.log(`# large: load ${loadMs} ms (${n} rects), search ${searchMs} ms (${await matched(page)}), zoom ${zoomMs} ms`);
			check('large profile loads and searches in time', loadMs < 15000 && searchMs < 5000 && zoomMs < 5000,
			      `${loadMs}/${searchMs}/${zoomMs} ms`);
		}
		check('no script errors at the end', errors.length === 0, errors.join('; '));
	} finally {
		await ctx.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

main().then(() => process.exit(failed ? 1 : 0), (e) => {
	console.log('not ok - browser test crashed: ' + String(e && e.stack || e).split('\n').slice(0, 12).join(' | '));
	process.exit(1);
});
