extension WebAssets {
    /// The dashboard's script: routes by the URL's fragment (`#/runs`, `#/runs/3`,
    /// `#/runs/3/units/api`), reads the JSON API, follows a run through its event stream, and
    /// builds every element with `textContent` (no data ever goes through `innerHTML`).
    static let script = #"""
        'use strict';
        (function () {
          const PHASES = ['queued', 'preparing', 'running', 'paused', 'in_review', 'landing', 'landed', 'failed', 'blocked', 'stopped'];
          const PHASE_NAMES = { in_review: 'in review' };
          const main = document.getElementById('main');
          const crumbs = document.getElementById('crumbs');
          const connection = document.getElementById('connection');
          let info = null;
          let view = null;

          // Elements, always with text content: data is never parsed as HTML.
          function el(tag, props, children) {
            const node = document.createElement(tag);
            if (props) {
              for (const key of Object.keys(props)) {
                const value = props[key];
                if (value === undefined || value === null) continue;
                if (key === 'text') node.textContent = String(value);
                else if (key === 'class') node.className = value;
                else if (key === 'href') node.setAttribute('href', safeHref(value));
                else if (key === 'title') node.title = String(value);
                else if (key === 'on') { for (const ev of Object.keys(value)) node.addEventListener(ev, value[ev]); }
                else node.setAttribute(key, String(value));
              }
            }
            for (const child of children || []) if (child) node.append(child);
            return node;
          }
          function safeHref(value) {
            const text = String(value);
            if (text.startsWith('#') || text.startsWith('https://') || text.startsWith('http://')) return text;
            return '#';
          }
          function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
          function tokens(n) {
            if (!n) return '0';
            if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
            if (n >= 1e3) return (n / 1e3).toFixed(1) + 'k';
            return String(n);
          }
          function tokenTotal(spend) {
            if (!spend) return 0;
            return (spend.input_tokens || 0) + (spend.output_tokens || 0) + (spend.cache_read_tokens || 0) + (spend.cache_write_tokens || 0);
          }
          function cost(spend) {
            if (!spend) return '–';
            if (!spend.cost_usd && spend.unpriced) return 'unknown';
            return (spend.estimated ? '~' : '') + '$' + (spend.cost_usd || 0).toFixed(2);
          }
          function duration(seconds) {
            if (seconds === null || seconds === undefined) return '–';
            const s = Math.max(0, Math.round(seconds));
            const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
            const pad = (v) => String(v).padStart(2, '0');
            return h ? h + ':' + pad(m) + ':' + pad(r) : pad(m) + ':' + pad(r);
          }
          function clock(iso) {
            if (!iso) return '–';
            const d = new Date(iso);
            return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
          }
          function when(iso) {
            if (!iso) return '–';
            const d = new Date(iso);
            return d.toLocaleDateString() + ' ' + d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
          }
          async function api(path, options) {
            const response = await fetch(path, Object.assign({ headers: { Accept: 'application/json' } }, options || {}));
            const body = await response.json();
            if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
            return body;
          }
          function setCrumbs(parts) {
            clear(crumbs);
            parts.forEach((part, index) => {
              if (index) crumbs.append(' / ');
              crumbs.append(part.href ? el('a', { href: part.href, text: part.text }) : part.text);
            });
          }
          function showError(error) {
            clear(main);
            main.append(el('p', { class: 'failure', text: String(error.message || error) }));
          }

          // ---- The list of runs.
          async function showRuns() {
            setCrumbs([{ text: 'runs' }]);
            const body = await api('/api/runs?limit=200');
            clear(main);
            main.append(el('h1', { text: 'Runs' }));
            if (!body.runs.length) {
              main.append(el('p', { class: 'muted', text: 'No runs recorded yet: `choo run` records them.' }));
              return;
            }
            const rows = body.runs.map((run) => {
              const units = run.units === null || run.units === undefined ? '–'
                : run.units + ' (' + (run.complete || 0) + ' ✓ ' + (run.failed || 0) + ' ✗ ' + (run.blocked || 0) + ' blocked)';
              const outcome = run.live ? 'running' : run.outcome.replace('_', ' ');
              const row = el('tr', { class: 'link', 'data-run': run.id, on: { click: () => { location.hash = '#/runs/' + run.id; } } }, [
                el('td', {}, [el('a', { href: '#/runs/' + run.id, text: '#' + run.id })]),
                el('td', { text: when(run.started_at) }),
                el('td', {}, [el('span', { class: 'badge ' + (run.live ? 'running' : run.outcome), text: outcome })]),
                el('td', { class: 'num', text: duration(run.duration_seconds) }),
                el('td', { class: 'num', text: units }),
                el('td', { class: 'num', text: tokens(tokenTotal(run.spend)) }),
                el('td', { class: 'num', text: cost(run.spend) }),
              ]);
              return row;
            });
            main.append(el('table', { id: 'runs' }, [
              el('thead', {}, [el('tr', {}, ['run', 'started', 'outcome', 'duration', 'units', 'tokens', 'cost'].map((h, i) =>
                el('th', { class: i >= 3 ? 'num' : '', text: h })))]),
              el('tbody', {}, rows),
            ]));
          }

          // ---- One run.
          function RunView(id, selected) {
            this.id = id;
            this.selected = selected || null;
            this.units = new Map();
            this.header = null;
            this.nodes = new Map();
            this.logCount = 0;
            this.source = null;
            this.ticker = null;
            this.logTimer = null;
            this.layoutTimer = null;
            this.rendered = false;
          }
          RunView.prototype.start = async function () {
            setCrumbs([{ text: 'runs', href: '#/runs' }, { text: 'run #' + this.id }]);
            clear(main);
            this.title = el('h1', { text: 'Run #' + this.id });
            this.banners = el('div', { id: 'banners' });
            this.cards = el('div', { class: 'cards', id: 'totals' });
            this.legend = el('div', { class: 'legend' }, PHASES.map((p) => {
              const item = el('span', { text: PHASE_NAMES[p] || p });
              item.style.setProperty('--swatch', 'var(--' + p + ')');
              return item;
            }));
            this.dag = el('div', { class: 'dag', id: 'dag' });
            this.svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
            this.svg.setAttribute('class', 'edges');
            this.dagWrap = el('div', { class: 'dag-wrap' }, [this.dag]);
            this.dag.append(this.svg);
            this.panel = el('aside', { class: 'panel', id: 'unit' });
            this.layout = el('div', { class: 'layout closed' }, [el('div', {}, [this.legend, this.dagWrap]), this.panel]);
            this.events = el('div', { class: 'events', id: 'events' });
            main.append(this.title, this.banners, this.cards, this.layout, el('h3', { text: 'Events' }), this.events);
            const recent = await api('/api/runs/' + this.id + '/events?tail=200');
            for (const event of recent.events) this.addEvent(event);
            this.connect(recent.last_seq);
            this.ticker = setInterval(() => this.tick(), 1000);
          };
          RunView.prototype.stop = function () {
            if (this.source) this.source.close();
            clearInterval(this.ticker);
            clearTimeout(this.logTimer);
            clearTimeout(this.layoutTimer);
          };
          RunView.prototype.connect = function (after) {
            const source = new EventSource('/api/runs/' + this.id + '/stream?after=' + after);
            this.source = source;
            source.addEventListener('open', () => { connection.className = 'connection live'; connection.title = 'live'; });
            source.addEventListener('error', () => { connection.className = 'connection lost'; connection.title = 'reconnecting'; });
            source.addEventListener('journal', (message) => {
              const event = JSON.parse(message.data);
              this.addEvent(event);
              if (this.selected && event.unit === this.selected) this.scheduleLog();
            });
            source.addEventListener('state', (message) => this.applyState(JSON.parse(message.data)));
          };
          RunView.prototype.applyState = function (update) {
            this.header = update.run;
            if (update.full) this.units = new Map();
            let relayout = update.full || !this.rendered;
            for (const unit of update.units) {
              const before = this.units.get(unit.id);
              if (!before || before.level !== unit.level || before.on_critical_path !== unit.on_critical_path) relayout = true;
              this.units.set(unit.id, unit);
              if (!relayout) this.updateNode(unit);
            }
            if (relayout) this.renderDag();
            this.renderHeader();
            if (this.selected && this.units.has(this.selected)) {
              if (update.full || update.units.some((u) => u.id === this.selected)) this.renderPanel();
            }
          };
          RunView.prototype.renderHeader = function () {
            const run = this.header;
            clear(this.title);
            this.title.append('Run #' + this.id + ' ');
            const outcome = run.live ? 'running' : run.outcome.replace('_', ' ');
            this.title.append(el('span', { class: 'badge ' + (run.live ? 'running' : run.outcome), id: 'outcome', text: outcome }));
            if (run.live && !run.stop_requested) {
              this.title.append(el('button', { class: 'stop', id: 'stop', text: 'Stop run', title: 'Stop gracefully, like one Ctrl-C: running agents finish their turn', on: { click: () => this.requestStop() } }));
            }
            const done = run.totals.committed_tasks;
            const cards = [
              ['elapsed', duration(run.elapsed_seconds), 'elapsed'],
              ['remaining', run.remaining_seconds === null || run.remaining_seconds === undefined ? '–' : '~' + duration(run.remaining_seconds), 'remaining'],
              ['units', run.totals.units, 'units'],
              ['landed', run.phases.landed || 0, 'landed'],
              ['running', (run.phases.running || 0) + (run.phases.preparing || 0) + (run.phases.landing || 0) + (run.phases.in_review || 0), 'active'],
              ['failed', (run.phases.failed || 0) + (run.phases.blocked || 0), 'failed'],
              ['tasks', done + ' / ' + (run.totals.tasks || run.planned_tasks || 0), 'tasks'],
              ['tokens', tokens(tokenTotal(run.spend)), 'tokens'],
              ['cost', cost(run.spend), 'cost'],
            ];
            clear(this.cards);
            for (const [label, value, key] of cards) {
              this.cards.append(el('div', { class: 'card', 'data-total': key }, [el('div', { class: 'label', text: label }), el('div', { class: 'value', text: value })]));
            }
            this.renderBanners();
          };
          RunView.prototype.renderBanners = function () {
            const run = this.header;
            clear(this.banners);
            for (const pause of run.pauses || []) {
              const left = pause.until ? (new Date(pause.until).getTime() - Date.now()) / 1000 : null;
              const verb = pause.reset_known ? 'resets' : 'tries again';
              this.banners.append(el('div', { class: 'banner pause', 'data-pause': pause.provider,
                text: '⏸ ' + pause.provider + ' usage limit: its units wait; ' + verb + ' at ' + clock(pause.until) + ' (in ' + duration(left) + ')' }));
            }
            if (run.budget_reached) {
              this.banners.append(el('div', { class: 'banner budget', text: '■ budget reached: ' + (run.budget_reached.message || run.budget_reached.budget) }));
            }
            if (run.live && run.stop_requested) {
              this.banners.append(el('div', { class: 'banner stopping', text: 'Stopping: running agents finish their turn; nothing new starts.' }));
            }
          };
          RunView.prototype.tick = function () {
            if (!this.header) return;
            if (this.header.live && this.header.elapsed_seconds !== null && this.header.elapsed_seconds !== undefined) {
              this.header.elapsed_seconds += 1;
              const card = this.cards.querySelector('[data-total="elapsed"] .value');
              if (card) card.textContent = duration(this.header.elapsed_seconds);
            }
            if ((this.header.pauses || []).length) this.renderBanners();
          };
          RunView.prototype.requestStop = async function () {
            if (!confirm('Stop run #' + this.id + '? Running agents finish their turn; nothing new starts.')) return;
            try {
              await api('/api/runs/' + this.id + '/stop', { method: 'POST', headers: { 'X-Choo-CSRF': info.csrf_token, Accept: 'application/json' } });
            } catch (error) { alert(error.message); }
          };
          RunView.prototype.sortedUnits = function () {
            const byLevel = new Map();
            for (const unit of this.units.values()) {
              const level = unit.level === null || unit.level === undefined ? 0 : unit.level;
              if (!byLevel.has(level)) byLevel.set(level, []);
              byLevel.get(level).push(unit);
            }
            return [...byLevel.entries()].sort((a, b) => a[0] - b[0]);
          };
          RunView.prototype.renderDag = function () {
            this.rendered = true;
            clear(this.dag);
            this.dag.append(this.svg);
            this.nodes = new Map();
            const fragment = document.createDocumentFragment();
            for (const [level, units] of this.sortedUnits()) {
              units.sort((a, b) => (b.on_critical_path - a.on_critical_path) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
              const column = el('div', { class: 'level', 'data-level': level }, [el('div', { class: 'level-title', text: 'level ' + level + ' · ' + units.length })]);
              for (const unit of units) {
                const node = this.makeNode(unit);
                this.nodes.set(unit.id, node);
                column.append(node);
              }
              fragment.append(column);
            }
            this.dag.append(fragment);
            this.scheduleEdges();
          };
          RunView.prototype.makeNode = function (unit) {
            const node = el('div', { class: 'node', 'data-unit': unit.id, tabindex: 0 });
            node.addEventListener('click', () => { location.hash = '#/runs/' + this.id + '/units/' + encodeURIComponent(unit.id); });
            node.addEventListener('keydown', (event) => { if (event.key === 'Enter') node.click(); });
            this.fillNode(node, unit);
            return node;
          };
          RunView.prototype.fillNode = function (node, unit) {
            node.className = 'node phase-' + unit.phase + (unit.on_critical_path ? ' critical' : '') + (unit.id === this.selected ? ' selected' : '');
            node.setAttribute('data-phase', unit.phase);
            clear(node);
            const sub = unit.activity || (PHASE_NAMES[unit.phase] || unit.phase) + (unit.phase_label !== unit.phase ? ' · ' + unit.phase_label : '');
            node.title = unit.id + (unit.title ? ' — ' + unit.title : '') + '\n' + sub + (unit.on_critical_path ? '\non the critical path' : '');
            node.append(el('div', { class: 'name', text: (unit.on_critical_path ? '★ ' : '') + unit.id }));
            node.append(el('div', { class: 'sub', text: sub + ' · ' + unit.tasks_done + '/' + unit.tasks_total }));
            const bar = el('div', { class: 'bar' });
            for (const task of unit.tasks.slice(0, 24)) {
              const cls = task.status === 'committed' || task.status === 'complete' || unit.phase === 'landed' ? 'done'
                : task.status === 'failed' ? 'bad' : task.status === 'running' || task.status === 'checking' ? 'now' : '';
              bar.append(el('i', { class: cls }));
            }
            node.append(bar);
          };
          RunView.prototype.updateNode = function (unit) {
            const node = this.nodes.get(unit.id);
            if (node) this.fillNode(node, unit); else this.renderDag();
          };
          RunView.prototype.scheduleEdges = function () {
            cancelAnimationFrame(this.edgeFrame);
            this.edgeFrame = requestAnimationFrame(() => this.drawEdges());
          };
          RunView.prototype.drawEdges = function () {
            const svg = this.svg;
            while (svg.firstChild) svg.removeChild(svg.firstChild);
            const all = this.units.size <= 300;
            const critical = new Set(this.header ? this.header.critical_path : []);
            const base = this.dag.getBoundingClientRect();
            svg.setAttribute('width', this.dag.scrollWidth);
            svg.setAttribute('height', this.dag.scrollHeight);
            const boxes = new Map();
            const box = (id) => {
              if (!boxes.has(id)) { const n = this.nodes.get(id); boxes.set(id, n ? n.getBoundingClientRect() : null); }
              return boxes.get(id);
            };
            for (const unit of this.units.values()) {
              for (const dep of unit.depends_on) {
                const onPath = critical.has(unit.id) && critical.has(dep);
                const touches = this.selected && (unit.id === this.selected || dep === this.selected);
                if (!all && !onPath && !touches) continue;
                const from = box(dep), to = box(unit.id);
                if (!from || !to) continue;
                const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
                line.setAttribute('x1', from.right - base.left);
                line.setAttribute('y1', from.top + from.height / 2 - base.top);
                line.setAttribute('x2', to.left - base.left);
                line.setAttribute('y2', to.top + to.height / 2 - base.top);
                if (onPath) line.setAttribute('class', 'critical'); else if (touches) line.setAttribute('class', 'selected');
                svg.append(line);
              }
            }
            if (!window.chooFirstRender && this.rendered) {
              window.chooFirstRender = performance.now();
              document.body.setAttribute('data-first-render-ms', Math.round(window.chooFirstRender));
              document.body.setAttribute('data-units', this.units.size);
            }
          };
          RunView.prototype.select = function (id) {
            const before = this.selected;
            this.selected = id;
            if (before && this.nodes.has(before)) this.nodes.get(before).classList.remove('selected');
            if (id && this.nodes.has(id)) this.nodes.get(id).classList.add('selected');
            this.layout.className = id ? 'layout' : 'layout closed';
            this.logLines = null;
            this.renderPanel();
            this.scheduleEdges();
            if (id) this.loadLog();
          };
          RunView.prototype.renderPanel = function () {
            const panel = this.panel;
            clear(panel);
            const unit = this.selected && this.units.get(this.selected);
            if (!unit) {
              if (this.selected) panel.append(el('p', { class: 'muted', text: 'No unit ' + this.selected + ' in this run.' }));
              return;
            }
            setCrumbs([{ text: 'runs', href: '#/runs' }, { text: 'run #' + this.id, href: '#/runs/' + this.id }, { text: unit.id }]);
            panel.append(el('button', { class: 'close', text: '×', title: 'close', on: { click: () => { location.hash = '#/runs/' + this.id; } } }));
            panel.append(el('h2', { text: unit.id }));
            if (unit.title) panel.append(el('div', { class: 'muted', id: 'unit-title', text: unit.title }));
            panel.append(el('p', {}, [
              el('span', { class: 'badge phase-' + unit.phase, id: 'unit-phase', text: PHASE_NAMES[unit.phase] || unit.phase }),
              ' ' + unit.phase_label + (unit.on_critical_path ? ' · on the critical path' : ''),
            ]));
            if (unit.activity) panel.append(el('p', { id: 'unit-activity', text: 'Now: ' + unit.activity + (unit.paused_until ? ' (until ' + clock(unit.paused_until) + ')' : '') }));
            if (unit.failure) {
              panel.append(el('div', { class: 'failure', id: 'unit-failure' }, [
                el('div', { text: 'Failed in ' + unit.failure.phase + ': ' + unit.failure.reason }),
                el('div', { class: 'todo', text: 'What to do: ' + unit.failure.what_to_do }),
              ]));
            } else if (unit.blocked_by.length) {
              panel.append(el('div', { class: 'failure', text: 'Blocked by ' + unit.blocked_by.join(', ') }));
            }
            panel.append(el('p', { text: 'Tokens ' + tokens(tokenTotal(unit.spend)) + ' · cost ' + cost(unit.spend) + (unit.depends_on.length ? ' · depends on ' + unit.depends_on.join(', ') : '') }));
            panel.append(el('h3', { text: 'Tasks' }));
            panel.append(el('table', { id: 'unit-tasks' }, [
              el('thead', {}, [el('tr', {}, ['#', 'task', 'status', 'tries', 'time', 'commit'].map((h) => el('th', { text: h })))]),
              el('tbody', {}, unit.tasks.map((task) => el('tr', { 'data-task': task.number }, [
                el('td', { text: task.number }),
                el('td', { text: task.title || '' }),
                el('td', { text: task.status, title: task.error || '' }),
                el('td', { class: 'num', text: task.attempts }),
                el('td', { class: 'num', text: task.duration_seconds === null || task.duration_seconds === undefined ? '–' : duration(task.duration_seconds) }),
                el('td', { text: task.commit ? task.commit.slice(0, 8) : '' }),
              ]))),
            ]));
            const pr = unit.pull_request;
            if (pr) {
              panel.append(el('h3', { text: 'Pull request' }));
              panel.append(el('p', { id: 'unit-pr' }, [
                pr.url ? el('a', { href: pr.url, text: '#' + pr.number, rel: 'noreferrer noopener', target: '_blank' }) : '#' + pr.number,
                ' · review: ' + (pr.review || '–') + ' · CI: ' + (pr.ci || '–') + (pr.ci_pending.length ? ' (waiting for ' + pr.ci_pending.join(', ') + ')' : ''),
                pr.ci_failures ? el('div', { class: 'failure', text: pr.ci_failures }) : null,
                pr.problem ? el('div', { class: 'failure', text: pr.problem }) : null,
              ]));
            }
            if (unit.landing) panel.append(el('p', { text: 'Landed on ' + unit.landing.target + ' at ' + unit.landing.commit.slice(0, 10) }));
            if (unit.turns.length) {
              panel.append(el('h3', { text: 'Agent turns' }));
              panel.append(el('table', {}, [el('tbody', {}, unit.turns.slice(-8).map((turn) => el('tr', {}, [
                el('td', { text: turn.kind + (turn.task ? ' #' + turn.task : '') + ' try ' + turn.attempt }),
                el('td', { text: turn.provider }),
                el('td', { text: turn.ended_at ? (turn.exit || 'ended') : (turn.last_tool || 'running') }),
                el('td', { class: 'num', text: tokens(tokenTotal(turn.spend)) + ' ' + cost(turn.spend) }),
              ])))]));
            }
            panel.append(el('h3', { text: 'Agent log' }));
            this.logView = el('pre', { class: 'log', id: 'unit-log', text: this.logLines ? this.logLines.join('\n') : '…' });
            panel.append(this.logView);
          };
          RunView.prototype.scheduleLog = function () {
            clearTimeout(this.logTimer);
            this.logTimer = setTimeout(() => this.loadLog(), 300);
          };
          RunView.prototype.loadLog = async function () {
            const id = this.selected;
            if (!id) return;
            try {
              const tail = await api('/api/runs/' + this.id + '/units/' + encodeURIComponent(id) + '/log?lines=200');
              if (this.selected !== id) return;
              this.logLines = tail.lines.length ? tail.lines : ['(no agent log yet)'];
              if (this.logView) {
                const atEnd = this.logView.scrollTop + this.logView.clientHeight >= this.logView.scrollHeight - 4;
                this.logView.textContent = this.logLines.join('\n');
                if (atEnd) this.logView.scrollTop = this.logView.scrollHeight;
              }
            } catch (error) { if (this.logView) this.logView.textContent = String(error.message); }
          };
          RunView.prototype.addEvent = function (event) {
            const text = [clock(event.time), event.type, event.unit ? event.unit + (event.task ? ' #' + event.task : '') : ''].filter(Boolean).join('  ');
            const line = el('div', { 'data-seq': event.seq }, [el('span', { class: 'seq', text: event.seq }), text]);
            if (event.error) line.append(el('span', { class: 'error', text: '  ' + event.error }));
            line.title = event.error || JSON.stringify(event.payload || {});
            this.events.prepend(line);
            this.logCount += 1;
            while (this.logCount > 500) { this.events.lastChild.remove(); this.logCount -= 1; }
          };

          // ---- Routing.
          async function route() {
            const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
            try {
              if (!parts.length) {
                if (info.focus_run) { location.replace('#/runs/' + info.focus_run); return; }
                return showRuns();
              }
              if (parts[0] === 'runs' && parts.length === 1) { if (view) { view.stop(); view = null; } return showRuns(); }
              if (parts[0] === 'runs' && parts[1]) {
                const id = Number(parts[1]);
                const unit = parts[2] === 'units' ? parts[3] : null;
                if (!view || view.id !== id) {
                  if (view) view.stop();
                  view = new RunView(id, unit);
                  await view.start();
                }
                view.select(unit);
                return;
              }
              showError(new Error('No such page.'));
            } catch (error) { showError(error); }
          }
          window.addEventListener('hashchange', route);
          api('/api/info').then((body) => { info = body; route(); }).catch(showError);
        })();
        """#
}
