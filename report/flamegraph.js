// Flame graph viewer embedded in stoke's SVG output (see docs/flamegraph.md).
// The settings are the JSON in <metadata id="stoke-data">; the frames are in
// <metadata class="stoke-nodes"> chunks: pre-order [name index, total, depth].  Names only ever reach the
// document through textContent, never as markup.
(function () {
	'use strict';
	var NS = 'http://www.w3.org/2000/svg';
	var D = JSON.parse(document.getElementById('stoke-data').textContent);
	// Arrays come in chunks (XML parsers limit the size of one text node).
	function chunked(cls) {
		var els = document.getElementsByClassName(cls), out = [], k, j, part;
		for (k = 0; k < els.length; k++) {
			part = JSON.parse(els[k].textContent);
			for (j = 0; j < part.length; j++) out.push(part[j]);
		}
		return out;
	}
	var names = chunked('stoke-names'), kinds = chunked('stoke-kinds'), src = {};
	var raw = chunked('stoke-nodes'), N = raw.length / 3;
	chunked('stoke-src').forEach(function (p) { src[p[0]] = p[1]; });
	var W = D.width, PAD = D.pad, FH = D.fh, TOP = D.top, MAXD = D.maxd;
	var nm = new Int32Array(N), val = new Float64Array(N), dep = new Int32Array(N);
	var x = new Float64Array(N), par = new Int32Array(N), end = new Int32Array(N);
	var hit = new Uint8Array(N);     // 1: frame matches the search
	var i, d;

	// Layout: children start at their parent's left edge, in data order; the
	// parent's own samples (and elided children) are the space on the right.
	var stack = [], nextx = [];
	for (i = 0; i < N; i++) {
		nm[i] = raw[3 * i]; val[i] = raw[3 * i + 1]; d = dep[i] = raw[3 * i + 2];
		while (stack.length > d) end[stack.pop()] = i;
		if (d === 0) { par[i] = -1; x[i] = 0; } else {
			par[i] = stack[d - 1]; x[i] = nextx[d - 1]; nextx[d - 1] += val[i];
		}
		stack.push(i); nextx[d] = x[i];
	}
	while (stack.length) end[stack.pop()] = N;
	// Wall-clock graphs: frames under a [blocked] or [preempted] frame are off-CPU.
	var off = new Uint8Array(N);
	if (D.colors === 'wall')
		for (i = 0; i < N; i++)
			off[i] = (par[i] >= 0 && off[par[i]]) || names[nm[i]] === '[blocked]' ||
				names[nm[i]] === '[preempted]' ? 1 : 0;
	var TOTAL = N ? val[0] : 0;

	var $ = function (id) { return document.getElementById(id); };
	var framesG = $('frames'), details = $('details'), matchedT = $('matched');
	var resetB = $('reset'), searchB = $('search'), icaseB = $('icase');

	// ---- colours ----
	function hash(s) {   // FNV-1a over UTF-16 code units; stable across graphs
		var h = 0x811c9dc5;
		for (var k = 0; k < s.length; k++) { h ^= s.charCodeAt(k); h = Math.imul(h, 0x01000193); }
		return h >>> 0;
	}
	function hsl(h, s, l) { return 'hsl(' + h + ',' + s + '%,' + l + '%)'; }
	// Per kind: [base hue, hue range, saturation, lightness]
	var KIND = [[0, 50, 85, 60], [200, 35, 65, 62], [95, 45, 55, 55],
		    [170, 20, 60, 60], [0, 0, 0, 72], [270, 0, 15, 75]];
	var colorCache = {};
	function coldColor(n) {   // blues: off-CPU time
		var h = hash(names[n]);
		return hsl(195 + (h % 45), 55 + ((h >>> 8) % 25), 55 + ((h >>> 16) % 15));
	}
	function nameColor(n, i) {
		if (D.colors === 'cold' || (D.colors === 'wall' && off[i])) return coldColor(n);
		if (D.colors === 'wall') return hotColor(n);
		var c = colorCache[n];
		if (c) return c;
		var h = hash(names[n]), h2 = (h >>> 16) % 100 / 100, k;
		if (D.colors === 'kind') {
			k = KIND[kinds[n]] || KIND[4];
			c = hsl(k[0] + Math.round(h2 * k[1]), k[2], k[3] + ((h >>> 8) % 10) - 5);
		} else if (kinds[n] === 5) {
			c = hsl(30, 15, 75);
		} else {
			c = hotColor(n);
		}
		return (colorCache[n] = c);
	}
	function hotColor(n) {   // red to yellow
		var h = hash(names[n]), h2 = (h >>> 16) % 100 / 100;
		return 'rgb(' + (205 + (h % 51)) + ',' + Math.round(h2 * 210) + ',' + ((h >>> 8) % 56) + ')';
	}

	// Differential: before/after per frame and the change of its share.
	var diff = D.diff, before, after, delta, ns, maxDelta = 0;
	if (diff) {
		var other = chunked('stoke-other'), nsList = chunked('stoke-ns'), tb, ta;
		before = diff.negate ? val : other; after = diff.negate ? other : val;
		tb = diff.negate ? TOTAL : diff.other_total; ta = diff.negate ? diff.other_total : TOTAL;
		delta = new Float64Array(N); ns = new Uint8Array(N);
		for (i = 0; i < nsList.length; i++) ns[nsList[i]] = 1;
		for (i = 0; i < N; i++) {
			delta[i] = diff.mode === 'count' ? after[i] - before[i]
				: diff.mode === 'rate' ? after[i] / diff.secs[1] - before[i] / diff.secs[0]
				: (ta ? after[i] / ta : 0) - (tb ? before[i] / tb : 0);
			if (!ns[i] && Math.abs(delta[i]) > maxDelta) maxDelta = Math.abs(delta[i]);
		}
	}
	function diffColor(i) {
		if (ns[i]) return 'rgb(200,200,200)';
		var f = maxDelta > 0 ? delta[i] / maxDelta : 0;
		// Never darker than 65, so the black labels stay readable.
		var c = Math.round(255 - 190 * Math.min(1, Math.abs(f)));
		return f > 0 ? 'rgb(255,' + c + ',' + c + ')' : 'rgb(' + c + ',' + c + ',255)';
	}
	function color(i) {
		if (hit[i]) return 'rgb(230,0,230)';
		return diff ? diffColor(i) : nameColor(nm[i], i);
	}

	// ---- text ----
	function num(v) { return String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
	function pct(v, t) { return t ? (100 * v / t).toFixed(2) + '%' : '0.00%'; }
	// Time profiles: weights are microseconds.
	function tm(us) {
		return us < 1000 ? Math.round(us) + ' \u00b5s' : us < 1e6 ? (us / 1e3).toFixed(1) + ' ms'
			: (us / 1e6).toFixed(3) + ' s';
	}
	function describe(i) {
		var s = names[nm[i]] + ' (';
		if (diff) {
			var tb = diff.negate ? TOTAL : diff.other_total, ta = diff.negate ? diff.other_total : TOTAL;
			s += 'before ' + num(before[i]) + ' ' + pct(before[i], tb) + ', after ' + num(after[i]) +
				' ' + pct(after[i], ta) + ', change ' + (delta[i] >= 0 ? '+' : '') +
				(diff.mode === 'count' ? num(delta[i]) + ' ' + D.count
				 : diff.mode === 'rate' ? delta[i].toFixed(1) + ' ' + D.count + '/s'
				 : (100 * delta[i]).toFixed(2) + ' pp') +
				(ns[i] ? ', not significant' : '');
		} else {
			s += D.time ? tm(val[i]) + ', ' + pct(val[i], D.time) + ' of wall time, ' +
				pct(val[i], TOTAL) + ' of all'
				: num(val[i]) + ' ' + D.count + ', ' + pct(val[i], TOTAL);
		}
		s += ')';
		if (src[nm[i]]) s += ' ' + src[nm[i]];
		return s;
	}

	// ---- drawing ----
	var zoomed = 0;
	function y(d) { return D.inverted ? TOP + d * FH : TOP + (MAXD - d) * FH; }
	function frame(g, i, fx, fw, cls) {
		var r = document.createElementNS(NS, 'rect');
		r.setAttribute('x', fx.toFixed(2));
		r.setAttribute('y', y(dep[i]));
		r.setAttribute('width', fw.toFixed(2));
		r.setAttribute('height', FH - 1);
		r.setAttribute('fill', color(i));
		r.setAttribute('rx', 2);
		if (cls) r.setAttribute('class', cls);
		r.fi = i;
		g.appendChild(r);
		var chars = Math.floor((fw - 6) / 6.6);
		if (chars >= 3) {
			var label = names[nm[i]];
			if (label.length > chars) label = label.slice(0, chars - 2) + '..';
			var t = document.createElementNS(NS, 'text');
			t.setAttribute('x', (fx + 3).toFixed(2));
			t.setAttribute('y', y(dep[i]) + FH - 4);
			t.textContent = label;
			g.appendChild(t);
		}
	}
	function render() {
		if (!N || !TOTAL) return;
		var g = document.createElementNS(NS, 'g'), z = zoomed, a;
		var scale = (W - 2 * PAD) / val[z], x0 = x[z], minw = Math.max(D.minwidth, 0.1);
		for (a = par[z]; a >= 0; a = par[a]) frame(g, a, PAD, W - 2 * PAD, 'anc');
		for (i = z; i < end[z];) {
			var w = val[i] * scale;
			if (w < minw) { i = end[i]; continue; }   // its whole subtree is narrower
			frame(g, i, PAD + (x[i] - x0) * scale, w, '');
			i++;
		}
		while (framesG.firstChild) framesG.removeChild(framesG.firstChild);
		framesG.appendChild(g);
		resetB.setAttribute('class', zoomed ? 'btn' : 'btn off');
	}

	// ---- search ----
	var term = '', icase = false;
	function search(t) {
		var re = null;
		term = t || '';
		hit.fill(0);
		matchedT.textContent = ' ';
		if (term) {
			try { re = new RegExp(term, icase ? 'i' : ''); } catch (e) {
				matchedT.textContent = 'bad regex: ' + e.message;
				re = null;
			}
		}
		if (re) {
			var nameHit = new Uint8Array(names.length), sum = 0, coverEnd = 0;
			for (i = 1; i < names.length; i++) nameHit[i] = re.test(names[i]) ? 1 : 0;
			// Count each sample once: only matched frames with no matched ancestor.
			for (i = 1; i < N; i++) {
				if (!nameHit[nm[i]]) continue;
				hit[i] = 1;
				if (i >= coverEnd) { sum += val[i]; coverEnd = end[i]; }
			}
			// With elided subtrees (max_frames), matches inside them are not seen.
			matchedT.textContent = 'Matched: ' + (D.elided ? '\u2265' : '') + pct(sum, TOTAL);
			matchedT.setAttribute('data-value', TOTAL ? (100 * sum / TOTAL) : 0);
		}
		searchB.textContent = term ? 'Clear' : 'Search';
		icaseB.setAttribute('class', icase ? 'btn' : 'btn off');
		render();
		saveState();
	}
	function askSearch() {
		if (term) { search(''); return; }
		var t = window.prompt('Search frames (regular expression' +
			(icase ? ', ignoring case' : '') + '):', '');
		if (t !== null) search(t);
	}

	// ---- state in the URL: #z=FRAME&s=REGEX&i=1 ----
	function saveState() {
		var h = [];
		if (zoomed) h.push('z=' + zoomed);
		if (term) h.push('s=' + encodeURIComponent(term));
		if (icase) h.push('i=1');
		var url = location.href.split('#')[0] + (h.length ? '#' + h.join('&') : '');
		if (url === location.href) return;
		try { history.replaceState(null, '', url); } catch (e) { loading = true; location.hash = h.join('&'); }
	}
	var loading = false;
	function loadState() {
		var q = {}, parts = location.hash.replace(/^#/, '').split('&');
		for (var k = 0; k < parts.length; k++) {
			var p = parts[k].indexOf('=');
			if (p > 0) q[parts[k].slice(0, p)] = decodeURIComponent(parts[k].slice(p + 1));
		}
		var z = parseInt(q.z || '0', 10);
		zoomed = z > 0 && z < N ? z : 0;
		icase = q.i === '1';
		search(q.s || '');
	}
	window.addEventListener('hashchange', function () {
		if (loading) { loading = false; return; }
		loadState();
	});

	function zoom(i) {
		zoomed = i > 0 ? i : 0;
		render();
		saveState();
	}

	// ---- events ----
	framesG.addEventListener('click', function (e) {
		if (e.target.fi !== undefined) zoom(e.target.fi);
	});
	framesG.addEventListener('mouseover', function (e) {
		var r = e.target;
		if (r.fi === undefined) return;
		details.textContent = describe(r.fi);
		if (!r.firstChild) {   // native tooltip, made on first hover
			var t = document.createElementNS(NS, 'title');
			t.textContent = describe(r.fi);
			r.appendChild(t);
		}
	});
	framesG.addEventListener('mouseout', function () { details.textContent = ' '; });
	resetB.addEventListener('click', function () { zoom(0); });
	searchB.addEventListener('click', askSearch);
	icaseB.addEventListener('click', function () { icase = !icase; search(term); });
	window.addEventListener('keydown', function (e) {
		if (((e.ctrlKey || e.metaKey) && (e.key === 'f' || e.key === 'F')) ||
		    (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey)) {
			e.preventDefault();
			if (term) search('');
			askSearch();
		} else if (e.key === 'Escape') {
			zoom(0);
		}
	});

	loadState();
}());
