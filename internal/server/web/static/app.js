// Web UI of `retail-datagen serve`: a single page with hash routes that
// talks to the REST API under /api/v1. Plain JavaScript, no dependencies.
'use strict';

(() => {
  const API = '/api/v1';
  const TOKEN_KEY = 'retail-datagen.api-token';
  const HISTORY_MS = 5 * 60 * 1000;
  const VALIDATE_DELAY_MS = 400;
  const FINAL_JOB_STATES = new Set(['succeeded', 'failed', 'cancelled']);
  const ACTIVE_JOB_STATES = new Set(['queued', 'running']);
  const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

  const MASTER_TABLES = ['geographies', 'distribution_centers', 'stores', 'trucks', 'customers',
    'products', 'campaigns', 'promotions', 'store_inventory_initial', 'dc_inventory_initial'];
  const FACT_TABLES = ['receipts', 'receipt_lines', 'payments', 'promotions_applied',
    'store_inventory_txn', 'stockouts', 'foot_traffic', 'ble_pings', 'customer_zone_changes',
    'reorders', 'dc_inventory_txn', 'truck_moves', 'truck_inventory', 'supply_chain_disruptions',
    'online_orders', 'online_order_lines', 'marketing_impressions', 'store_ops'];
  const EVENT_TYPES = ['receipt_created', 'receipt_line_added', 'payment_processed',
    'promotion_applied', 'inventory_updated', 'stockout_detected', 'reorder_triggered',
    'customer_entered', 'customer_zone_changed', 'ble_ping_detected', 'truck_status_changed',
    'truck_arrived', 'truck_departed', 'store_opened', 'store_closed', 'ad_impression',
    'online_order_created', 'online_order_line_added', 'online_order_picked',
    'online_order_shipped', 'online_order_delivered', 'disruption_started', 'disruption_ended'];
  const STORE_CLASSES = ['flagship', 'high_volume', 'medium_volume', 'low_volume', 'kiosk'];
  const CLASS_COLORS = ['#2f6fdb', '#1a9c8c', '#e39b2d', '#c2577a', '#7a63c9', '#6b8e23', '#8c7b6b'];
  const SECRET_KEYS = new Set(['realtime.azure_connection_string', 'storage.account_key']);

  // ---------------------------------------------------------------- DOM helpers

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child instanceof Node ? child : String(child));
      }
    }
    return node;
  }

  function setAttrs(node, attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'class') node.setAttribute('class', value);
      else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';
  function svgEl(tag, attrs, parent) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    if (parent) parent.append(node);
    return node;
  }

  function setText(node, text, value) {
    node.textContent = text;
    if (value !== undefined) node.dataset.value = value === null ? '' : String(value);
  }

  // Clears an SVG chart but keeps its <title>, which names it for screen readers.
  function clearSvg(svg) {
    for (const child of Array.from(svg.childNodes)) {
      if (child.nodeName !== 'title') child.remove();
    }
  }

  // ------------------------------------------------------------------ formatting

  const intFormat = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0});
  const decFormat = new Intl.NumberFormat('en-US', {maximumFractionDigits: 1});
  const moneyFormat = new Intl.NumberFormat('en-US', {style: 'currency', currency: 'USD', maximumFractionDigits: 0});

  function num(value) {
    if (value === null || value === undefined || value === '') return null;
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  const fmtInt = (v) => (num(v) === null ? '–' : intFormat.format(num(v)));
  const fmtDec = (v) => (num(v) === null ? '–' : decFormat.format(num(v)));

  function fmtCompact(v) {
    const a = Math.abs(v);
    if (a >= 1e9) return `${decFormat.format(v / 1e9)}G`;
    if (a >= 1e6) return `${decFormat.format(v / 1e6)}M`;
    if (a >= 1e3) return `${decFormat.format(v / 1e3)}k`;
    return decFormat.format(v);
  }

  function fmtBytes(v) {
    const n = num(v);
    if (n === null) return '–';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let i = 0;
    let x = n;
    while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
    return `${i === 0 ? x : x.toFixed(1)} ${units[i]}`;
  }

  function fmtDuration(seconds) {
    let s = num(seconds);
    if (s === null) return '–';
    s = Math.round(Math.abs(s));
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    if (d > 0) return `${d}d ${h}h`;
    if (h > 0) return `${h}h ${m}m`;
    if (m > 0) return `${m}m ${sec}s`;
    return `${sec}s`;
  }

  function fmtTime(iso) {
    if (!iso) return '–';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
  }

  const label = (name) => String(name).replace(/_/g, ' ');

  // Percent 0–100 from a 0–1 fraction; 100 only when complete.
  function percent(fraction) {
    const f = Math.min(1, Math.max(0, num(fraction) ?? 0));
    return f >= 1 ? 100 : Math.floor(f * 100);
  }

  // A list out of a response that is either an array or an object holding one.
  function listOf(data, ...keys) {
    if (Array.isArray(data)) return data;
    for (const key of keys) {
      if (data && Array.isArray(data[key])) return data[key];
    }
    return [];
  }

  // ------------------------------------------------------------------ API access

  class ApiError extends Error {
    constructor(message, status = 0, problem = null) {
      super(message);
      this.name = 'ApiError';
      this.status = status;
      this.problem = problem;
    }
  }

  const onHttp = () => location.protocol === 'http:' || location.protocol === 'https:';

  function token() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) || '';
    } catch {
      return '';
    }
  }

  function setToken(value) {
    try {
      if (value) sessionStorage.setItem(TOKEN_KEY, value);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // Storage unavailable (private mode, file://): the token lasts for this page only.
    }
  }

  function setOffline(offline, detail) {
    const banner = byTestId('server-status');
    banner.hidden = !offline;
    if (detail) $('#server-status-detail').textContent = detail;
    document.body.classList.toggle('offline', offline);
  }

  function unreachable() {
    if (!onHttp()) {
      setOffline(true, 'This page was opened as a file. Start retail-datagen serve and open the address it prints.');
    } else {
      setOffline(true);
    }
    return new ApiError('Cannot reach the server. Is retail-datagen serve running?');
  }

  async function api(path, {method = 'GET', body, signal} = {}) {
    if (!onHttp()) throw unreachable();
    const headers = {Accept: 'application/json, application/problem+json'};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const bearer = token();
    if (MUTATING.has(method) && bearer) headers.Authorization = `Bearer ${bearer}`;
    let res;
    try {
      res = await fetch(API + path, {
        method, headers, signal, cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      if (err && err.name === 'AbortError') throw err;
      throw unreachable();
    }
    setOffline(false);
    let data = null;
    const text = await res.text().catch(() => '');
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
    }
    if (res.status === 401) {
      byTestId('auth-message').hidden = false;
    } else if (res.ok && MUTATING.has(method)) {
      byTestId('auth-message').hidden = true;
    }
    if (res.ok) return data;
    const problem = data && typeof data === 'object' ? data : null;
    let message = problem && (problem.detail || problem.title);
    if (!message && typeof data === 'string' && data.trim() && data.length < 300) message = data.trim();
    if (!message) message = `${res.status} ${res.statusText || 'error'}`;
    if (res.status === 401 && !(problem && problem.detail)) {
      message = 'Not authorized: enter the API token (RETAIL_DATAGEN_API_TOKEN) at the top of the page.';
    }
    throw new ApiError(message, res.status, problem);
  }

  // Dotted configuration key of an error location such as "body.volume.stores" or "/volume/stores".
  function errorKey(location) {
    return String(location ?? '').trim()
      .replace(/^#?\//, '').replace(/\//g, '.')
      .replace(/^(body|query|path)\./, '');
  }

  // Field errors of a problem document, or of a validation answer.
  function fieldErrors(list) {
    if (!Array.isArray(list)) return [];
    return list.map((e) => ({
      key: errorKey(e.location ?? e.key ?? e.field ?? e.pointer ?? ''),
      message: String(e.message ?? e.rule ?? e.detail ?? 'invalid'),
      value: e.value,
    }));
  }

  // Shows an error (or hides the box when err is null) with its field errors.
  function showError(box, err, fields) {
    box.replaceChildren();
    if (!err) {
      box.hidden = true;
      return;
    }
    if (err.name === 'AbortError') return;
    const problem = err.problem;
    const title = problem && problem.title && problem.detail && problem.title !== problem.detail ? `${problem.title}: ` : '';
    box.append(el('p', {}, title ? el('strong', {text: title}) : null, err.message || String(err)));
    const errors = fields ?? fieldErrors(problem && problem.errors);
    if (errors.length) {
      box.append(el('ul', {}, errors.map((e) => el('li', {},
        e.key ? el('code', {text: e.key}) : null, e.key ? ': ' : '', e.message,
        e.value !== undefined && e.value !== null && e.value !== '***' ? ` (got ${JSON.stringify(e.value)})` : ''))));
    }
    box.hidden = false;
  }

  // Follows a status resource: server-sent events from ssePath, or polling
  // of path when they are unavailable. Stops itself once isFinal(data).
  function follow(path, ssePath, {onData, onError, isFinal = () => false, interval = 1000}) {
    let closed = false;
    let source = null;
    let timer = 0;
    let controller = null;
    let delay = interval;
    let reopen = false;
    const stop = () => {
      closed = true;
      if (source) source.close();
      source = null;
      clearTimeout(timer);
      if (controller) controller.abort();
    };
    const deliver = (data) => {
      if (closed || !data || typeof data !== 'object') return;
      onData(data);
      if (isFinal(data)) stop();
    };
    const poll = async () => {
      controller = new AbortController();
      try {
        deliver(await api(path, {signal: controller.signal}));
        delay = interval;
        if (reopen && !closed) {
          reopen = false;
          open();
          return;
        }
      } catch (err) {
        if (err.name === 'AbortError') return;
        if (onError) onError(err);
        if (err.status >= 400 && err.status < 500 && err.status !== 429) {
          stop();
          return;
        }
        delay = Math.min(delay * 2, 10000);
      }
      if (!closed) timer = setTimeout(poll, delay);
    };
    const open = () => {
      let received = false;
      source = new EventSource(API + ssePath);
      const onMessage = (ev) => {
        let data;
        try {
          data = JSON.parse(ev.data);
        } catch {
          return;
        }
        received = true;
        setOffline(false);
        deliver(data);
      };
      source.addEventListener('status', onMessage);
      source.addEventListener('message', onMessage);
      source.onerror = () => {
        if (closed) return;
        // The stream broke or is not served: poll; go back to events once
        // the server answers again if they worked before.
        source.close();
        source = null;
        reopen = received;
        poll();
      };
    };
    if (onHttp() && typeof EventSource === 'function') open();
    else poll();
    return {stop};
  }

  // ---------------------------------------------------------------------- charts

  // The top of a y axis at or above v whose four ticks are round numbers.
  function niceCeil(v) {
    if (!(v > 0)) return 4;
    const step = v / 4;
    const p = 10 ** Math.floor(Math.log10(step));
    for (const m of [1, 2, 2.5, 5, 10]) {
      if (m * p >= step) return 4 * m * p;
    }
    return 40 * p;
  }

  function chartFrame(svg) {
    clearSvg(svg);
    const [, , width, height] = svg.getAttribute('viewBox').split(/\s+/).map(Number);
    const pad = {l: 58, r: 14, t: 12, b: 30};
    return {width, height, pad, x0: pad.l, x1: width - pad.r, y0: height - pad.b, y1: pad.t};
  }

  function yAxis(svg, f, max, fmt) {
    const g = svgEl('g', {class: 'axis'}, svg);
    for (let i = 0; i <= 4; i++) {
      const v = (max * i) / 4;
      const y = f.y0 - ((f.y0 - f.y1) * i) / 4;
      svgEl('line', {x1: f.x0, x2: f.x1, y1: y, y2: y, class: i === 0 ? 'baseline' : 'grid'}, g);
      svgEl('text', {x: f.x0 - 6, y: y + 4, 'text-anchor': 'end', text: fmt(v)}, g);
    }
  }

  function emptyNote(svg, f, text) {
    svgEl('text', {x: (f.x0 + f.x1) / 2, y: (f.y0 + f.y1) / 2, 'text-anchor': 'middle', class: 'empty', text}, svg);
    svg.dataset.empty = 'true';
  }

  // Stacked bars: one bar per day, one segment per series.
  function drawStackedBars(svg, days, series, valueOf, fmt) {
    const f = chartFrame(svg);
    svg.dataset.points = String(days.length);
    delete svg.dataset.empty;
    const totals = days.map((d) => series.reduce((sum, s) => sum + valueOf(d, s), 0));
    const max = niceCeil(Math.max(0, ...totals));
    yAxis(svg, f, max, (v) => fmtCompact(v));
    if (!days.length) {
      emptyNote(svg, f, 'No sales yet: generate facts to see them here.');
      return;
    }
    const slot = (f.x1 - f.x0) / days.length;
    const barW = Math.max(1, slot * 0.78);
    const scale = (f.y0 - f.y1) / max;
    const bars = svgEl('g', {class: 'bars'}, svg);
    days.forEach((day, i) => {
      let y = f.y0;
      const x = f.x0 + i * slot + (slot - barW) / 2;
      series.forEach((s, si) => {
        const v = valueOf(day, s);
        if (!(v > 0)) return;
        const h = v * scale;
        y -= h;
        const rect = svgEl('rect', {x: x.toFixed(2), y: y.toFixed(2), width: barW.toFixed(2), height: h.toFixed(2),
          fill: CLASS_COLORS[si % CLASS_COLORS.length]}, bars);
        svgEl('title', {text: `${day} · ${label(s)}: ${fmt(v)}`}, rect);
      });
    });
    const every = Math.max(1, Math.ceil(days.length / 8));
    const xg = svgEl('g', {class: 'axis'}, svg);
    days.forEach((day, i) => {
      if (i % every !== 0) return;
      svgEl('text', {x: f.x0 + i * slot + slot / 2, y: f.y0 + 18, 'text-anchor': 'middle', text: String(day).slice(5)}, xg);
    });
  }

  // A line with its area over the last HISTORY_MS; points are {t, v}.
  function drawThroughput(svg, points, now) {
    const f = chartFrame(svg);
    const start = now - HISTORY_MS;
    const visible = points.filter((p) => p.t >= start);
    svg.dataset.points = String(visible.length);
    svg.dataset.last = visible.length ? String(visible[visible.length - 1].v) : '';
    delete svg.dataset.empty;
    const max = niceCeil(Math.max(4, ...visible.map((p) => p.v)));
    yAxis(svg, f, max, (v) => fmtCompact(v));
    const xg = svgEl('g', {class: 'axis'}, svg);
    for (let m = 5; m >= 0; m--) {
      const x = f.x1 - ((f.x1 - f.x0) * m) / 5;
      svgEl('text', {x, y: f.y0 + 18, 'text-anchor': m === 5 ? 'start' : m === 0 ? 'end' : 'middle', text: m === 0 ? 'now' : `−${m} min`}, xg);
    }
    if (visible.length < 2) {
      emptyNote(svg, f, visible.length ? 'Collecting…' : 'No stream running.');
      return;
    }
    const xOf = (t) => f.x0 + ((t - start) / HISTORY_MS) * (f.x1 - f.x0);
    const yOf = (v) => f.y0 - (v / max) * (f.y0 - f.y1);
    const line = visible.map((p, i) => `${i ? 'L' : 'M'}${xOf(p.t).toFixed(1)},${yOf(p.v).toFixed(1)}`).join('');
    const first = xOf(visible[0].t).toFixed(1);
    const last = xOf(visible[visible.length - 1].t).toFixed(1);
    svgEl('path', {d: `${line}L${last},${f.y0}L${first},${f.y0}Z`, class: 'area'}, svg);
    svgEl('path', {d: line, class: 'line'}, svg);
  }

  // ------------------------------------------------------- stream status monitor

  // The stream status, followed for the whole session: it feeds the
  // dashboard and the streaming page, and keeps the throughput history.
  const monitor = {
    status: null,
    history: [],
    typeRates: {},
    prevTypes: null,
    sub: null,
    listeners: [],

    start() {
      if (this.sub || !onHttp()) return;
      this.sub = follow('/stream', '/stream/events', {
        onData: (s) => this.apply(s),
        onError: () => {},
        interval: 1000,
      });
    },

    restart() {
      if (this.sub) this.sub.stop();
      this.sub = null;
      this.start();
    },

    apply(s) {
      if (!s || typeof s !== 'object' || !('state' in s || 'events' in s)) return;
      const now = Date.now();
      const prev = this.status;
      let rate = num(s.events_per_sec);
      if (rate === null && prev && prev.at && num(s.events) !== null && now > prev.at) {
        rate = Math.max(0, ((num(s.events) - (num(prev.events) ?? 0)) * 1000) / (now - prev.at));
      }
      this.status = {...s, at: now};
      const second = Math.floor(now / 1000) * 1000;
      const last = this.history[this.history.length - 1];
      if (last && last.t === second) last.v = rate ?? 0;
      else this.history.push({t: second, v: rate ?? 0});
      while (this.history.length && this.history[0].t < now - HISTORY_MS - 2000) this.history.shift();
      const byType = s.by_type && typeof s.by_type === 'object' ? s.by_type : {};
      if (!this.prevTypes || now - this.prevTypes.at >= 2000) {
        if (this.prevTypes) {
          const dt = (now - this.prevTypes.at) / 1000;
          this.typeRates = {};
          for (const [type, n] of Object.entries(byType)) {
            this.typeRates[type] = Math.max(0, (num(n) - (num(this.prevTypes.counts[type]) ?? 0)) / dt);
          }
        }
        this.prevTypes = {at: now, counts: {...byType}};
      }
      for (const fn of this.listeners) fn(this.status);
    },
  };

  // --------------------------------------------------------------------- pages

  const pages = {};

  // Dashboard ---------------------------------------------------------------

  pages.dashboard = {
    title: 'Dashboard',
    loaded: false,

    init() {
      $('#tables-refresh').addEventListener('click', () => this.loadTables());
      $('#sales-days').addEventListener('change', () => this.loadSales());
      $('#sales-measure').addEventListener('change', () => this.drawSales());
      monitor.listeners.push((s) => {
        const node = byTestId('dash-stream-state');
        setText(node, s.state ? `${s.state}${s.state === 'running' ? ` · ${fmtInt(num(s.events_per_sec) ?? 0)}/s` : ''}` : '–', s.state);
      });
    },

    enter() {
      this.loadTables();
      this.loadSales();
      this.drawThroughput();
    },

    tick() {
      this.drawThroughput();
    },

    drawThroughput() {
      drawThroughput(byTestId('throughput-chart'), monitor.history, Date.now());
    },

    async loadTables() {
      const body = $('#tables-body');
      const box = byTestId('dashboard-error');
      let tables;
      try {
        tables = listOf(await api('/tables'), 'tables');
        showError(box, null);
      } catch (err) {
        showError(box, err);
        body.replaceChildren(el('tr', {}, el('td', {colspan: 7, class: 'muted', text: 'Unavailable.'})));
        return;
      }
      shared.tables = tables;
      if (!tables.length) {
        body.replaceChildren(el('tr', {}, el('td', {colspan: 7, class: 'muted'},
          'Nothing generated yet. ', el('a', {href: '#/generate', text: 'Start a job'}), '.')));
      } else {
        body.replaceChildren(...tables.map((t) => el('tr', {'data-table': t.name},
          el('th', {scope: 'row'}, el('a', {href: '#/data', text: t.name, onclick: () => { shared.browse = t.name; }})),
          el('td', {text: t.kind ?? ''}),
          el('td', {class: 'num', text: fmtInt(t.rows), 'data-value': t.rows ?? ''}),
          el('td', {class: 'num', text: fmtBytes(t.bytes)}),
          el('td', {class: 'num', text: fmtInt(t.files)}),
          el('td', {text: t.first_day ?? '–'}),
          el('td', {text: t.last_day ?? '–'}))));
      }
      const total = tables.reduce((sum, t) => sum + (num(t.rows) ?? 0), 0);
      setText(byTestId('total-rows'), tables.length ? fmtInt(total) : '–', total);
      const firsts = tables.map((t) => t.first_day).filter(Boolean).sort();
      const lasts = tables.map((t) => t.last_day).filter(Boolean).sort();
      const node = byTestId('date-range');
      if (firsts.length) {
        const [first, last] = [firsts[0], lasts[lasts.length - 1] ?? firsts[0]];
        node.replaceChildren(el('span', {class: 'nowrap', text: first}), ' – ', el('span', {class: 'nowrap', text: last}));
        node.dataset.value = `${first} – ${last}`;
      } else {
        setText(node, '–', '');
      }
      setText(byTestId('table-count'), tables.length ? String(tables.length) : '–', tables.length);
    },

    async loadSales() {
      const days = $('#sales-days').value;
      try {
        this.sales = listOf(await api(`/sales/daily?days=${encodeURIComponent(days)}`), 'days', 'sales');
      } catch (err) {
        this.sales = [];
        if (err.status !== 0) showError(byTestId('dashboard-error'), err);
      }
      this.drawSales();
    },

    drawSales() {
      const rows = this.sales || [];
      const measure = $('#sales-measure').value;
      const byDay = new Map();
      const classes = new Set();
      for (const r of rows) {
        if (!r || !r.day) continue;
        classes.add(r.class);
        if (!byDay.has(r.day)) byDay.set(r.day, {});
        const d = byDay.get(r.day);
        d[r.class] = (d[r.class] ?? 0) + (num(r[measure]) ?? 0);
      }
      const series = [...STORE_CLASSES.filter((c) => classes.has(c)), ...[...classes].filter((c) => !STORE_CLASSES.includes(c)).sort()];
      const days = [...byDay.keys()].sort();
      const fmt = measure === 'revenue' ? (v) => moneyFormat.format(v) : (v) => fmtInt(v);
      drawStackedBars(byTestId('sales-chart'), days, series, (day, s) => byDay.get(day)[s] ?? 0, fmt);
      $('#sales-legend').replaceChildren(...series.map((s, i) => el('li', {},
        el('span', {class: 'swatch', style: `background:${CLASS_COLORS[i % CLASS_COLORS.length]}`, 'aria-hidden': 'true'}), label(s))));
    },
  };

  // What pages share: the table list, and a table to open in the browser.
  const shared = {tables: [], browse: null};

  // Generate ----------------------------------------------------------------

  pages.generate = {
    title: 'Generate',
    jobId: null,
    sub: null,

    init() {
      const box = $('#job-tables');
      const group = (title, names, kind) => el('div', {class: 'check-group', 'data-kind': kind},
        el('p', {class: 'group-title', text: title}),
        names.map((n) => el('label', {}, el('input', {type: 'checkbox', name: 'tables', value: n, 'data-kind': kind}), ` ${n}`)));
      box.append(group('Master data', MASTER_TABLES, 'master'), group('Facts', FACT_TABLES, 'facts'));
      const form = $('#job-form');
      form.addEventListener('change', (e) => {
        if (e.target.name === 'kind') this.syncKind();
      });
      $('#job-days').addEventListener('input', () => { if ($('#job-days').value) $('#job-end').value = ''; });
      $('#job-end').addEventListener('input', () => { if ($('#job-end').value) $('#job-days').value = ''; });
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        this.submit();
      });
      $('#job-cancel').addEventListener('click', () => this.cancel());
      $('#jobs-refresh').addEventListener('click', () => this.loadJobs());
      this.syncKind();
    },

    syncKind() {
      const kind = $('input[name="kind"]:checked').value;
      for (const input of $$('#job-tables input')) {
        input.disabled = kind !== 'all' && input.dataset.kind !== kind;
      }
    },

    enter() {
      this.loadJobs(true);
    },

    async submit() {
      const box = byTestId('job-error');
      const body = {kind: $('input[name="kind"]:checked').value};
      const start = $('#job-start').value;
      const end = $('#job-end').value;
      const days = $('#job-days').value;
      if (start) body.start = start;
      if (end) body.end = end;
      else if (days) body.days = Number(days);
      const format = $('#job-format').value;
      if (format) body.format = format;
      const tables = $$('#job-tables input:checked:not(:disabled)').map((i) => i.value);
      if (tables.length) body.tables = tables;
      const button = byTestId('job-start');
      button.disabled = true;
      try {
        const job = await api('/jobs', {method: 'POST', body});
        showError(box, null);
        this.show(job);
        this.loadJobs();
      } catch (err) {
        showError(box, err);
      } finally {
        button.disabled = false;
      }
    },

    // Shows a job and follows it while it runs.
    show(job) {
      if (job && job.id === undefined && job.job_id !== undefined) job = {...job, id: job.job_id};
      if (!job || job.id === undefined) return;
      if (this.sub) this.sub.stop();
      this.sub = null;
      this.jobId = job.id;
      this.render(job);
      if (FINAL_JOB_STATES.has(job.state)) return;
      const id = encodeURIComponent(job.id);
      this.sub = follow(`/jobs/${id}`, `/jobs/${id}/events`, {
        interval: 500,
        onData: (j) => {
          if (String(j.id ?? this.jobId) === String(this.jobId)) this.render({id: this.jobId, ...j});
        },
        onError: (err) => showError(byTestId('job-error'), err),
        isFinal: (j) => FINAL_JOB_STATES.has(j.state),
      });
    },

    async open(id) {
      try {
        this.show(await api(`/jobs/${encodeURIComponent(id)}`));
        showError(byTestId('job-error'), null);
      } catch (err) {
        showError(byTestId('job-error'), err);
      }
    },

    render(j) {
      $('#job-empty').hidden = true;
      $('#job-detail').hidden = false;
      $('#job-id').textContent = String(j.id);
      const state = byTestId('job-state');
      setText(state, j.state ?? '–', j.state ?? '');
      state.className = `badge state-${j.state}`;
      const pct = j.state === 'succeeded' ? 100 : percent(j.fraction);
      const bar = byTestId('job-progress');
      bar.value = pct;
      bar.dataset.percent = String(pct);
      bar.dataset.state = j.state ?? '';
      bar.setAttribute('aria-valuetext', `${pct}%`);
      setText(byTestId('job-percent'), `${pct}%`, pct);
      setText(byTestId('job-rows'), fmtInt(j.rows), j.rows);
      setText(byTestId('job-rate'), fmtInt(j.rows_per_sec), j.rows_per_sec);
      const eta = ACTIVE_JOB_STATES.has(j.state) ? fmtDuration(j.eta_seconds) : j.state === 'succeeded' ? 'done' : '–';
      setText(byTestId('job-eta'), eta, j.eta_seconds);
      setText(byTestId('job-current-day'), j.current_day || '–', j.current_day ?? '');
      const failure = byTestId('job-failure');
      failure.hidden = !j.error;
      failure.textContent = j.error ? `Error: ${j.error}` : '';
      byTestId('job-cancel').disabled = !ACTIVE_JOB_STATES.has(j.state);
      const body = $('#job-tables-body');
      const tables = listOf(j.tables);
      const seen = new Set();
      for (const t of tables) {
        seen.add(t.name);
        let row = body.querySelector(`tr[data-table="${CSS.escape(t.name)}"]`);
        if (!row) {
          row = el('tr', {'data-table': t.name},
            el('th', {scope: 'row', text: t.name}),
            el('td', {class: 'tstate'}),
            el('td', {}, el('progress', {max: 100, value: 0, 'aria-label': `${t.name} progress`, 'data-testid': `table-progress-${t.name}`})),
            el('td', {class: 'num trows'}));
          body.append(row);
        }
        const total = num(t.total);
        const rows = num(t.rows) ?? 0;
        const tp = t.state === 'completed' ? 100 : total ? percent(rows / total) : 0;
        const p = row.querySelector('progress');
        p.value = tp;
        p.dataset.percent = String(tp);
        p.dataset.state = t.state ?? '';
        row.querySelector('.tstate').textContent = label(t.state ?? '');
        row.querySelector('.tstate').className = `tstate state-${t.state}`;
        row.querySelector('.trows').textContent = total ? `${fmtInt(rows)} / ${fmtInt(total)}` : fmtInt(rows);
      }
      for (const row of $$('tr', body)) {
        if (!seen.has(row.dataset.table)) row.remove();
      }
      if (FINAL_JOB_STATES.has(j.state) && this.lastState !== j.state) this.loadJobs();
      this.lastState = j.state;
    },

    async cancel() {
      if (this.jobId === null) return;
      const button = byTestId('job-cancel');
      button.disabled = true;
      try {
        const res = await api(`/jobs/${encodeURIComponent(this.jobId)}/cancel`, {method: 'POST'});
        showError(byTestId('job-error'), null);
        if (res && typeof res === 'object' && res.state) this.render({id: this.jobId, ...res});
      } catch (err) {
        showError(byTestId('job-error'), err);
        button.disabled = false;
      }
    },

    async loadJobs(followActive = false) {
      const body = $('#jobs-body');
      let jobs;
      try {
        jobs = listOf(await api('/jobs'), 'jobs');
      } catch (err) {
        body.replaceChildren(el('tr', {}, el('td', {colspan: 8, class: 'muted', text: err.status === 0 ? 'Cannot reach the server.' : err.message})));
        return;
      }
      if (!jobs.length) {
        body.replaceChildren(el('tr', {}, el('td', {colspan: 8, class: 'muted', text: 'No jobs yet.'})));
      } else {
        body.replaceChildren(...jobs.map((j) => el('tr', {'data-job': j.id},
          el('th', {scope: 'row'}, el('code', {text: String(j.id)})),
          el('td', {text: j.kind ?? (j.request && j.request.kind) ?? '–'}),
          el('td', {}, el('span', {class: `badge state-${j.state}`, text: j.state ?? '–'})),
          el('td', {class: 'num', text: `${j.state === 'succeeded' ? 100 : percent(j.fraction)}%`}),
          el('td', {class: 'num', text: fmtInt(j.rows)}),
          el('td', {text: fmtTime(j.started_at)}),
          el('td', {text: fmtTime(j.finished_at)}),
          el('td', {}, el('button', {type: 'button', class: 'small', text: 'View', 'aria-label': `View job ${j.id}`, onclick: () => this.open(j.id)})))));
      }
      if (followActive && this.jobId === null) {
        const active = jobs.find((j) => ACTIVE_JOB_STATES.has(j.state));
        if (active) this.open(active.id);
      }
    },
  };

  // Streaming ---------------------------------------------------------------

  const SINKS = {
    stdout: null,
    file: {label: 'Folder', placeholder: 'events', spec: (v) => `file:${v || 'events'}`},
    kafka: {label: 'Brokers/topic', placeholder: '127.0.0.1:9092/retail-events', spec: (v) => `kafka://${v || '127.0.0.1:9092/retail-events'}`},
    eventhubs: {label: 'Hub, or namespace/hub (optional)', placeholder: 'from the connection string', spec: (v) => (v ? `eventhubs://${v}` : 'eventhubs')},
  };

  pages.stream = {
    title: 'Streaming',

    init() {
      $('#stream-types').append(el('div', {class: 'check-grid'},
        EVENT_TYPES.map((t) => el('label', {}, el('input', {type: 'checkbox', name: 'types', value: t}), ` ${t}`))));
      $('#sink-kind').addEventListener('change', () => this.syncSink());
      $('#sink-target').addEventListener('input', () => this.syncSink(false));
      $('#stream-form').addEventListener('submit', (e) => {
        e.preventDefault();
        this.start();
      });
      byTestId('stream-pause').addEventListener('click', () => this.control('pause'));
      byTestId('stream-resume').addEventListener('click', () => this.control('resume'));
      byTestId('stream-stop').addEventListener('click', () => this.control('stop'));
      $('#dlq-refresh').addEventListener('click', () => this.loadDlq());
      $('#dlq-form').addEventListener('submit', (e) => {
        e.preventDefault();
        this.replay();
      });
      monitor.listeners.push((s) => this.render(s));
      this.syncSink();
      this.syncButtons(null);
    },

    enter() {
      this.loadDlq();
      if (monitor.status) this.render(monitor.status);
      this.tick();
    },

    tick() {
      drawThroughput(byTestId('stream-throughput-chart'), monitor.history, Date.now());
    },

    sinkSpec() {
      const kind = $('#sink-kind').value;
      const sink = SINKS[kind];
      if (!sink) return 'stdout';
      const value = $('#sink-target').value.trim();
      if (/^[a-z]+:/i.test(value)) return value; // a whole sink spec typed in
      return sink.spec(value);
    },

    syncSink(kindChanged = true) {
      const sink = SINKS[$('#sink-kind').value];
      $('#sink-target-field').hidden = !sink;
      if (sink && kindChanged) {
        $('#sink-target-label').textContent = sink.label;
        $('#sink-target').placeholder = sink.placeholder;
        $('#sink-target').value = '';
      }
      byTestId('sink-spec').textContent = this.sinkSpec();
    },

    async start() {
      const body = {sink: this.sinkSpec()};
      const numberField = (id, key) => {
        const v = $(id).value.trim();
        if (v !== '') body[key] = Number(v);
      };
      numberField('#stream-rate-input', 'rate');
      numberField('#stream-speed', 'speed');
      numberField('#stream-max', 'max_events');
      numberField('#stream-duration', 'duration_seconds');
      const types = $$('#stream-types input:checked').map((i) => i.value);
      if (types.length) body.types = types;
      const button = byTestId('stream-start');
      button.disabled = true;
      try {
        const status = await api('/stream', {method: 'POST', body});
        showError(byTestId('stream-error'), null);
        monitor.apply(status);
        monitor.restart();
      } catch (err) {
        showError(byTestId('stream-error'), err);
        this.syncButtons(monitor.status && monitor.status.state);
      }
    },

    async control(action) {
      try {
        const status = await api(`/stream/${action}`, {method: 'POST'});
        showError(byTestId('stream-error'), null);
        monitor.apply(status);
      } catch (err) {
        showError(byTestId('stream-error'), err);
      }
    },

    syncButtons(state) {
      const running = state === 'running';
      const paused = state === 'paused';
      byTestId('stream-start').disabled = running || paused || state === 'stopping';
      byTestId('stream-pause').disabled = !running;
      byTestId('stream-resume').disabled = !paused;
      byTestId('stream-stop').disabled = !(running || paused);
    },

    render(s) {
      const state = byTestId('stream-state');
      setText(state, s.state ?? '–', s.state ?? '');
      state.className = `badge state-${s.state}`;
      this.syncButtons(s.state);
      setText(byTestId('stream-events'), fmtInt(s.events), s.events);
      setText(byTestId('stream-rate'), fmtDec(s.events_per_sec), s.events_per_sec);
      setText(byTestId('stream-retried'), fmtInt(s.retried), s.retried);
      setText(byTestId('stream-failed'), fmtInt(s.failed), s.failed);
      setText(byTestId('stream-dlq-count'), fmtInt(s.dead_lettered), s.dead_lettered);
      const breaker = s.breaker_open === undefined || s.breaker_open === null ? '–' : s.breaker_open ? 'open' : 'closed';
      const breakerNode = byTestId('stream-breaker');
      setText(breakerNode, breaker, breaker);
      breakerNode.className = s.breaker_open ? 'bad' : '';
      // Before the first event the server reports the zero time (year 1).
      const sim = s.simulated_time && !String(s.simulated_time).startsWith('0001-') ? String(s.simulated_time) : '';
      setText(byTestId('stream-simulated-time'), sim ? sim.replace('T', ' ') : '–', sim);
      const lag = num(s.lag_seconds);
      setText(byTestId('stream-lag'), lag === null ? '–' : lag < 0 ? `${fmtDuration(lag)} ahead` : fmtDuration(lag), lag);
      byTestId('stream-sink').textContent = s.sink || '–';
      $('#stream-started').textContent = fmtTime(s.started_at);
      const failure = byTestId('stream-failure');
      failure.hidden = !s.error;
      failure.textContent = s.error ? `Error: ${s.error}` : '';
      const byType = s.by_type && typeof s.by_type === 'object' ? Object.entries(s.by_type) : [];
      const body = $('#by-type-body');
      if (!byType.length) {
        if (!body.querySelector('.muted')) body.replaceChildren(el('tr', {}, el('td', {colspan: 3, class: 'muted', text: 'No events yet.'})));
        return;
      }
      byType.sort((a, b) => (num(b[1]) ?? 0) - (num(a[1]) ?? 0));
      body.replaceChildren(...byType.map(([type, n]) => el('tr', {'data-type': type},
        el('th', {scope: 'row', text: type}),
        el('td', {class: 'num', text: fmtInt(n), 'data-value': n}),
        el('td', {class: 'num', text: fmtDec(monitor.typeRates[type] ?? 0)}))));
    },

    async loadDlq() {
      const body = $('#dlq-body');
      try {
        const files = listOf(await api('/dlq'), 'files');
        showError(byTestId('dlq-error'), null);
        body.replaceChildren(...(files.length ? files.map((f) => el('tr', {},
          el('th', {scope: 'row'}, el('code', {text: f.file})),
          el('td', {class: 'num', text: fmtInt(f.events)})))
          : [el('tr', {}, el('td', {colspan: 2, class: 'muted', text: 'Empty: no event was rejected.'}))]));
      } catch (err) {
        body.replaceChildren(el('tr', {}, el('td', {colspan: 2, class: 'muted', text: 'Unavailable.'})));
        if (err.status !== 0) showError(byTestId('dlq-error'), err);
      }
    },

    async replay() {
      const input = byTestId('dlq-sink');
      const sink = input.value.trim() || this.sinkSpec();
      const result = byTestId('dlq-result');
      result.hidden = true;
      try {
        const res = await api('/dlq/replay', {method: 'POST', body: {sink}});
        showError(byTestId('dlq-error'), null);
        const n = res && typeof res === 'object' ? num(res.replayed) : null;
        result.textContent = `Replayed ${fmtInt(n ?? 0)} events to ${sink}.`;
        result.dataset.value = String(n ?? 0);
        result.hidden = false;
        this.loadDlq();
      } catch (err) {
        showError(byTestId('dlq-error'), err);
      }
    },
  };

  // Data browser --------------------------------------------------------------

  pages.data = {
    title: 'Data',
    seq: 0,

    init() {
      const select = byTestId('data-table-select');
      this.fill(null);
      select.addEventListener('change', () => this.syncDate());
      byTestId('data-date').addEventListener('change', () => this.syncDownload());
      $('#data-form').addEventListener('submit', (e) => {
        e.preventDefault();
        this.load();
      });
    },

    // Fills the table list: the manifest's tables, or the known names.
    fill(tables) {
      const select = byTestId('data-table-select');
      const current = shared.browse || select.value;
      shared.browse = null;
      this.info = new Map();
      const groups = {master: [], fact: []};
      if (tables && tables.length) {
        for (const t of tables) {
          const kind = t.kind === 'master' ? 'master' : 'fact';
          groups[kind].push(t.name);
          this.info.set(t.name, {...t, kind});
        }
      } else {
        for (const n of MASTER_TABLES) { groups.master.push(n); this.info.set(n, {name: n, kind: 'master'}); }
        for (const n of FACT_TABLES) { groups.fact.push(n); this.info.set(n, {name: n, kind: 'fact'}); }
      }
      select.replaceChildren(
        el('optgroup', {label: 'Master data'}, groups.master.map((n) => el('option', {value: n, text: n}))),
        el('optgroup', {label: 'Facts'}, groups.fact.map((n) => el('option', {value: n, text: n}))));
      if (current && this.info.has(current)) select.value = current;
      this.syncDate();
    },

    syncDate() {
      const t = this.info.get(byTestId('data-table-select').value);
      const date = byTestId('data-date');
      const fact = t && t.kind === 'fact';
      date.disabled = !fact;
      date.min = (fact && t.first_day) || '';
      date.max = (fact && t.last_day) || '';
      if (!fact) date.value = '';
      else if (!date.value || (t.first_day && date.value < t.first_day) || (t.last_day && date.value > t.last_day)) date.value = t.first_day || '';
      this.syncDownload();
    },

    syncDownload() {
      const name = byTestId('data-table-select').value;
      const t = this.info.get(name);
      const link = byTestId('data-download');
      const part = t && t.kind === 'master' ? 'all' : byTestId('data-date').value;
      link.hidden = !name || !part || !onHttp();
      if (!link.hidden) {
        link.href = `${API}/tables/${encodeURIComponent(name)}/partitions/${encodeURIComponent(part)}`;
        link.textContent = part === 'all' ? 'Download table' : `Download ${part}`;
      }
    },

    async enter() {
      try {
        const tables = listOf(await api('/tables'), 'tables');
        shared.tables = tables;
        this.fill(tables);
      } catch (err) {
        showError(byTestId('data-error'), err);
        return;
      }
      // Preview at once when there is data (an empty folder has nothing to show).
      if (shared.tables.length && byTestId('data-table-select').value) this.load();
    },

    async load() {
      const name = byTestId('data-table-select').value;
      if (!name) return;
      const params = new URLSearchParams();
      const date = byTestId('data-date');
      if (!date.disabled && date.value) params.set('date', date.value);
      const limit = byTestId('data-limit').value.trim();
      if (limit) params.set('limit', limit);
      this.syncDownload();
      const box = byTestId('data-error');
      const head = $('#data-head');
      const body = $('#data-body');
      // Only the latest request shows its rows: an earlier one (the preview
      // shown on entering the page) may answer after it.
      const seq = ++this.seq;
      try {
        const data = await api(`/tables/${encodeURIComponent(name)}/rows?${params}`);
        if (seq !== this.seq) return;
        showError(box, null);
        const columns = listOf(data && data.columns).map((c) => (typeof c === 'object' && c ? c.name : c));
        const rows = listOf(data && data.rows);
        const cells = rows.map((r) => (Array.isArray(r) ? r : columns.map((c) => r[c])));
        const numeric = columns.map((_, i) => cells.some((r) => typeof r[i] === 'number') &&
          cells.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === 'number'));
        head.replaceChildren(el('tr', {}, columns.map((c, i) => el('th', {scope: 'col', class: numeric[i] ? 'num' : null, text: c}))));
        body.replaceChildren(...(rows.length ? cells.map((r) => el('tr', {}, r.map((v) => cell(v))))
          : [el('tr', {}, el('td', {colspan: Math.max(1, columns.length), class: 'muted', text: 'No rows.'}))]));
        setText(byTestId('data-row-count'), `${fmtInt(rows.length)} row${rows.length === 1 ? '' : 's'} of ${name}${params.get('date') ? ` on ${params.get('date')}` : ''}`, rows.length);
      } catch (err) {
        if (seq !== this.seq) return;
        showError(box, err);
        head.replaceChildren();
        body.replaceChildren(el('tr', {}, el('td', {class: 'muted', text: 'No data.'})));
        setText(byTestId('data-row-count'), '', '');
      }
    },
  };

  function cell(v) {
    if (v === null || v === undefined) return el('td', {class: 'null', text: 'null'});
    if (typeof v === 'number') return el('td', {class: 'num', text: String(v)});
    if (typeof v === 'object') return el('td', {text: JSON.stringify(v)});
    return el('td', {text: String(v)});
  }

  // Config editor -------------------------------------------------------------

  // Flattens a nested object into [dotted key, value] pairs of its leaves.
  function flatten(obj, prefix = '', out = []) {
    for (const [key, value] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (value && typeof value === 'object' && !Array.isArray(value)) flatten(value, path, out);
      else out.push([path, value]);
    }
    return out;
  }

  function setPath(obj, path, value) {
    const parts = path.split('.');
    let node = obj;
    for (const part of parts.slice(0, -1)) {
      if (!node[part] || typeof node[part] !== 'object') node[part] = {};
      node = node[part];
    }
    node[parts[parts.length - 1]] = value;
  }

  const fieldId = (key) => `cfg-${key.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

  pages.config = {
    title: 'Config',
    original: null,
    values: new Map(),
    timer: 0,
    seq: 0,

    init() {
      const form = $('#config-form');
      form.addEventListener('input', (e) => {
        if (e.target.dataset && e.target.dataset.key) this.edited(e.target);
      });
      form.addEventListener('change', (e) => {
        if (e.target.type === 'checkbox' && e.target.dataset.key) this.edited(e.target);
      });
      // Each section is a form of its own (Enter in a field saves).
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        this.save();
      });
      byTestId('config-save').addEventListener('click', () => this.save());
      byTestId('config-discard').addEventListener('click', () => {
        if (this.original) this.build(this.original);
        this.status('Edits discarded.');
      });
      byTestId('config-reset').addEventListener('click', () => this.reset());
    },

    enter() {
      if (!this.original || !this.changes().count) this.load();
    },

    status(text) {
      byTestId('config-status').textContent = text;
    },

    async load() {
      try {
        const config = await api('/config');
        showError(byTestId('config-errors'), null);
        this.build(config && typeof config === 'object' ? config : {});
      } catch (err) {
        showError(byTestId('config-errors'), err);
      }
    },

    build(config) {
      this.original = config;
      this.values = new Map(flatten(config));
      const sections = new Map([['general', []]]);
      for (const [key, value] of this.values) {
        const dot = key.indexOf('.');
        const section = dot < 0 ? 'general' : key.slice(0, dot);
        if (!sections.has(section)) sections.set(section, []);
        sections.get(section).push([key, value]);
      }
      const container = $('#config-sections');
      container.replaceChildren();
      for (const [section, entries] of sections) {
        if (!entries.length) continue;
        container.append(el('form', {class: 'config-section', 'data-section': section, novalidate: true},
          el('fieldset', {class: 'panel'},
            el('legend', {text: label(section)}),
            el('div', {class: 'fields'}, entries.map(([key, value]) => this.field(key, value))))));
      }
      clearTimeout(this.timer);
      this.seq++;
      this.showFieldErrors([]);
      this.syncButtons();
    },

    field(key, value) {
      const id = fieldId(key);
      const errId = `${id}-error`;
      const secret = SECRET_KEYS.has(key) || value === '***';
      const common = {id, name: key, 'data-key': key, 'aria-describedby': errId, 'data-testid': `config-input-${key}`};
      let input;
      if (secret) {
        // Masked text rather than a password field: these are not the user's
        // credentials, and browsers must not offer to save or fill them.
        input = el('input', {...common, type: 'text', class: 'secret', autocomplete: 'off', spellcheck: 'false',
          'data-type': 'secret', placeholder: value ? 'set (hidden): type to replace' : 'not set'});
      } else if (typeof value === 'boolean') {
        input = el('input', {...common, type: 'checkbox', 'data-type': 'boolean'});
        input.checked = value;
      } else if (typeof value === 'number') {
        input = el('input', {...common, type: 'text', inputmode: 'decimal', 'data-type': 'number', spellcheck: 'false'});
        input.value = String(value);
      } else if (typeof value === 'string') {
        input = el('input', {...common, type: 'text', 'data-type': 'string', spellcheck: 'false'});
        input.value = value;
      } else {
        input = el('input', {...common, type: 'text', 'data-type': 'json', spellcheck: 'false'});
        input.value = JSON.stringify(value);
      }
      const name = key.includes('.') ? key.slice(key.indexOf('.') + 1) : key;
      const box = el('div', {class: `field${input.type === 'checkbox' ? ' check' : ''}`, 'data-field': key});
      const keyNote = key.includes('.') ? el('span', {class: 'key', text: key}) : null;
      if (input.type === 'checkbox') box.append(el('label', {for: id}, input, ` ${label(name)}`, keyNote));
      else box.append(el('label', {for: id}, label(name), keyNote), input);
      box.append(el('p', {class: 'field-error', id: errId, 'data-testid': `config-error-${key}`, hidden: true}));
      return box;
    },

    // The value an input holds, or undefined when it is not a change.
    read(input) {
      const key = input.dataset.key;
      const original = this.values.get(key);
      switch (input.dataset.type) {
        case 'secret':
          return input.value === '' ? undefined : input.value;
        case 'boolean':
          return input.checked === original ? undefined : input.checked;
        case 'number': {
          const text = input.value.trim();
          const n = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : text;
          return n === original ? undefined : n;
        }
        case 'json': {
          let v;
          try {
            v = JSON.parse(input.value);
          } catch {
            v = input.value;
          }
          return JSON.stringify(v) === JSON.stringify(original) ? undefined : v;
        }
        default:
          return input.value === original ? undefined : input.value;
      }
    },

    changes() {
      const patch = {};
      let count = 0;
      for (const input of $$('#config-sections [data-key]')) {
        const v = this.read(input);
        input.closest('.field').classList.toggle('changed', v !== undefined);
        if (v !== undefined) {
          setPath(patch, input.dataset.key, v);
          count++;
        }
      }
      return {patch, count};
    },

    syncButtons() {
      const {count} = this.changes();
      byTestId('config-save').disabled = count === 0;
      byTestId('config-discard').disabled = count === 0;
      return count;
    },

    edited() {
      const count = this.syncButtons();
      this.status(count ? `${count} unsaved change${count === 1 ? '' : 's'}` : '');
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.validate(), VALIDATE_DELAY_MS);
    },

    async validate() {
      const {patch, count} = this.changes();
      const seq = ++this.seq;
      if (!count) {
        this.showFieldErrors([]);
        return;
      }
      try {
        const res = await api('/config/validate', {method: 'POST', body: patch});
        if (seq !== this.seq) return;
        this.showFieldErrors(fieldErrors(res && res.errors));
        if (res && res.valid === false && !fieldErrors(res.errors).length) this.status('Invalid configuration.');
      } catch (err) {
        if (seq !== this.seq) return;
        if (err.status === 422 || err.status === 400) this.showFieldErrors(fieldErrors(err.problem && err.problem.errors), err);
        else showError(byTestId('config-errors'), err);
      }
    },

    // Puts each error next to its field; errors of unknown keys go to the box at the top.
    showFieldErrors(errors, err) {
      for (const p of $$('#config-sections .field-error')) {
        p.hidden = true;
        p.textContent = '';
      }
      for (const input of $$('#config-sections [aria-invalid]')) input.removeAttribute('aria-invalid');
      const others = [];
      for (const e of errors) {
        const input = document.getElementById(fieldId(e.key));
        const p = input && document.getElementById(`${fieldId(e.key)}-error`);
        if (!p) {
          others.push(e);
          continue;
        }
        p.textContent = p.textContent ? `${p.textContent}; ${e.message}` : e.message;
        p.hidden = false;
        input.setAttribute('aria-invalid', 'true');
      }
      const box = byTestId('config-errors');
      if (others.length || (err && !errors.length)) {
        showError(box, err || new ApiError('Some settings are invalid.'), others);
      } else {
        showError(box, null);
      }
      byTestId('config-save').dataset.invalid = errors.length ? 'true' : 'false';
    },

    async save() {
      const {patch, count} = this.changes();
      if (!count) return;
      clearTimeout(this.timer);
      this.seq++;
      const button = byTestId('config-save');
      button.disabled = true;
      try {
        const res = await api('/config', {method: 'PATCH', body: patch});
        const config = res && typeof res === 'object' && !Array.isArray(res) && Object.keys(res).length ? res : await api('/config');
        this.build(config);
        this.status('Saved.');
      } catch (err) {
        if (err.problem && Array.isArray(err.problem.errors)) this.showFieldErrors(fieldErrors(err.problem.errors), err);
        else showError(byTestId('config-errors'), err);
        this.status('Not saved.');
        this.syncButtons();
      }
    },

    async reset() {
      try {
        await api('/config/reset', {method: 'POST'});
        this.build(await api('/config'));
        this.status('Back to the startup configuration.');
      } catch (err) {
        showError(byTestId('config-errors'), err);
      }
    },
  };

  // -------------------------------------------------------------------- router

  let current = null;

  function route(focus) {
    const hash = location.hash;
    if (hash && !hash.startsWith('#/') && current) return; // an in-page anchor
    const name = (hash.match(/^#\/([a-z]+)/) || [])[1];
    const next = pages[name] ? name : 'dashboard';
    if (!pages[name]) history.replaceState(null, '', '#/dashboard');
    for (const [key, page] of Object.entries(pages)) {
      $(`#page-${key}`).hidden = key !== next;
      const link = $(`nav a[data-route="${key}"]`);
      if (key === next) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
      if (key === next) document.title = `${page.title} · retail-datagen`;
    }
    current = next;
    Promise.resolve(pages[next].enter()).catch(() => {});
    if (focus) $(`#page-${next} h1`).focus();
  }

  function init() {
    const tokenInput = byTestId('token-input');
    tokenInput.value = token();
    tokenInput.addEventListener('input', () => {
      setToken(tokenInput.value.trim());
      byTestId('auth-message').hidden = true;
    });
    $('#token-clear').addEventListener('click', () => {
      tokenInput.value = '';
      setToken('');
      tokenInput.focus();
    });
    $('#token-form').addEventListener('submit', (e) => e.preventDefault());
    $('#server-retry').addEventListener('click', () => {
      monitor.restart();
      route(false);
    });
    for (const page of Object.values(pages)) page.init();
    window.addEventListener('hashchange', () => route(true));
    setInterval(() => {
      const page = pages[current];
      if (page && page.tick) page.tick();
    }, 1000);
    if (!onHttp()) unreachable();
    monitor.start();
    route(false);
  }

  init();
})();
