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

// "Fix: <what the hint asks for>".
function adviceOf(hint, tag) {
  return element(tag, { class: 'advice' }, element('strong', { text: 'Fix: ' }), HINT_ADVICE[hint] || hint);
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
  if (others.length === 0) return '';
  return `, kept by views from ${others.slice(0, 2).join(', ')}${others.length > 2 ? ', …' : ''}`;
}

// " in thread 2", " in process 41": said when the report covers more than one.
function whereElse(entry, model) {
  return (model.showProcesses && entry.pid != null ? ` in process ${entry.pid}` : '') +
    (model.showThreads ? ` in thread ${entry.threadId ?? 0}` : '');
}

// Entries to name in the answer: growing ones first, then by bytes.
function answerOrder(entries) {
  const growing = (entry) => (entry.growth && entry.growth.verdict === 'growing' ? 1 : 0);
  return [...entries].sort((a, b) => growing(b) - growing(a) || b.bytes - a.bytes);
}

function renderAnswer(model, container) {
  const { report, entries } = model;
  const totals = report.totals || {};
  // Node's own internals are listed apart: the answer is about the program's lines.
  const own = entries.filter((entry) => !entry.nodeInternal);
  const internals = entries.filter((entry) => entry.nodeInternal);
  const isGrowing = (site) => site.growth && site.growth.verdict === 'growing';
  // Sites freed by the end that were growing while they held memory (a server closed before
  // the program ended): the answer leads with them too, at their peak, as the text does.
  const freedGrowing = model.peakOnly.filter((site) => !site.nodeInternal && isGrowing(site))
    .map((site) => ({ ...site, bytes: site.peakBytes, freed: true }));
  const growing = [...own.filter(isGrowing), ...freedGrowing];
  const headline = element('p', { class: 'headline', id: 'headline' });
  if (own.length === 0 && freedGrowing.length === 0) {
    headline.textContent = 'No Buffer memory is held past the leak cut-off: nothing to fix.';
  } else {
    const unknown = own.every((entry) => !entry.growth || entry.growth.verdict === 'unknown');
    const freed = freedGrowing.length > 0 ? ` (${freedGrowing.length} of them freed by the end)` : '';
    const growth = growing.length > 0 ? `${growing.length} growing${freed}`
      : !unknown ? 'none growing'
      : model.groups.some((group) => group.timeline) ? 'growth unknown (too few timeline points)'
      : 'growth unknown (no timeline)';
    // In the text report's words, Node's internals counted apart (the note below).
    const sites = `${own.length} ${own.length === 1 ? 'site keeps' : 'sites keep'}`;
    // The listed sites' bytes, as the text says them: the totals below count Node's too.
    const held = (kind) => own.filter((entry) => entry.kind === kind)
      .reduce((sum, entry) => sum + entry.bytes, 0);
    const sampled = model.sampleIntervalBytes != null
      ? `; estimated from a sample (mean sampling interval ${formatBytes(model.sampleIntervalBytes)})` : '';
    headline.textContent = `${sites} memory the program may not need (big buffers ` +
      `${formatBytes(held('bigBuffer'))}, slab retainers ${formatBytes(held('slab'))}); ${growth}${sampled}.`;
  }
  document.title = `${headline.textContent} | slab-hunter-node`;
  container.append(headline);

  const top = answerOrder([...own, ...freedGrowing]).slice(0, 5);
  if (top.length > 0) {
    container.append(element('ol', { class: 'findings', id: 'findings' }, top.map((entry) =>
      element('li', {},
        element('code', { class: 'site-label', text: entry.label }),
        entry.freed ? ` held ${formatBytes(entry.bytes)} in ${KIND_NAMES[entry.kind]} at its peak, freed by the end`
          : ` holds ${formatBytes(entry.bytes)} in ${KIND_NAMES[entry.kind]}`,
        `${whereElse(entry, model)}${keptBy(entry)} `,
        growthBadge(entry.growth),
        entry.hint ? adviceOf(entry.hint, 'span') : null))));
  }

  if (internals.length > 0) {
    const bytes = internals.reduce((sum, entry) => sum + entry.bytes, 0);
    container.append(element('p', { class: 'note', text:
      `Not counted above: Node's own modules hold ${formatBytes(bytes)} at ${internals.length} ` +
      `site${internals.length === 1 ? '' : 's'} (Buffers made while loading; listed under ` +
      '"Node internals").' }));
  }

  const budgets = report.budgets || {};
  const budgetNote = (budget) =>
    (budget != null ? element('small', { text: `budget ${formatBytes(budget)}` }) : null);
  const anyBudget = [budgets.bigBufferLeaks, budgets.slabLeaks, budgets.growthBytesPerMinute]
    .some((budget) => budget != null);
  const figure = (name, value, ...notes) =>
    element('div', { class: 'total' }, element('dt', { text: name }), element('dd', { text: value }), ...notes);
  // Sampled, each total is an estimate with its 95% interval.
  const intervalNote = (field) => (totals.interval95 && totals.interval95[field]
    ? element('small', { class: 'interval', text: intervalText(totals.interval95[field]) }) : null);
  container.append(element('dl', { class: 'totals', id: 'totals' },
    figure('Big buffers', formatBytes(totals.bigBufferLeaks || 0), intervalNote('bigBufferLeaks'),
      budgetNote(budgets.bigBufferLeaks)),
    figure('Slab retainers', formatBytes(totals.slabLeaks || 0), intervalNote('slabLeaks'),
      budgetNote(budgets.slabLeaks)),
    figure('Unused but held', formatBytes(totals.unreferencedBytes || 0), intervalNote('unreferencedBytes'),
      element('small', { text: 'each byte counted once' })),
    figure('Budgets', budgets.exceeded ? 'exceeded' : anyBudget ? 'met' : 'none set',
      budgets.growthBytesPerMinute != null
        ? element('small', { text: `growth budget ${formatRate(budgets.growthBytesPerMinute)}` }) : null)));
  if (budgets.exceeded) container.classList.add('exceeded');
}
