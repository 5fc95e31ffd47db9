// Flotilla's dashboard: the cluster at a glance, kept current by the events stream. No framework, no build step:
// a small model (machines, units, states) read from the API, changed in place by events, drawn with plain DOM.
import { api, all, followEvents, ApiError } from './api.js';

const $ = (sel, root = document) => root.querySelector(sel);

/** Builds an element: h('div.card', {title: 'x', onclick: f}, child, 'text', ...). Text is never parsed as HTML. */
function h(tag, attrs = {}, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// ---- the model -------------------------------------------------------------------------------------------------

const model = {
  machines: new Map(),   // id -> {id, primaryIP, hostname, metadata, draining}
  units: new Map(),      // name -> {name, desiredState, currentState, machineID}
  states: new Map(),     // name|machine -> {name, machineID, systemdActiveState, systemdSubState}
  stats: new Map(),      // machine id -> MachineStats
  drainServed: true,
};

const short = (id) => (id || '').slice(0, 8);
const isTemplateInstance = (name) => /^[^@]+@[^.]+\.\w+$/.test(name);
const unitHref = (name) => '#/unit/' + encodeURIComponent(name).replace(/%40/g, '@');
const templateOf = (name) => name.replace(/@[^.]*\./, '@.');

async function loadAll() {
  const [units, states, fleetMachines] = await Promise.all([
    all('/fleet/v1/units', 'units'), all('/fleet/v1/state', 'states'), all('/fleet/v1/machines', 'machines')]);
  let machines = fleetMachines;
  try {
    machines = (await api('/v1/machines')).machines; // contract B: with draining and hostname
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
  model.machines = new Map(machines.map((m) => [m.id, m]));
  model.units = new Map(units.map((u) => [u.name, u]));
  model.states = new Map(states.map((s) => [s.name + '|' + s.machineID, s]));
}

/** What a unit on a machine looks like now: active, activating, failed, inactive (or pending when not running). */
function stateOf(name, machine) {
  const s = model.states.get(name + '|' + machine);
  if (!s) return { state: 'inactive', sub: 'not reported' };
  const a = s.systemdActiveState;
  const state = a === 'active' ? 'active' : a === 'failed' ? 'failed' : a === 'inactive' ? 'inactive' : 'activating';
  return { state, sub: s.systemdActiveState + '/' + s.systemdSubState };
}

function applyEvent(e) {
  const u = e.unit && model.units.get(e.unit);
  const f = e.fields || {};
  switch (e.type) {
    case 'submitted': model.units.set(e.unit, { name: e.unit, desiredState: f.desiredState }); break;
    case 'desired': if (u) u.desiredState = f.desiredState; break;
    case 'destroyed':
      model.units.delete(e.unit);
      for (const k of [...model.states.keys()]) if (k.startsWith(e.unit + '|')) model.states.delete(k);
      break;
    case 'assigned': case 'moved': if (u) u.machineID = e.machine; break;
    case 'unassigned': if (u) delete u.machineID; break;
    case 'state': model.states.set(e.unit + '|' + e.machine, {
      name: e.unit, machineID: e.machine, systemdActiveState: f.active, systemdSubState: f.sub }); break;
    case 'state-removed': model.states.delete(e.unit + '|' + e.machine); break;
    case 'machine-joined': case 'machine-left': case 'machine-drained': case 'machine-undrained': case 'gap':
      resync(); break;
    default: break;
  }
  if (u && ['desired', 'assigned', 'moved', 'unassigned', 'state', 'state-removed'].includes(e.type)) {
    resync(); // currentState is computed by the server: read it again shortly
  }
  redraw(e);
}

let resyncTimer = null;
/** Reads everything again 0.4 s from the first call: a burst of events costs one read, a steady flow one per 0.4 s. */
function resync() {
  if (resyncTimer) return;
  resyncTimer = setTimeout(async () => {
    resyncTimer = null;
    try { await loadAll(); redraw(); } catch (err) { toast(err.message); }
  }, 400);
}

// ---- chrome: toasts, confirmation, live indicator ---------------------------------------------------------------

function toast(message, kind = 'error') {
  const t = h('div.toast.' + kind, {}, message);
  $('#toasts').append(t);
  setTimeout(() => t.remove(), 6000);
}

function confirmAction(title, text, okLabel) {
  const dialog = $('#confirm');
  $('#confirm-title').textContent = title;
  $('#confirm-text').textContent = text;
  $('#confirm-ok').textContent = okLabel;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = 'cancel';
    dialog.showModal();
  });
}

async function act(title, text, okLabel, run) {
  if (!(await confirmAction(title, text, okLabel))) return;
  try {
    await run();
    toast(title + ': done', 'ok');
  } catch (err) {
    toast(title + ': ' + err.message);
  }
}

const unitPath = (name) => '/fleet/v1/units/' + encodeURIComponent(name);
const setDesired = (name, desiredState) => api(unitPath(name), { method: 'PUT', body: { desiredState } });

async function restart(name) {
  await setDesired(name, 'loaded');
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const u = await api(unitPath(name));
    if (u.currentState !== 'launched') break;
    await new Promise((r) => setTimeout(r, 300));
  }
  await setDesired(name, 'launched');
}

function unitActions(name) {
  return h('div.actions', {},
    h('button', { dataset: { action: 'start' }, onclick: () => act('Start ' + name, `Start ${name}: the engine places it and its machine runs it.`, 'Start', () => setDesired(name, 'launched')) }, 'Start'),
    h('button', { dataset: { action: 'stop' }, onclick: () => act('Stop ' + name, `Stop ${name}? Its machine stops it gracefully; it stays placed (loaded).`, 'Stop', () => setDesired(name, 'loaded')) }, 'Stop'),
    h('button', { dataset: { action: 'restart' }, onclick: () => act('Restart ' + name, `Restart ${name}? It is stopped, then started again.`, 'Restart', () => restart(name)) }, 'Restart'),
    h('button.danger', { dataset: { action: 'destroy' }, onclick: () => act('Destroy ' + name, `Destroy ${name}? It is stopped and its unit file removed from the cluster.`, 'Destroy', async () => { await api(unitPath(name), { method: 'DELETE' }); location.hash = '#/'; }) }, 'Destroy'));
}

function drainButton(m) {
  const id = m.id;
  if (m.draining) {
    return h('button.small', { dataset: { action: 'undrain' }, onclick: () => act('Undrain ' + short(id), `Make machine ${short(id)} eligible for new units again? Nothing moves back by itself.`, 'Undrain', async () => { await api(`/v1/machines/${id}/drain`, { method: 'DELETE' }); resync(); }) }, 'Undrain');
  }
  return h('button.small', { dataset: { action: 'drain' }, onclick: () => act('Drain ' + short(id), `Drain machine ${short(id)} (${m.primaryIP})? Nothing new is placed there and its units move to other machines, each stopped gracefully.`, 'Drain', async () => {
    try {
      await api(`/v1/machines/${id}/drain`, { method: 'POST', body: { reason: 'drained from the dashboard' } });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && /no such API resource/.test(err.message)) throw new Error('this agent does not serve drains yet (POST /v1/machines/{id}/drain)');
      throw err;
    }
    resync();
  }) }, 'Drain');
}

// ---- cluster view -------------------------------------------------------------------------------------------------

const fmtBytes = (b) => {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
  return b.toFixed(b >= 100 || i === 0 ? 0 : 1) + ' ' + u[i];
};

function meter(label, percent, text) {
  const fill = h('div.fill');
  fill.style.width = Math.max(0, Math.min(100, percent)).toFixed(1) + '%';
  fill.dataset.level = percent >= 90 ? 'high' : percent >= 70 ? 'mid' : 'low';
  return h('div.meter', {}, h('span.label', {}, label), h('div.bar', {}, fill), h('span.value', {}, text));
}

function statsBlock(id) {
  const s = model.stats.get(id);
  if (!s) return h('div.stats.muted', { dataset: { stats: id } }, 'reading load…');
  if (s.error) return h('div.stats.muted', { dataset: { stats: id } }, s.error);
  const memPct = s.memoryTotalBytes ? 100 * s.memoryUsedBytes / s.memoryTotalBytes : 0;
  return h('div.stats', { dataset: { stats: id } },
    h('div.load', { title: 'load average over 1, 5 and 15 minutes' }, 'load ',
      h('b', {}, s.load1.toFixed(2)), ' ', s.load5.toFixed(2), ' ', s.load15.toFixed(2), h('span.muted', {}, ` · ${s.cpus} CPUs`)),
    meter('CPU', s.cpuUsedPercent, s.cpuUsedPercent.toFixed(0) + '%'),
    meter('mem', memPct, fmtBytes(s.memoryUsedBytes) + ' / ' + fmtBytes(s.memoryTotalBytes)));
}

function unitRows(machineId, names) {
  const singles = [];
  const groups = new Map();
  for (const name of names.sort()) {
    if (isTemplateInstance(name)) {
      const t = templateOf(name);
      if (!groups.has(t)) groups.set(t, []);
      groups.get(t).push(name);
    } else singles.push(name);
  }
  const rows = [];
  for (const name of singles) {
    const { state, sub } = stateOf(name, machineId);
    rows.push(h('a.unit', { href: unitHref(name), dataset: { unit: name, state }, title: `${name}: ${sub}` },
      h('span.dot.' + state), h('span.name', {}, name), h('span.sub', {}, sub)));
  }
  for (const [template, members] of groups) {
    const counts = {};
    const dots = members.map((name) => {
      const { state, sub } = stateOf(name, machineId);
      counts[state] = (counts[state] || 0) + 1;
      return h('a.dot.' + state, { href: unitHref(name), dataset: { unit: name, state }, title: `${name}: ${sub}`, 'aria-label': `${name}: ${sub}` });
    });
    const summary = Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ');
    rows.push(h('div.unit.group', { dataset: { template } },
      h('span.name', {}, template.replace('@.', '@*.')), h('span.dots', {}, dots), h('span.sub', {}, summary)));
  }
  return rows;
}

function machineCard(m) {
  const names = new Set();
  for (const s of model.states.values()) if (s.machineID === m.id && model.units.has(s.name)) names.add(s.name);
  for (const u of model.units.values()) if (u.machineID === m.id) names.add(u.name);
  const meta = Object.entries(m.metadata || {}).map(([k, v]) => h('span.chip', {}, `${k}=${v}`));
  return h('section.card.machine', { dataset: { machine: m.id }, 'aria-label': 'machine ' + short(m.id) },
    h('header', {},
      h('div.title', {}, h('span.mono.strong', { title: m.id }, short(m.id)), h('span.ip', {}, m.primaryIP),
        m.hostname ? h('span.muted', {}, m.hostname) : null,
        m.draining ? h('span.badge.draining', { title: m.draining.reason || '' }, 'draining') : null),
      drainButton(m)),
    meta.length ? h('div.chips', {}, meta) : null,
    statsBlock(m.id),
    h('div.units', {}, names.size ? unitRows(m.id, [...names]) : h('div.muted.empty', {}, 'no units')));
}

function unplacedCard() {
  const names = [...model.units.values()].filter((u) => !u.machineID && ![...model.states.values()].some((s) => s.name === u.name)
    && !u.name.match(/@\.\w+$/)).map((u) => u);
  if (!names.length) return null;
  return h('section.card.unplaced', { dataset: { machine: 'none' } },
    h('header', {}, h('div.title', {}, h('span.strong', {}, 'Not placed'), h('span.muted', {}, 'inactive, or waiting for a machine that fits'))),
    h('div.units', {}, names.sort((a, b) => a.name.localeCompare(b.name)).map((u) => {
      const state = u.desiredState === 'launched' ? 'activating' : 'inactive';
      return h('a.unit', { href: unitHref(u.name), dataset: { unit: u.name, state } },
        h('span.dot.' + state), h('span.name', {}, u.name), h('span.sub', {}, 'desired ' + u.desiredState));
    })));
}

function clusterView() {
  const machines = [...model.machines.values()].sort((a, b) => a.id.localeCompare(b.id));
  return h('div.cluster', {},
    h('div.grid', {}, machines.map(machineCard), unplacedCard()),
    machines.length ? null : h('p.muted', {}, 'No machines have joined.'));
}

async function pollStats() {
  if (route().view !== 'cluster') return;
  await Promise.all([...model.machines.keys()].map(async (id) => {
    try {
      model.stats.set(id, await api(`/v1/machines/${id}/stats`));
    } catch (err) {
      model.stats.set(id, { error: 'stats: ' + err.message });
    }
  }));
  for (const id of model.machines.keys()) {
    const old = document.querySelector(`[data-stats="${id}"]`);
    if (old) old.replaceWith(statsBlock(id));
  }
}

// ---- unit page ----------------------------------------------------------------------------------------------------

const unitPage = { name: null, status: null, placement: null, file: null, journal: [], error: null };

async function loadUnit(name) {
  const [unit, placement, file] = await Promise.all([
    api(unitPath(name)).catch((e) => ({ error: e.message })),
    api(`/v1/units/${encodeURIComponent(name)}/placement`).catch(() => null),
    api(`/v1/units/${encodeURIComponent(name)}/file`).catch((e) => ({ contents: '(' + e.message + ')' }))]);
  let status = null;
  try { status = await api(`/v1/units/${encodeURIComponent(name)}/status`); } catch (e) { status = { error: e.message }; }
  if (unitPage.name !== name) return;
  Object.assign(unitPage, { unit, placement, file, status });
}

async function pollJournal() {
  const name = unitPage.name;
  if (!name || route().view !== 'unit') return;
  try {
    const j = await api(`/v1/units/${encodeURIComponent(name)}/journal?lines=200`);
    if (unitPage.name !== name) return;
    unitPage.journal = j.entries;
    unitPage.journalError = null;
  } catch (e) {
    unitPage.journalError = e.message;
  }
  const pre = document.getElementById('journal');
  if (!pre) return;
  const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 20;
  pre.replaceChildren(...journalLines());
  if (atBottom) pre.scrollTop = pre.scrollHeight;
}

function journalLines() {
  if (unitPage.journalError && !unitPage.journal.length) return [h('span.muted', {}, unitPage.journalError)];
  if (!unitPage.journal.length) return [h('span.muted', {}, 'no journal lines yet')];
  return unitPage.journal.map((e) => h('div.line', {},
    h('span.time', {}, (e.time || '').replace('T', ' ').replace(/\.\d+Z$|Z$/, '')), h('span.stream', {}, e.stream), e.message));
}

function fact(label, value, field) {
  return [h('dt', {}, label), h('dd', { dataset: { field } }, value ?? '—')];
}

function unitView(name) {
  const u = model.units.get(name) || unitPage.unit || {};
  const s = unitPage.status && !unitPage.status.error ? unitPage.status : null;
  const machine = u.machineID || (s && s.machineID);
  const live = machine ? stateOf(name, machine) : { state: 'inactive', sub: 'not placed' };
  const m = machine && model.machines.get(machine);
  const refusals = (unitPage.placement && unitPage.placement.unschedulable) || [];
  return h('div.unitpage', { dataset: { unit: name } },
    h('div.pagehead', {},
      h('a.back', { href: '#/' }, '← cluster'),
      h('h1', {}, h('span.dot.big.' + live.state), name),
      h('span.pill.' + live.state, { dataset: { field: 'state' } }, live.sub),
      h('div.spacer'), unitActions(name)),
    h('div.columns', {},
      h('section.card', {}, h('h2', {}, 'State'), h('dl.facts', {},
        fact('desired', u.desiredState, 'desired'), fact('current', u.currentState, 'current'),
        fact('machine', m ? `${short(m.id)} · ${m.primaryIP}` : (machine ? short(machine) : 'not placed'), 'machine'),
        fact('active', live.sub, 'active'),
        fact('since', s && s.since ? `${s.since.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC (${ago(s.since)} ago)` : null, 'since'), fact('main PID', s && s.mainPID, 'pid'),
        fact('restarts', s ? s.restarts : null, 'restarts'), fact('last exit', s && s.lastExit, 'lastExit'),
        fact('reason', s && s.reason, 'reason'),
        unitPage.status && unitPage.status.error ? fact('status', unitPage.status.error, 'statusError') : null),
        refusals.length ? h('div.refusals', {}, h('h3', {}, 'Why it is not scheduled'),
          h('ul', {}, refusals.map((r) => h('li', {}, r.machineID ? h('span.mono', {}, short(r.machineID) + ' ') : null, r.reason)))) : null,
        s && s.limits && s.limits.length ? h('div', {}, h('h3', {}, 'Limits'), h('ul', {}, s.limits.map((l) => h('li', {}, l)))) : null),
      h('section.card', {}, h('h2', {}, 'Unit file ', h('span.muted.small', {}, 'secrets masked')),
        h('pre.file', { id: 'unit-file' }, unitPage.file ? unitPage.file.contents : 'loading…'))),
    h('section.card', {}, h('h2', {}, 'Journal ', h('span.muted.small', {}, 'live, every second')),
      h('pre.journal', { id: 'journal' }, journalLines())));
}

// ---- services and load balancers -----------------------------------------------------------------------------------

const servicesPage = { list: null, views: new Map(), error: null };

async function loadServices() {
  try {
    const list = (await api('/v1/services')).services;
    const views = await Promise.all(list.map((s) => api('/v1/services/' + encodeURIComponent(s.name))));
    servicesPage.list = list;
    servicesPage.views = new Map(views.map((v) => [v.service, v]));
    servicesPage.error = null;
  } catch (e) {
    servicesPage.error = e.message;
  }
}

const ago = (iso) => {
  if (!iso) return '';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 60 ? s + 's' : s < 3600 ? Math.round(s / 60) + 'm' : Math.round(s / 3600) + 'h';
};

function servicesView() {
  if (servicesPage.error) return h('p.error', {}, servicesPage.error);
  if (!servicesPage.list) return h('p.muted', {}, 'loading…');
  if (!servicesPage.list.length) return h('p.muted', {}, 'No service endpoints are registered ([X-Service] in a unit file).');
  return h('div.services', {}, servicesPage.list.map((s) => {
    const v = servicesPage.views.get(s.name) || { endpoints: [] };
    return h('section.card.service', { dataset: { service: s.name } },
      h('header', {}, h('div.title', {}, h('span.strong', {}, s.name),
        h('span.pill.active', {}, `${s.passing} passing`),
        s.warning ? h('span.pill.activating', {}, `${s.warning} warning`) : null,
        s.critical ? h('span.pill.failed', {}, `${s.critical} critical`) : null)),
      h('table', {}, h('thead', {}, h('tr', {}, ['health', 'unit', 'machine', 'address', 'tags', 'since', 'check'].map((c) => h('th', {}, c)))),
        h('tbody', {}, v.endpoints.map((e) => h('tr', { dataset: { endpoint: e.unit + '|' + e.machineId, health: e.health } },
          h('td', {}, h('span.pill.' + healthClass(e.health), {}, e.health)),
          h('td', {}, h('a', { href: unitHref(e.unit) }, e.unit)),
          h('td.mono', {}, short(e.machineId)), h('td.mono', {}, `${e.address}:${e.port}`),
          h('td', {}, (e.tags || []).map((t) => h('span.chip', {}, t))),
          h('td', {}, ago(e.since)), h('td.muted.output', { title: e.output || '' }, e.output || ''))))));
  }));
}

const healthClass = (hl) => (hl === 'passing' || hl === 'up' ? 'active' : hl === 'warning' ? 'activating' : 'failed');

const lbPage = { list: null, error: null, previous: new Map(), rates: new Map() };

async function loadLoadBalancers() {
  try {
    const list = (await api('/v1/loadbalancers')).loadbalancers;
    const now = Date.now();
    for (const lb of list) {
      for (const b of (lb.status && lb.status.backends) || []) {
        const key = lb.url + '|' + b.id;
        const prev = lbPage.previous.get(key);
        if (prev && now > prev.at) {
          const secs = (now - prev.at) / 1000;
          lbPage.rates.set(key, { rps: Math.max(0, (b.requests - prev.requests) / secs), fps: Math.max(0, (b.failures - prev.failures) / secs) });
        }
        lbPage.previous.set(key, { at: now, requests: b.requests, failures: b.failures });
      }
    }
    lbPage.list = list;
    lbPage.error = null;
  } catch (e) {
    lbPage.error = e.message;
  }
}

function lbView() {
  if (lbPage.error) return h('p.error', {}, lbPage.error);
  if (!lbPage.list) return h('p.muted', {}, 'loading…');
  if (!lbPage.list.length) return h('p.muted', {}, 'No load balancers: a unit running flotilla lb declares its admin endpoint with [X-Service] Tags=flotilla-lb (docs/load-balancer.md).');
  return h('div.services', {}, lbPage.list.map((lb) => {
    const st = lb.status;
    const backends = (st && st.backends) || [];
    let total = 0;
    for (const b of backends) total += (lbPage.rates.get(lb.url + '|' + b.id) || { rps: 0 }).rps;
    return h('section.card.lb', { dataset: { lb: lb.service } },
      h('header', {}, h('div.title', {}, h('span.strong', {}, lb.service),
        h('a', { href: unitHref(lb.unit) }, lb.unit), h('span.mono.muted', {}, short(lb.machine) + ' · ' + lb.url),
        st ? h('span.muted', {}, `${st.mode} ${st.listen} → ${st.service} (${st.balance})`) : null),
        h('span.rate', {}, total.toFixed(1) + ' req/s')),
      lb.error ? h('p.error', {}, lb.error) : null,
      backends.length ? h('table', {}, h('thead', {}, h('tr', {}, ['health', 'backend', 'address', 'req/s', 'fail/s', 'active', 'requests', 'p50', 'p99', 'check'].map((c) => h('th', {}, c)))),
        h('tbody', {}, backends.map((b) => {
          const r = lbPage.rates.get(lb.url + '|' + b.id) || { rps: 0, fps: 0 };
          return h('tr', { dataset: { backend: b.id, health: b.health } }, h('td', {}, h('span.pill.' + healthClass(b.health), {}, b.health)), h('td', {}, b.id),
            h('td.mono', {}, `${b.address}:${b.port}`), h('td.num', {}, r.rps.toFixed(1)), h('td.num', {}, r.fps.toFixed(1)),
            h('td.num', {}, b.activeConnections), h('td.num', {}, b.requests), h('td.num', {}, b.p50Ms + ' ms'),
            h('td.num', {}, b.p99Ms + ' ms'), h('td.muted.output', {}, b.check || ''));
        }))) : null);
  }));
}

// ---- routing and drawing -----------------------------------------------------------------------------------------

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  if (hash.startsWith('/unit/')) return { view: 'unit', name: decodeURIComponent(hash.slice(6)) };
  if (hash === '/services') return { view: 'services' };
  if (hash === '/loadbalancers') return { view: 'loadbalancers' };
  return { view: 'cluster' };
}

function summary() {
  let active = 0; let failed = 0;
  for (const s of model.states.values()) {
    if (s.systemdActiveState === 'active') active++;
    else if (s.systemdActiveState === 'failed') failed++;
  }
  return `${model.machines.size} machines · ${model.units.size} units · ${active} active` + (failed ? ` · ${failed} failed` : '');
}

let drawPending = false;
function redraw(event) {
  const r = route();
  if (r.view === 'unit' && event && event.unit === r.name && ['state', 'desired', 'assigned', 'moved', 'unassigned'].includes(event.type)) {
    loadUnit(r.name).then(() => schedule());
  }
  if (r.view === 'services' && event && event.type === 'endpoint') loadServices().then(() => schedule());
  schedule();
}

function schedule() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(draw);
}

function draw() {
  drawPending = false;
  const r = route();
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('current', a.dataset.nav === (r.view === 'unit' ? 'cluster' : r.view));
  $('#summary').textContent = summary();
  const view = r.view === 'unit' ? unitView(r.name) : r.view === 'services' ? servicesView()
    : r.view === 'loadbalancers' ? lbView() : clusterView();
  const journal = document.getElementById('journal');
  const scroll = journal ? journal.scrollTop : null;
  $('#view').replaceChildren(view);
  const again = document.getElementById('journal');
  if (again && scroll !== null) again.scrollTop = scroll;
  document.body.dataset.view = r.view;
}

async function onRoute() {
  const r = route();
  if (r.view === 'unit') {
    if (unitPage.name !== r.name) Object.assign(unitPage, { name: r.name, status: null, placement: null, file: null, journal: [], unit: null });
    schedule();
    await loadUnit(r.name);
    await pollJournal();
  } else {
    unitPage.name = null;
  }
  if (r.view === 'services') await loadServices();
  if (r.view === 'loadbalancers') await loadLoadBalancers();
  if (r.view === 'cluster') pollStats();
  schedule();
}

function theme() {
  const saved = localStorage.getItem('flotilla.theme');
  if (saved) document.documentElement.dataset.theme = saved;
  $('#theme').addEventListener('click', () => {
    const dark = document.documentElement.dataset.theme ? document.documentElement.dataset.theme === 'dark'
      : matchMedia('(prefers-color-scheme: dark)').matches;
    document.documentElement.dataset.theme = dark ? 'light' : 'dark';
    localStorage.setItem('flotilla.theme', document.documentElement.dataset.theme);
  });
}

async function main() {
  theme();
  window.addEventListener('hashchange', onRoute);
  try {
    await loadAll();
  } catch (e) {
    toast(e.message);
  }
  await onRoute();
  followEvents(applyEvent, (state) => {
    const live = $('#live');
    live.dataset.state = state;
    live.textContent = state;
    if (state === 'live') resync();
  });
  setInterval(pollStats, 3000);
  setInterval(pollJournal, 1000);
  setInterval(async () => {
    const r = route();
    if (r.view === 'loadbalancers') { await loadLoadBalancers(); schedule(); }
    if (r.view === 'services') { await loadServices(); schedule(); }
    if (r.view === 'unit' && unitPage.name) { await loadUnit(unitPage.name); schedule(); }
  }, 3000);
  document.body.dataset.ready = 'true';
}

main();
