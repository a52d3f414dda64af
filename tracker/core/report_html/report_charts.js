// The page's charts (Chart.js): per timeline, each kind's top sites stacked over time and the
// totals; a selected site's series is drawn strong and every other one dimmed.
'use strict';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];
const OTHER_COLOUR = '#9aa0a6';
const INTERNALS_COLOUR = '#c5cad1';
const TOP_SITES = 8;
const axisSeconds = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const siteCharts = [];
// Each site keeps one colour in every chart it is in.
const siteColours = new Map();

function colourOf(key) {
  if (!siteColours.has(key)) siteColours.set(key, PALETTE[siteColours.size % PALETTE.length]);
  return siteColours.get(key);
}

function withAlpha(hex, alpha) {
  const value = parseInt(hex.slice(1), 16);
  return `rgba(${value >> 16}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

function styleDataset(dataset, selectedKey) {
  const strong = !selectedKey || dataset.siteKey === selectedKey;
  const picked = selectedKey && dataset.siteKey === selectedKey;
  dataset.borderColor = withAlpha(dataset.baseColour, strong ? 1 : 0.25);
  dataset.backgroundColor = withAlpha(dataset.baseColour, picked ? 0.85 : strong ? 0.5 : 0.08);
  dataset.borderWidth = picked ? 3 : 1.5;
}

function highlightSite(selectedKey) {
  for (const chart of siteCharts) {
    for (const dataset of chart.data.datasets) styleDataset(dataset, selectedKey);
    chart.update('none');
  }
}

function chartOptions(times, stacked, onLegendClick) {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    // A single point makes no line: it is drawn as a dot.
    elements: { point: { radius: times.length === 1 ? 4 : 0, hitRadius: 6 }, line: { tension: 0 } },
    scales: {
      x: { type: 'linear', min: 0, max: times.length > 0 ? times[times.length - 1] : undefined,
           title: { display: true, text: 'time since tracking began' },
           ticks: { callback: (value) => `${axisSeconds.format(value)} s`, maxTicksLimit: 8, includeBounds: false } },
      y: { stacked, beginAtZero: true, ticks: { callback: (value) => formatBytes(value), maxTicksLimit: 6 } },
    },
    plugins: {
      legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12, font: { size: 11 } },
                ...(onLegendClick ? { onClick: onLegendClick } : {}) },
      tooltip: { callbacks: { title: (items) => formatSeconds(items[0].parsed.x * 1000),
                              label: (item) => `${item.dataset.label}: ${formatBytes(item.parsed.y)}` } },
    },
  };
}

// `tall` leaves the plot its height under a legend of many sites.
function chartCard(container, title, subtitle, tall) {
  const canvas = element('canvas', { role: 'img', 'aria-label': title });
  container.append(element('figure', { class: 'chart-card' },
    element('figcaption', {}, element('strong', { text: title }), element('span', { text: subtitle })),
    element('div', { class: tall ? 'chart-box tall' : 'chart-box' }, canvas)));
  return canvas;
}

// One kind's sites as stacked areas: the program's TOP_SITES that held most at their peak, the
// rest summed, and Node's own internals summed apart.
function siteDatasets(sites, times) {
  const ranked = sites.filter((site) => !site.nodeInternal)
    .sort((a, b) => Math.max(...b.bytes) - Math.max(...a.bytes));
  const points = (values) => values.map((y, i) => ({ x: times[i], y }));
  const summed = (group) => points(times.map((_, i) => group.reduce((sum, site) => sum + (site.bytes[i] || 0), 0)));
  const datasets = ranked.slice(0, TOP_SITES).map((site) => ({
    label: site.label, siteKey: site.key, baseColour: colourOf(site.key), data: points(site.bytes),
  }));
  const rest = ranked.slice(TOP_SITES);
  if (rest.length > 0) {
    datasets.push({ label: `${rest.length} other sites`, siteKey: null, baseColour: OTHER_COLOUR,
                    data: summed(rest) });
  }
  const internals = sites.filter((site) => site.nodeInternal);
  if (internals.length > 0) {
    datasets.push({ label: `Node internals (${internals.length})`, siteKey: null, baseColour: INTERNALS_COLOUR,
                    data: summed(internals) });
  }
  datasets.forEach((dataset, i) => {
    dataset.fill = i === 0 ? 'origin' : '-1';
    styleDataset(dataset, null);
  });
  return datasets;
}

function renderTimeline(group, container, onSelect) {
  const { timeline } = group;
  const times = timeline.atMs.map((ms) => ms / 1000);
  const legendClick = (event, item, legend) => {
    const key = legend.chart.data.datasets[item.datasetIndex].siteKey;
    if (key) onSelect(key);
  };
  for (const kind of ['bigBuffer', 'slab']) {
    const sites = group.sites.filter((site) => site.kind === kind);
    if (sites.length === 0) continue;
    const title = `${kind === 'bigBuffer' ? 'Big buffers' : 'Slab retainers'} held, by site`;
    const own = sites.filter((site) => !site.nodeInternal).length;
    const canvas = chartCard(container, title, `stacked; top ${Math.min(own, TOP_SITES)} of ${own}`, own > 4);
    canvas.dataset.kind = kind;
    siteCharts.push(new Chart(canvas, {
      type: 'line', data: { datasets: siteDatasets(sites, times) }, options: chartOptions(times, true, legendClick),
    }));
  }
  const totals = timeline.totals || {};
  const held = [...(totals.bigBufferLeaks || []), ...(totals.slabLeaks || [])].some((bytes) => bytes > 0);
  if (!held && group.sites.length === 0) {
    container.append(element('p', { class: 'note', text: 'Nothing was held at any point of the timeline.' }));
    return;
  }
  const totalSeries = (label, values, colour) => ({
    label, data: values.map((y, i) => ({ x: times[i], y })), borderColor: colour,
    backgroundColor: withAlpha(colour, 0.15), borderWidth: 2, fill: false,
  });
  const canvas = chartCard(container, 'Totals', 'the two kinds can count one byte twice');
  canvas.dataset.kind = 'totals';
  new Chart(canvas, {
    type: 'line',
    data: { datasets: [totalSeries('big buffers', totals.bigBufferLeaks || [], '#1f5fa8'),
                       totalSeries('slab retainers', totals.slabLeaks || [], '#c2410c')] },
    options: chartOptions(times, false, null),
  });
}

function renderCharts(model, container, onSelect) {
  for (const group of model.groups) {
    const section = element('div', { class: 'chart-group' });
    if (model.showProcesses) section.append(element('h2', { text: `Process ${group.pid}` }));
    const grid = element('div', { class: 'chart-grid' });
    section.append(grid);
    container.append(section);
    if (!group.timeline) {
      grid.append(element('p', { class: 'note', text: model.showProcesses
        ? 'No timeline for this process (it ran with --slab-hunter-timeline=0).'
        : 'No timeline in this report (it was made with --slab-hunter-timeline=0).' }));
      continue;
    }
    const { timeline } = group;
    renderTimeline(group, grid, onSelect);
    const dropped = timeline.droppedSites
      ? `; ${timeline.droppedSites} sites left out (more than ${timeline.maxSites})` : '';
    const thread = timeline.threadId === 0 ? 'The main thread' : `Thread ${timeline.threadId}`;
    const points = timeline.atMs.length;
    section.append(element('p', { class: 'note', text:
      `${thread}'s timeline: ${points} point${points === 1 ? '' : 's'} from ${timeline.ticks} ticks` +
      `${timeline.ticksPerPoint > 1 ? ` (each point the mean of ${timeline.ticksPerPoint})` : ''}${dropped}.` }));
  }
}
