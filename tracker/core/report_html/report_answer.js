// The page's header: the answer first (which lines hold how much, which are growing, what to
// do), then the totals and the budgets.
'use strict';

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function growthBadge(growth) {
  const verdict = (growth && growth.verdict) || 'unknown';
  const rate = growth && typeof growth.bytesPerMinute === 'number' ? ` ${formatRate(growth.bytesPerMinute)}` : '';
  return element('span', { class: `verdict verdict-${verdict}`, text: `${verdict}${rate}` });
}

// ", kept by views from a.js:3": the lines whose views hold the entry's memory, when not its own.
function keptBy(entry) {
  const others = [...new Set((entry.retainers || []).map((retainer) => retainer.label))]
    .filter((label) => label !== entry.label);
  return others.length === 0 ? '' : `, kept by views from ${others.slice(0, 2).join(', ')}${others.length > 2 ? ', …' : ''}`;
}

// Entries to name in the answer: growing ones first, then by bytes; Node's own internals last.
function answerOrder(entries) {
  const growing = (entry) => (entry.growth && entry.growth.verdict === 'growing' ? 1 : 0);
  return [...entries].sort(
    (a, b) => (a.nodeInternal ? 1 : 0) - (b.nodeInternal ? 1 : 0) || growing(b) - growing(a) || b.bytes - a.bytes);
}

function renderAnswer(model, container) {
  const { report, entries } = model;
  const totals = report.totals || {};
  const growing = entries.filter((entry) => entry.growth && entry.growth.verdict === 'growing');
  const headline = element('p', { class: 'headline', id: 'headline' });
  if (entries.length === 0) {
    headline.textContent = 'No Buffer memory is held past the leak cut-off: nothing to fix.';
  } else {
    const lines = new Set(entries.map((entry) => entry.label)).size;
    headline.textContent =
      `${formatBytes(totals.unreferencedBytes || 0)} of Buffer memory is held but unused, at ${lines} ` +
      `line${lines === 1 ? '' : 's'}; ` +
      (growing.length === 0
        ? 'none is growing.'
        : `${growing.length} ${growing.length === 1 ? 'site is' : 'sites are'} growing.`);
  }
  container.append(headline);

  const top = answerOrder(entries).slice(0, 5);
  if (top.length > 0) {
    container.append(element('ol', { class: 'findings', id: 'findings' }, top.map((entry) => {
      const advice = HINT_ADVICE[entry.hint];
      return element('li', {},
        element('code', { class: 'site-label', text: entry.label }),
        ` holds ${formatBytes(entry.bytes)} in ${KIND_NAMES[entry.kind]}${keptBy(entry)} `,
        growthBadge(entry.growth),
        entry.nodeInternal ? element('span', { class: 'tag', text: 'Node internal' }) : null,
        advice ? element('span', { class: 'advice' }, element('strong', { text: 'Fix: ' }), advice) : null);
    })));
  }

  const budgets = report.budgets || {};
  const figure = (name, value, extra) =>
    element('div', { class: 'total' }, element('dt', { text: name }), element('dd', { text: value }), extra);
  container.append(element('dl', { class: 'totals', id: 'totals' },
    figure('Big buffers', formatBytes(totals.bigBufferLeaks || 0),
      budgets.bigBufferLeaks != null ? element('small', { text: `budget ${formatBytes(budgets.bigBufferLeaks)}` }) : null),
    figure('Slab retainers', formatBytes(totals.slabLeaks || 0),
      budgets.slabLeaks != null ? element('small', { text: `budget ${formatBytes(budgets.slabLeaks)}` }) : null),
    figure('Unused but held', formatBytes(totals.unreferencedBytes || 0),
      element('small', { text: 'each byte counted once' })),
    budgets.exceeded != null
      ? figure('Budgets', budgets.exceeded ? 'exceeded' : (budgets.bigBufferLeaks != null || budgets.slabLeaks != null ||
          budgets.growthBytesPerMinute != null ? 'met' : 'none set'))
      : null));
  if (budgets.exceeded) container.classList.add('exceeded');
}
