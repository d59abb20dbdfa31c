/**
 * The HTML report's inline style and script. The script reads the embedded JSON and builds every table
 * and timeline with createElement and textContent only: no string from the data is ever parsed as markup.
 * Written without template literals so it can sit in a TypeScript string as it is. Its few non-ASCII
 * characters are put in by substitution: the bundle is ASCII (scripts/bundle.mjs), and the text of a
 * String.raw template cannot be escaped.
 */
const [EN_DASH, MIDDLE_DOT, UP, DOWN] = ['\u2013', '\u00b7', '\u25b2', '\u25bc'];

export const HTML_STYLE = String.raw`
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa;--accent:#0969da;--bad:#cf222e;--warn:#9a6700;--ok:#1a7f37}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:var(--fg);background:#fff}
header{padding:16px 24px;border-bottom:1px solid var(--line);background:var(--bg)}h1{margin:0;font-size:20px}.sub{margin:4px 0 0;color:var(--muted)}
main{padding:16px 24px;max-width:1200px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:16px}
.tile{border:1px solid var(--line);border-radius:8px;padding:12px 14px}.tile .value{font-size:24px;font-weight:600}.tile .label{color:var(--muted)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px;margin-bottom:20px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:10px 12px}figcaption{font-weight:600;margin-bottom:6px}
svg text{font-size:11px;fill:var(--fg)}svg .tick{fill:var(--muted)}svg .bar{fill:var(--accent)}svg .bar.late{fill:var(--bad)}
svg .axis{stroke:var(--line)}svg .limit{stroke:var(--bad);stroke-width:2;stroke-dasharray:4 3}svg .limit-label{fill:var(--bad);font-weight:600}
.empty{color:var(--muted)}
h2{font-size:16px;margin:8px 0}
.toolbar{display:flex;gap:12px;align-items:center;margin:8px 0}.toolbar input{padding:5px 8px;border:1px solid var(--line);border-radius:6px;min-width:220px}
table{border-collapse:collapse;width:100%}th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
th{background:var(--bg);cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:" ${UP}"}th[aria-sort=descending]::after{content:" ${DOWN}"}
td.num,th.num{text-align:right}tbody tr:hover{background:#f0f6ff}a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.pager{display:flex;gap:8px;align-items:center;margin:8px 0;color:var(--muted)}button{padding:3px 10px;border:1px solid var(--line);background:#fff;border-radius:6px;cursor:pointer}button:disabled{opacity:.4;cursor:default}
.nav{margin-bottom:10px;display:flex;gap:14px}
.stats{color:var(--muted);margin:2px 0 12px}
.day{color:var(--muted);margin:14px 0 4px;border-bottom:1px dashed var(--line)}.gap{color:var(--muted);font-style:italic;padding:4px 0 4px 74px}
.msg{display:grid;grid-template-columns:64px 1fr;gap:2px 10px;padding:6px 0;border-bottom:1px solid #eef0f2}
.msg .idx{color:var(--muted);font-variant-numeric:tabular-nums}.msg .head{display:flex;gap:10px;flex-wrap:wrap;color:var(--muted)}
.msg .who{font-weight:600}.role-agent .who{color:var(--accent)}.role-customer .who{color:#8250df}
.msg .text{grid-column:2;white-space:pre-wrap;word-break:break-word;margin:0}
.delay{border-radius:10px;padding:0 7px;font-size:12px}.delay.ok{background:#dafbe1;color:var(--ok)}.delay.warn{background:#fff8c5;color:var(--warn)}.delay.late{background:#ffebe9;color:var(--bad);font-weight:600}
mark{background:#ffcecb;color:inherit;border-bottom:2px solid var(--bad);padding:0 1px}
.finding{grid-column:2;padding:2px 8px;border-left:3px solid var(--bad);background:#fff5f5;margin-top:2px}.finding.sev-warning{border-color:#d4a72c;background:#fffbe6}.finding.sev-info{border-color:var(--accent);background:#f0f6ff}
.finding .sev{font-weight:600;margin-right:6px}.finding .rule{font-family:ui-monospace,monospace;margin-right:6px}
.score{margin-top:14px;font-size:15px}.score .bad,.deductions .bad{color:var(--bad)}.score .good{color:var(--ok)}
`;

export const HTML_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var L = data.labels;
  var SEV = ['error', 'warning', 'info'];
  var ROLE = ['agent', 'customer', 'bot', 'system'];
  var PAGE = 50;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, k) { return Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : whole; });
  }
  function link(text, hash) { var a = el('a', null, text); a.setAttribute('href', hash); return a; }
  function pct(x) { return x === null ? '${EN_DASH}' : Math.round(x * 100) + '%'; }
  function score(x) { return x === null ? '${EN_DASH}' : (Math.round(x * 10) / 10).toFixed(1); }

  // Conversations of each agent, by agent index (ids come from the data and are never used as object keys).
  var agentIndex = new Map();
  data.agents.forEach(function (a, i) { agentIndex.set(a[0], i); });
  var byAgent = data.agents.map(function () { return []; });
  data.conversations.forEach(function (c, i) {
    c[2].forEach(function (id) { var k = agentIndex.get(id); if (k !== undefined) byAgent[k].push(i); });
  });

  // A sortable, paginated table. columns: {label, value(row), num, cell(row) -> Node}.
  function table(host, columns, rows, sortBy, filterOf, filterLabel) {
    var state = { key: sortBy[0], dir: sortBy[1], page: 0, filter: '' };
    var toolbar = el('div', 'toolbar');
    var count = el('span', 'count');
    if (filterOf) {
      var input = el('input');
      input.type = 'search';
      input.placeholder = filterLabel;
      input.setAttribute('aria-label', filterLabel);
      input.addEventListener('input', function () { state.filter = input.value.toLowerCase(); state.page = 0; draw(); });
      toolbar.appendChild(input);
    }
    toolbar.appendChild(count);
    var t = el('table');
    var thead = el('thead');
    var headRow = el('tr');
    var ths = columns.map(function (c, i) {
      var th = el('th', c.num ? 'num' : null, c.label);
      th.addEventListener('click', function () {
        state.dir = state.key === i ? -state.dir : (c.num ? -1 : 1);
        state.key = i;
        state.page = 0;
        draw();
      });
      headRow.appendChild(th);
      return th;
    });
    thead.appendChild(headRow);
    var tbody = el('tbody');
    t.appendChild(thead);
    t.appendChild(tbody);
    var pager = el('div', 'pager');
    var prev = el('button', null, L.previous);
    var next = el('button', null, L.next);
    var where = el('span');
    prev.addEventListener('click', function () { state.page--; draw(); });
    next.addEventListener('click', function () { state.page++; draw(); });
    pager.appendChild(prev); pager.appendChild(where); pager.appendChild(next);
    host.appendChild(toolbar); host.appendChild(t); host.appendChild(pager);

    function draw() {
      var shown = state.filter ? rows.filter(function (r) { return filterOf(r).toLowerCase().indexOf(state.filter) >= 0; }) : rows.slice();
      var col = columns[state.key];
      shown.sort(function (a, b) {
        var x = col.value(a), y = col.value(b);
        if (x === y) return 0;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (x < y ? -1 : 1) * state.dir;
      });
      var pages = Math.max(1, Math.ceil(shown.length / PAGE));
      state.page = Math.min(Math.max(0, state.page), pages - 1);
      ths.forEach(function (th, i) { th.setAttribute('aria-sort', i === state.key ? (state.dir > 0 ? 'ascending' : 'descending') : 'none'); });
      tbody.replaceChildren();
      shown.slice(state.page * PAGE, state.page * PAGE + PAGE).forEach(function (r) {
        var tr = el('tr');
        columns.forEach(function (c) {
          var td = el('td', c.num ? 'num' : null);
          if (c.cell) td.appendChild(c.cell(r)); else td.textContent = c.value(r) === null ? '${EN_DASH}' : String(c.value(r));
          tr.appendChild(td);
        });
        tbody.appendChild(tr);
      });
      count.textContent = fill(L.of, { n: shown.length, m: rows.length });
      where.textContent = fill(L.page, { n: state.page + 1, m: pages });
      prev.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
    }
    draw();
  }

  function agentLabel(a) { return a[1] && a[1] !== a[0] ? a[0] + ' ' + a[1] : a[0]; }

  function agentsTable() {
    var host = document.getElementById('agents');
    host.appendChild(el('h2', null, L.agents));
    var rows = data.agents.map(function (a, i) { return { a: a, i: i }; });
    var cols = [
      { label: L.agent, value: function (r) { return r.a[0]; }, cell: function (r) { return link(r.a[0], '#a' + r.i); } },
      { label: L.name, value: function (r) { return r.a[1] || ''; } },
      { label: L.conversations, num: true, value: function (r) { return r.a[2]; } },
      { label: L.messages, num: true, value: function (r) { return r.a[3]; } },
      { label: L.findings, num: true, value: function (r) { return r.a[4]; } },
    ];
    if (data.scored) {
      cols.push({ label: L.avg, num: true, value: function (r) { return r.a[5]; }, cell: function (r) { return document.createTextNode(score(r.a[5])); } });
      cols.push({ label: L.passRate, num: true, value: function (r) { return r.a[6]; }, cell: function (r) { return document.createTextNode(pct(r.a[6])); } });
      cols.push({ label: L.critical, num: true, value: function (r) { return r.a[7]; } });
    }
    table(host, cols, rows, data.scored ? [5, 1] : [4, -1], function (r) { return r.a[0] + ' ' + (r.a[1] || ''); }, L.filter);
  }

  function conversationColumns() {
    var cols = [
      { label: L.conversation, value: function (i) { return data.conversations[i][0]; }, cell: function (i) { return link(data.conversations[i][0], '#c' + i); } },
      { label: L.started, value: function (i) { return data.conversations[i][1]; } },
      { label: L.agents, value: function (i) { return data.conversations[i][2].join(', '); } },
      { label: L.messages, num: true, value: function (i) { return data.conversations[i][3]; } },
      { label: L.findings, num: true, value: function (i) { return data.conversations[i][4]; } },
    ];
    if (data.scored) cols.push({ label: L.score, num: true, value: function (i) { return data.conversations[i][5]; } });
    return cols;
  }

  function showAgent(host, k) {
    var a = data.agents[k];
    host.appendChild(el('h2', null, L.agent + ' ' + agentLabel(a)));
    var stats = [a[2] + ' ' + L.conversationsLower, a[3] + ' ' + L.messagesLower, a[4] + ' ' + L.findingsLower];
    if (data.scored) stats.push(L.avg + ' ' + score(a[5]), L.passRate + ' ' + pct(a[6]));
    host.appendChild(el('p', 'stats', stats.join(' ${MIDDLE_DOT} ')));
    table(host, conversationColumns(), byAgent[k], data.scored ? [5, 1] : [4, -1], function (i) { return data.conversations[i][0]; }, L.filterConversations);
  }

  // Match ranges in a message text: the finding's offset when the text there is the match, else its first occurrence.
  function ranges(text, findings) {
    var out = [];
    findings.forEach(function (f) {
      var match = f[4];
      if (!match) return;
      var at = f[3] !== null && text.slice(f[3], f[3] + match.length) === match ? f[3] : text.indexOf(match);
      if (at >= 0) out.push([at, at + match.length]);
    });
    out.sort(function (x, y) { return x[0] - y[0]; });
    var merged = [];
    out.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else merged.push(r.slice());
    });
    return merged;
  }

  function messageText(text, findings) {
    var p = el('p', 'text');
    var at = 0;
    ranges(text, findings).forEach(function (r) {
      if (r[0] > at) p.appendChild(document.createTextNode(text.slice(at, r[0])));
      p.appendChild(el('mark', null, text.slice(r[0], r[1])));
      at = r[1];
    });
    if (at < text.length) p.appendChild(document.createTextNode(text.slice(at)));
    return p;
  }

  function delayBadge(seconds) {
    var tone = data.replyLimit === null ? 'ok' : seconds > data.replyLimit ? 'late' : seconds > data.replyLimit * 0.75 ? 'warn' : 'ok';
    return el('span', 'delay ' + tone, L.reply + ' ' + seconds + ' s');
  }

  function showConversation(host, i) {
    var c = data.conversations[i];
    host.appendChild(el('h2', null, L.conversation + ' ' + c[0]));
    var stats = [c[1], c[3] + ' ' + L.messagesLower, c[4] + ' ' + L.findingsLower, data.files[c[9]], fill(L.timesIn, { zone: data.timezone })];
    host.appendChild(el('p', 'stats', stats.join(' ${MIDDLE_DOT} ')));
    var agents = el('p', 'nav');
    c[2].forEach(function (id) { var k = agentIndex.get(id); if (k !== undefined) agents.appendChild(link(L.agent + ' ' + agentLabel(data.agents[k]), '#a' + k)); });
    host.appendChild(agents);
    var t = data.transcripts[i];
    if (!t) { host.appendChild(el('p', 'empty', L.noTranscript)); return; }
    if (!t.c) host.appendChild(el('p', 'empty', L.partial));
    var byMessage = new Map();
    t.f.forEach(function (f) { if (!byMessage.has(f[0])) byMessage.set(f[0], []); byMessage.get(f[0]).push(f); });
    var timeline = el('div', 'timeline');
    var day = '';
    var expected = 0;
    t.m.forEach(function (m) {
      var index = m[0];
      if (index > expected) timeline.appendChild(el('div', 'gap', fill(L.notIncluded, { n: index - expected })));
      expected = index + 1;
      var date = m[1].slice(0, 10);
      if (date !== day) { timeline.appendChild(el('div', 'day', date)); day = date; }
      var role = ROLE[m[2]] || 'system';
      var row = el('div', 'msg role-' + role);
      row.appendChild(el('span', 'idx', L.msg + ' ' + (index + 1)));
      var head = el('div', 'head');
      head.appendChild(el('span', 'time', m[1].slice(11)));
      var who = L[role === 'agent' ? 'agentRole' : role];
      if ((role === 'agent' || role === 'bot') && m[3]) who += ' ' + m[3] + (m[4] && m[4] !== m[3] ? ' ' + m[4] : '');
      head.appendChild(el('span', 'who', who));
      if (m[6] !== null) head.appendChild(delayBadge(m[6]));
      row.appendChild(head);
      var findings = byMessage.get(index) || [];
      row.appendChild(el('span'));
      row.appendChild(messageText(m[5], findings));
      findings.forEach(function (f) {
        var sev = SEV[f[2]] || 'info';
        var box = el('div', 'finding sev-' + sev);
        box.appendChild(el('span', 'sev', L[sev]));
        box.appendChild(el('span', 'rule', data.rules[f[1]] || ''));
        box.appendChild(el('span', 'note', data.notes[f[5]]));
        row.appendChild(el('span'));
        row.appendChild(box);
      });
      timeline.appendChild(row);
    });
    if (!t.c && expected < c[3]) timeline.appendChild(el('div', 'gap', fill(L.notIncluded, { n: c[3] - expected })));
    host.appendChild(timeline);
    if (data.scored) {
      var s = el('div', 'score');
      s.appendChild(el('strong', null, L.score + ' ' + c[5] + ' / ' + data.base + '  '));
      s.appendChild(el('span', c[6] ? 'good' : 'bad', c[7] ? L.criticalFail : c[6] ? L.passed : L.failed));
      host.appendChild(s);
      var list = el('ul', 'deductions');
      for (var d = 0; d + 1 < c[8].length; d += 2) {
        if (c[8][d + 1] > 0) list.appendChild(el('li', null, '-' + c[8][d + 1] + '  ' + (data.rules[c[8][d]] || '')));
      }
      var bottom = new Set();
      t.f.forEach(function (f) { var id = data.rules[f[1]]; if (data.criticalRules.indexOf(id) >= 0) bottom.add(id); });
      bottom.forEach(function (id) { list.appendChild(el('li', 'bad', id + ' (' + L.bottomLine + ')')); });
      if (list.childNodes.length) { host.appendChild(el('p', null, L.deductions)); host.appendChild(list); }
    }
  }

  var overview = document.getElementById('overview');
  var detail = document.getElementById('detail');
  function route() {
    var hash = location.hash;
    var m = /^#([ac])(\d+)$/.exec(hash);
    var i = m ? Number(m[2]) : -1;
    var valid = m && (m[1] === 'a' ? i < data.agents.length : i < data.conversations.length);
    overview.hidden = Boolean(valid);
    detail.hidden = !valid;
    detail.replaceChildren();
    if (!valid) return;
    var nav = el('p', 'nav');
    nav.appendChild(link(L.overview, '#'));
    detail.appendChild(nav);
    if (m[1] === 'a') showAgent(detail, i); else showConversation(detail, i);
    window.scrollTo(0, 0);
  }
  agentsTable();
  window.addEventListener('hashchange', route);
  route();
})();
`;
