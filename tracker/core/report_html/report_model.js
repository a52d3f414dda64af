// The HTML report's model: byte and rate formatting as the text report writes them, site labels,
// and the report's entries, series and timelines in one shape whatever the report's layout
// (one process or several, with or without a timeline).
'use strict';

// npm byte-size 9's default (metric units, at most one decimal, trailing zero dropped, half
// rounded away from zero), as tracker/core/report_text.cc's FormatBytes: 8100 -> "8.1 kB".
const METRIC_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });  // "1,000 kB" as well

function formatBytes(bytes) {
  const sign = bytes < 0 ? '-' : '';
  const magnitude = Math.abs(bytes);
  for (let i = 0; i < METRIC_UNITS.length; i++) {
    const from = i === 0 ? 1 : 10 ** (3 * i);
    if (magnitude < 10 ** (3 * (i + 1))) return `${sign}${oneDecimal.format(magnitude / from)} ${METRIC_UNITS[i]}`;
  }
  return `${sign}${magnitude} `;
}

// A 95% interval [low, high] of an estimate: "95%: 906 kB to 1.2 MB".
function intervalText([low, high], format = formatBytes) {
  return `95%: ${format(Math.round(low))} to ${format(Math.round(high))}`;
}

function formatRate(bytesPerMinute) {
  return `${bytesPerMinute < 0 ? '' : '+'}${formatBytes(bytesPerMinute)}/min`;
}

function formatSeconds(ms) {
  return `${oneDecimal.format(Math.max(0, ms) / 1000)} s`;
}

// What each hint asks for, in the text report's words (tracker/core/fix_hint.cc).
const HINT_ADVICE = {
  'copy-out': 'copy the part you keep out of the big buffer: Buffer.from(view), so the rest can be freed',
  'unslab': 'copy long-lived buffers out of the shared pool (Buffer.allocUnsafeSlow(n) + copy, ' +
    'or the unslab package)',
  'alloc-unsafe-slow': 'allocate long-lived buffers with Buffer.allocUnsafeSlow(), which does not use the ' +
    'shared pool',
};

const KIND_NAMES = { bigBuffer: 'big buffers', slab: 'slab retainers' };

// The first frame of a location's text ("at f (file:1:2)" or "at file:1:2"), for timeline
// sites, which carry no structured frames.
function frameFromLocation(location) {
  const first = String(location || '').split('\n')[0].trim().replace(/^at /, '');
  const match = /^(?:(.*) \()?(.*?):(\d+):(\d+)\)?$/.exec(first);
  if (!match) return { function: '', file: first, line: 0, column: 0 };
  return { function: match[1] || '', file: match[2], line: Number(match[3]), column: Number(match[4]) };
}

// A site's or retainer's first frame: its structured one when the report has it.
function firstFrameOf(site) {
  const frame = (site.frames && site.frames[0]) || frameFromLocation(site.location);
  // Code with no script name (eval, new Function): named as V8 names it in the location.
  return frame.file === '' ? { ...frame, file: '<anonymous>' } : frame;
}

// Each file's shortest tail of path segments that no other file of the report ends with, so
// labels read "app.js:12" and two index.js files become "a/index.js" and "b/index.js"; Node's
// own modules keep their names ("node:internal/url").
function shortFileNames(files) {
  const distinct = [...new Set(files)];
  const segmentsOf = new Map(distinct.map((file) => [file, file.split('/')]));
  const tail = (file, count) => segmentsOf.get(file).slice(-count).join('/');
  const names = new Map();
  for (const file of distinct) {
    if (file.startsWith('node:')) {  // Node's own modules: short already, and telling
      names.set(file, file);
      continue;
    }
    const segments = segmentsOf.get(file);
    const sharedBySomeOther = (name) =>
      distinct.some((other) => other !== file && (other === name || other.endsWith(`/${name}`)));
    let count = 1;
    while (count < segments.length && sharedBySomeOther(tail(file, count))) count++;
    names.set(file, tail(file, count));
  }
  return names;
}

// A site's identity across the entries and the timelines: its process, thread, kind and stack.
function siteKey(pid, threadId, kind, location) {
  return JSON.stringify([pid ?? null, threadId ?? 0, kind, location]);
}

// The report in the page's terms: entries (both kinds, each with its site key and label),
// peak-only sites, and one timeline group per process.
function buildModel(report) {
  const processes = Array.isArray(report.processes) && report.processes.length > 0 ? report.processes : null;
  const entryOf = (kind) => (entry) => ({
    ...entry,
    kind,
    bytes: kind === 'bigBuffer' ? entry.totalSize : entry.normalisedTotalLeakedBytes,
    // Sampled: the 95% intervals of the bytes and the amount ([low, high]), else null.
    bytesInterval: entry.interval95
      ? entry.interval95[kind === 'bigBuffer' ? 'totalSize' : 'normalisedTotalLeakedBytes'] : null,
    amountInterval: entry.interval95 ? entry.interval95.amount : null,
    frame: firstFrameOf(entry),
    key: siteKey(entry.pid, entry.threadId, kind, entry.location),
  });
  const entries = [
    ...(report.bigBufferLeaks || []).map(entryOf('bigBuffer')),
    ...(report.slabLeaks || []).map(entryOf('slab')),
  ];
  const peakOnly = (report.peakOnlySites || []).map((site) => ({
    ...site,
    frame: firstFrameOf(site),
    key: siteKey(site.pid, site.threadId, site.kind, site.location),
  }));
  // Timeline sites carry no nodeInternal mark: their entry's, else whether every frame is Node's
  // own (as for the entries so marked).
  const internalKeys = new Set([...entries, ...peakOnly].filter((site) => site.nodeInternal).map((site) => site.key));
  const isInternal = (key, location) => internalKeys.has(key) ||
    String(location).split('\n').every((line) => /^\s*at (?:.* \()?node:/.test(line));
  const timelineSources = processes
    ? processes.map((process) => ({ pid: process.pid, timeline: process.timeline }))
    : [{ pid: undefined, timeline: report.timeline }];
  const groups = timelineSources.map(({ pid, timeline }) => ({
    pid,
    timeline: timeline || null,
    sites: timeline
      ? (timeline.sites || []).map((site) => ({
          ...site,
          frame: frameFromLocation(site.location),
          // Without the pid: a merged report's entries are merged over processes, so one
          // entry's series is its location's in every process's charts.
          key: siteKey(undefined, timeline.threadId, site.kind, site.location),
          nodeInternal: isInternal(siteKey(undefined, timeline.threadId, site.kind, site.location), site.location),
        }))
      : [],
  }));
  const sites = [...entries, ...peakOnly, ...groups.flatMap((group) => group.sites)];
  const files = sites.flatMap((site) => [
    site.frame.file,
    ...(site.retainers || []).map((retainer) => firstFrameOf(retainer).file),
  ]);
  const shortNames = shortFileNames(files);
  const label = (frame) => {
    const file = shortNames.get(frame.file) ?? frame.file;
    return frame.line ? `${file}:${frame.line}` : file;  // "<native>" has no line
  };
  for (const site of sites) site.label = label(site.frame);
  for (const entry of entries) {
    entry.retainers = (entry.retainers || []).map((retainer) =>
      ({ ...retainer, label: label(firstFrameOf(retainer)) }));
  }
  const threadIds = new Set([...entries, ...peakOnly].map((entry) => entry.threadId ?? 0));
  return {
    report,
    entries,
    peakOnly,
    groups,
    showThreads: threadIds.size > 1 || [...threadIds].some((id) => id !== 0) || (report.threads || []).length > 1,
    showProcesses: processes !== null,
    // A merged report's entries are merged over its processes: none has a process of its own.
    showProcessColumn: entries.some((entry) => entry.pid != null),
    // Sampled (--slab-hunter-sample-bytes): the mean interval; null when every Buffer is tracked.
    sampleIntervalBytes: (report.settings && report.settings.sampleIntervalBytes) ?? null,
  };
}
