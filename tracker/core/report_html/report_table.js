// The page's tables: every entry (sortable, with its stack and retainers on demand; Node's own
// internals folded into one row) and the sites held only at their peak.
'use strict';

const VERDICT_ORDER = { growing: 3, unknown: 2, steady: 1, shrinking: 0 };

// Columns both tables have: { id, title, numeric, value (what sorts), cell (what shows) }.
const COLUMNS = {
  site: { id: 'site', title: 'Site', value: (e) => e.label, cell: siteCell },
  kind: { id: 'kind', title: 'Kind', value: (e) => KIND_NAMES[e.kind], cell: (e) => KIND_NAMES[e.kind] },
  process: { id: 'pid', title: 'Process', value: (e) => e.pid ?? -1, cell: (e) => String(e.pid ?? '') },
  thread: { id: 'thread', title: 'Thread', value: (e) => e.threadId ?? 0,
            cell: (e) => String(e.threadId ?? 0) },
  peak: { id: 'peak', title: 'Peak', numeric: true, value: (e) => e.peakBytes ?? 0, cell: peakCell },
  // Growing first, then unknown, steady, shrinking; within a verdict, by rate.
  growth: { id: 'growth', title: 'Growth', cell: (e) => growthBadge(e.growth),
            value: (e) => (VERDICT_ORDER[(e.growth && e.growth.verdict) || 'unknown'] ?? 2) * 1e15 +
                           ((e.growth && e.growth.bytesPerMinute) || 0) },
};

function entryColumns(model) {
  return [
    COLUMNS.site,
    COLUMNS.kind,
    model.showProcessColumn && COLUMNS.process,
    model.showThreads && COLUMNS.thread,
    { id: 'bytes', title: 'Bytes', numeric: true, value: (e) => e.bytes,
      cell: (e) => withInterval(formatBytes(e.bytes), e.bytesInterval && intervalText(e.bytesInterval)) },
    { id: 'amount', title: 'Amount', numeric: true, value: (e) => e.amount,
      cell: (e) => withInterval(String(e.amount), e.amountInterval && intervalText(e.amountInterval, String)) },
    { id: 'unreferenced', title: 'Unreferenced', numeric: true, value: (e) => e.unreferencedBytes,
      cell: (e) => formatBytes(Math.round(e.unreferencedBytes)) },
    COLUMNS.peak,
    COLUMNS.growth,
    { id: 'hint', title: 'Fix', value: (e) => e.hint || '', cell: (e) =>
      e.hint ? element('span', { class: 'hint', title: HINT_ADVICE[e.hint] || '', text: e.hint }) : '—' },
  ].filter(Boolean);
}

// A sampled figure with its 95% interval under it.
function withInterval(text, interval) {
  return interval ? element('span', {}, text, element('small', { class: 'interval', text: interval })) : text;
}

function cellsOf(item, columns) {
  return columns.map((c) =>
    element('td', { class: c.numeric ? 'numeric' : null, 'data-label': c.title }, c.cell(item)));
}

function siteCell(entry) {
  return element('span', { class: 'site' },
    element('code', { class: 'site-label', text: entry.label }),
    entry.frame.function ? element('small', { text: entry.frame.function }) : null);
}

function peakCell(entry) {
  if (entry.peakBytes == null) return '—';
  return element('span', {}, formatBytes(Math.round(entry.peakBytes)),
    entry.peakAtMs != null ? element('small', { text: ` at ${formatSeconds(entry.peakAtMs)}` }) : null);
}

function stackList(location) {
  return element('ol', { class: 'stack' },
    String(location).split('\n').map((line) => element('li', {}, element('code', { text: line.trim() }))));
}

function detailsCell(entry, model, span) {
  const retainers = entry.retainers || [];
  return element('td', { colspan: span, class: 'details' },
    entry.hint ? adviceOf(entry.hint, 'p') : null,
    element('h3', { text: 'Allocated at' }), stackList(entry.location),
    retainers.length > 0 ? element('h3', { text: 'Retained by' }) : null,
    retainers.length > 0 ? element('ul', { class: 'retainers' }, retainers.map((retainer) =>
      element('li', {},
        `${retainer.amount} view${retainer.amount === 1 ? '' : 's'} of ${formatBytes(retainer.bytes)} at `,
        element('code', { class: 'site-label', text: retainer.label }),
        element('details', {}, element('summary', { text: 'stack' }), stackList(retainer.location))))) : null,
    (entry.heapViews || []).length > 0 ? element('h3', { text: 'Heap views' }) : null,
    (entry.heapViews || []).length > 0 ? element('ul', { class: 'retainers' }, entry.heapViews.map((view) =>
      element('li', {}, element('code', { text: `${view.type}: ${view.retainerPath}` })))) : null);
}

// A table whose header sorts it: `rowsFor(sorted)` builds the body from the sorted items.
function sortableTable(table, columns, items, initial, rowsFor) {
  let sort = initial;
  const head = table.tHead;
  const body = table.tBodies[0];
  const render = () => {
    const column = columns.find((c) => c.id === sort.id);
    const sorted = [...items].sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      const order = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.descending ? -order : order;
    });
    head.replaceChildren(element('tr', {}, columns.map((c) => element('th', {
      scope: 'col', class: c.numeric ? 'numeric' : null,
      'aria-sort': c.id === sort.id ? (sort.descending ? 'descending' : 'ascending') : null,
    }, element('button', { type: 'button', 'data-column': c.id, text: c.title })))));
    body.replaceChildren(...rowsFor(sorted));
  };
  head.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-column]');
    if (!button) return;
    const id = button.dataset.column;
    const numeric = columns.find((c) => c.id === id).numeric;
    sort = { id, descending: sort.id === id ? !sort.descending : numeric || id === 'growth' };
    render();
  });
  render();
}

function entryRows(entry, columns, model, selection) {
  const row = element('tr', { class: 'entry', tabindex: 0, 'data-key': entry.key, 'aria-expanded': 'false' },
    cellsOf(entry, columns));
  const details = element('tr', { class: 'details-row', hidden: true }, detailsCell(entry, model, columns.length));
  const toggle = () => {
    const open = details.hidden;
    details.hidden = !open;
    row.setAttribute('aria-expanded', String(open));
    selection.select(entry.key, open);
  };
  row.addEventListener('click', toggle);
  row.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); toggle(); }
  });
  return [row, details];
}

function renderEntries(model, table, selection) {
  const columns = entryColumns(model);
  const internals = model.entries.filter((entry) => entry.nodeInternal);
  let internalsOpen = false;
  sortableTable(table, columns, model.entries, { id: 'bytes', descending: true }, (sorted) => {
    const rows = sorted.filter((e) => !e.nodeInternal).flatMap((e) => entryRows(e, columns, model, selection));
    if (internals.length === model.entries.length) {
      rows.push(element('tr', {}, element('td', { colspan: columns.length, class: 'empty', text: 'No entries.' })));
    }
    if (internals.length === 0) return rows;
    const bytes = internals.reduce((sum, e) => sum + e.bytes, 0);
    const group = element('tr', { class: 'internals', tabindex: 0, 'aria-expanded': String(internalsOpen) },
      element('td', { colspan: columns.length },
        `Node internals: ${internals.length} site${internals.length === 1 ? '' : 's'}, ${formatBytes(bytes)}`,
        element('small', { text: ' (Buffers Node\'s own modules made while loading; click to list)' })));
    const members = sorted.filter((e) => e.nodeInternal).flatMap((e) => entryRows(e, columns, model, selection));
    members.filter((row) => row.classList.contains('entry')).forEach((row) => {
      row.classList.add('internal');
      row.hidden = !internalsOpen;
    });
    const toggle = () => {
      internalsOpen = !internalsOpen;
      group.setAttribute('aria-expanded', String(internalsOpen));
      members.forEach((row) => {
        if (row.classList.contains('entry')) row.hidden = !internalsOpen;
        else if (!internalsOpen) row.hidden = true;
      });
    };
    group.addEventListener('click', toggle);
    group.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); toggle(); }
    });
    return [...rows, group, ...members];
  });
}

function renderPeakOnly(model, table, selection) {
  if (model.peakOnly.length === 0) return;
  table.closest('section').hidden = false;
  const columns = [COLUMNS.site, COLUMNS.kind, model.showProcessColumn && COLUMNS.process,
                   model.showThreads && COLUMNS.thread, COLUMNS.peak, COLUMNS.growth].filter(Boolean);
  sortableTable(table, columns, model.peakOnly, { id: 'peak', descending: true }, (sorted) => sorted.map((site) => {
    const row = element('tr', { class: 'entry', tabindex: 0, 'data-key': site.key, title: site.location },
      cellsOf(site, columns));
    row.addEventListener('click', () => selection.select(site.key, !row.classList.contains('selected')));
    return row;
  }));
}
