'use strict';

// The benchmark harness: the same binary in the same run, alternating between untracked,
// ours (node:slab_hunter) and the seed (npm slab-hunter 1.2.1), on each workload; prints the
// medians, the ratios and the per-view memory, and checks them against the targets.
// Usage: slab-hunter-node tests/bench/run.js <plain-node binary> <seed package dir> [reps]

const { execFileSync } = require('node:child_process');
const path = require('node:path');

const [plainNode, seedPath, repsArg = '5'] = process.argv.slice(2);
const reps = Number(repsArg);
const binary = process.execPath;
const workloads = path.join(__dirname, 'workloads.js');

function measure(executable, workload, mode, flags = []) {
  const out = execFileSync(executable, [...flags, workloads, workload, mode, seedPath],
                           { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop());
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

// Runs `runs` (name -> thunk) `reps` times, rotating the order each round so no mode always
// runs first (warm caches) or last.
function alternate(runs) {
  const names = Object.keys(runs);
  const results = Object.fromEntries(names.map((name) => [name, []]));
  for (let rep = 0; rep < reps; rep++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + rep) % names.length];
      results[name].push(runs[name]());
    }
  }
  return results;
}

const rows = [];
const checks = [];
function check(name, value, limit, unit, better = 'lower') {
  const met = better === 'lower' ? value <= limit : value >= limit;
  checks.push(`${met ? 'met ' : 'GAP '} ${name}: ${value.toFixed(2)}${unit} (target ${better === 'lower' ? '<=' : '>='} ${limit}${unit})`);
}

console.log(`slab-hunter-node benchmarks, Node ${process.version}: ${reps} alternating runs per mode, medians`);

// (a) and (b): untracked vs ours (every call, and sampling one call in 16) vs the seed.
const kSampleRate = 16;
for (const workload of ['alloc', 'stream']) {
  const times = alternate({
    untracked: () => measure(binary, workload, 'untracked').ms,
    ours: () => measure(binary, workload, 'ours').ms,
    sampled: () => measure(binary, workload, 'ours', [`--slab-hunter-sample-rate=${kSampleRate}`]).ms,
    seed: () => measure(binary, workload, 'seed').ms,
  });
  const [untracked, ours, sampled, seed] =
    ['untracked', 'ours', 'sampled', 'seed'].map((m) => median(times[m]));
  rows.push({ workload, untracked, ours, seed, 'ours/untracked': ours / untracked, 'seed/ours': seed / ours });
  rows.push({ workload: `${workload}, sampled 1/${kSampleRate}`, untracked, ours: sampled, seed,
              'ours/untracked': sampled / untracked, 'seed/ours': seed / sampled });
  const label = workload === 'alloc' ? '(a)' : '(b)';
  const limit = workload === 'alloc' ? 3 : 1.15;
  check(`${label} ours vs untracked`, ours / untracked, limit, 'x');
  check(`${label} ours sampled 1/${kSampleRate} vs untracked`, sampled / untracked, limit, 'x');
  if (workload === 'alloc') {
    check('(a) seed / ours (speed-up over the seed)', seed / ours, 20, 'x', 'higher');
    check(`(a) seed / ours sampled 1/${kSampleRate}`, seed / sampled, 20, 'x', 'higher');
  }
}

// The timeline's ticks: the stream workload (whose event loop turns, so ticks run) with a tick
// every 10 ms, 100 times the default rate, against no timeline; both flags track from the start.
const timeline = alternate({
  none: () => measure(binary, 'stream', 'ours', ['--slab-hunter-timeline=0']).ms,
  ticks: () => measure(binary, 'stream', 'ours', ['--slab-hunter-timeline=10']).ms,
});
const [noTimeline, ticking] = [median(timeline.none), median(timeline.ticks)];
rows.push({ workload: 'stream, timeline every 10 ms', untracked: noTimeline, ours: ticking,
            'ours/untracked': ticking / noTimeline });
check('timeline every 10 ms vs none (stream)', ticking / noTimeline, 1.02, 'x');

// (c) report cost with 100,000 live tracked views.
const reports = alternate({
  ours: () => measure(binary, 'report', 'ours'),
  seed: () => measure(binary, 'report', 'seed'),
});
const oursReport = median(reports.ours.map((r) => r.ms));
rows.push({ workload: 'report (100k views)', ours: oursReport, seed: median(reports.seed.map((r) => r.ms)) });
check('(c) getLeakStats() with 100,000 live views', oursReport, 50, ' ms');

// (e) The pause of a report's full collection on heaps of 100 MB and 1 GB of small objects.
for (const megabytes of [100, 1000]) {
  const pauses = alternate({
    ours: () => measure(binary, `pause${megabytes}`, 'ours', ['--max-old-space-size=4096']),
  }).ours;
  rows.push({ workload: `report on a ${megabytes} MB heap, with its collection`,
              ours: median(pauses.map((r) => r.ms)) });
  rows.push({ workload: `report on a ${megabytes} MB heap, { collect: false }`,
              ours: median(pauses.map((r) => r.withoutCollectionMs)) });
}

// Memory per live view: RSS over untracked, 300,000 live small Buffers.
const memory = alternate({
  untracked: () => measure(binary, 'memory', 'untracked', ['--expose-gc']),
  ours: () => measure(binary, 'memory', 'ours', ['--expose-gc']),
  seed: () => measure(binary, 'memory', 'seed', ['--expose-gc']),
});
const rss = (mode) => median(memory[mode].map((r) => r.rssBytes));
const perView = (mode) => (rss(mode) - rss('untracked')) / memory[mode][0].views;
rows.push({ workload: 'memory per live view (bytes)', ours: perView('ours'), seed: perView('seed') });
check('tracker memory per live view', perView('ours'), 64, ' B');

// Tracking off: slab-hunter-node untracked vs a plain embedder of the same libnode.
for (const workload of ['alloc', 'stream']) {
  const times = alternate({
    plain: () => measure(plainNode, workload, 'untracked').ms,
    off: () => measure(binary, workload, 'untracked').ms,
  });
  const ratio = median(times.off) / median(times.plain);
  rows.push({ workload: `${workload}, tracking off`, untracked: median(times.plain), ours: median(times.off), 'ours/untracked': ratio });
  check(`tracking off vs plain node (${workload})`, ratio, 1.03, 'x');
}

const format = (value) => (typeof value === 'number' ? value.toFixed(value < 10 ? 2 : 1) : value ?? '');
const columns = ['workload', 'untracked', 'ours', 'seed', 'ours/untracked', 'seed/ours'];
console.log(columns.join(' | '));
for (const row of rows) console.log(columns.map((c) => format(row[c])).join(' | '));
console.log('(times in ms; untracked = the same binary without tracking, or plain-node for "tracking off", or no timeline for "timeline every 10 ms")');
console.log(checks.join('\n'));
