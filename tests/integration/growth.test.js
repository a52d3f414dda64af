'use strict';

// The timeline, peaks and growth verdicts as a user meets them: a growing site beside a steady
// cache, a program that frees everything before it ends, and the growth gate. The fixture
// steps on a 50 ms timer with the timeline ticking every 20 ms; a point comes with a full
// collection, so each counts exactly what is reachable, whenever it falls.

const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { entriesAt, fixtures, run, siteLine } = require('./helpers');

const kBudgetExceeded = 66;
const fixture = path.join(fixtures, 'growth.js');
const kChunk = 65536;
const kStepMs = 50;
const flags = ['--slab-hunter-timeline=20', '--slab-hunter-leak-cutoff=0'];
const at = (site) => `${fixture}:${siteLine('growth.js', site)}:`;

function report(args) {
  const result = run([...flags, '--slab-hunter-report=/dev/stderr', ...args]);
  const json = result.stderr.slice(result.stderr.indexOf('{"schema"'));
  return { result, report: JSON.parse(json.slice(0, json.indexOf('\n'))) };
}

test('a growing site is growing and a cache that filled early is steady, with their peaks', () => {
  const steps = 60;
  const { result, report: json } = report([fixture, 'grow', String(steps)]);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.strictEqual(json.version, 2);
  const [grow] = entriesAt(json.bigBufferLeaks, 'growth.js', siteLine('growth.js', 'grow'));
  const [cache] = entriesAt(json.bigBufferLeaks, 'growth.js', siteLine('growth.js', 'cache'));
  assert.strictEqual(grow.amount, steps);
  assert.strictEqual(grow.totalSize, steps * kChunk);
  assert.strictEqual(grow.peakBytes, steps * kChunk);
  assert.strictEqual(grow.growth.verdict, 'growing');
  // One chunk a step, steps no closer than 50 ms: at most 78.6 MB a minute.
  const fastest = kChunk * 60000 / kStepMs;
  assert.ok(grow.growth.bytesPerMinute > 0 && grow.growth.bytesPerMinute <= fastest * 1.05,
            String(grow.growth.bytesPerMinute));
  assert.strictEqual(cache.amount, 5);
  assert.strictEqual(cache.peakBytes, 5 * kChunk);
  assert.deepStrictEqual(cache.growth, { verdict: 'steady', bytesPerMinute: 0 });
  // The cache peaked once filled (step 4, after 200 ms), long before the end.
  assert.ok(cache.peakAtMs >= 4 * kStepMs && cache.peakAtMs < grow.peakAtMs,
            `${cache.peakAtMs} ${grow.peakAtMs}`);
  assert.deepStrictEqual(json.peakOnlySites, []);

  const { timeline } = json;
  assert.strictEqual(timeline.threadId, 0);
  // A point needs a full collection, which the tick makes when its pause is under 5% of the time
  // since the last point: here every few ticks, at least the 16 a verdict on 8 needs.
  assert.ok(timeline.ticks >= 16, String(timeline.ticks));
  const series = (site) => timeline.sites.find((s) => s.location.startsWith('at ') &&
                                                  s.location.includes(at(site))).bytes;
  for (const values of [timeline.atMs, timeline.totals.bigBufferLeaks, series('grow')]) {
    assert.strictEqual(values.length, timeline.atMs.length);
  }
  // The last point is the end-of-run report's own.
  assert.strictEqual(series('grow').at(-1), steps * kChunk);
  assert.strictEqual(series('cache').at(-1), 5 * kChunk);
  assert.deepStrictEqual([...series('grow')].sort((a, b) => a - b), series('grow'));
});

test('a cache that evicts its oldest entries is steady at its size, and passes the gate', () => {
  const { result, report: json } = report(['--slab-hunter-fail-on-growth=1kB', fixture, 'lru', '60']);
  assert.strictEqual(result.status, 0, result.stderr);
  const [lru] = entriesAt(json.bigBufferLeaks, 'growth.js', siteLine('growth.js', 'lru'));
  assert.strictEqual(lru.amount, 20);
  assert.strictEqual(lru.peakBytes, 20 * 5000);
  assert.deepStrictEqual(lru.growth, { verdict: 'steady', bytesPerMinute: 0 });
});

test('points count what a full collection found reachable: garbage of the same line is not', () => {
  // Each step drops nine 60000-byte bodies and keeps one 64 KiB body through a subarray, all
  // made at one line: a point holding any dropped body is no multiple of 64 KiB.
  const steps = 60;
  const { result, report: json } = report([fixture, 'garbage', String(steps)]);
  assert.strictEqual(result.status, 0, result.stderr);
  const [body] = entriesAt(json.bigBufferLeaks, 'growth.js', siteLine('growth.js', 'body'));
  assert.strictEqual(body.amount, steps);
  assert.strictEqual(body.growth.verdict, 'growing');
  const points = json.timeline.sites.find((s) => s.location.includes(at('body'))).bytes;
  assert.deepStrictEqual(points.filter((bytes) => bytes % kChunk !== 0), []);
  assert.deepStrictEqual([...points].sort((a, b) => a - b), points);
  assert.strictEqual(points.at(-1), steps * kChunk);
});

test('a program that frees everything before it ends shows the peak at its line', () => {
  const { result, report: json } = report(['--slab-hunter-fail-on-big=1', fixture, 'free']);
  // The budget counts what is held at the end: nothing.
  assert.strictEqual(result.status, 0, result.stderr);
  assert.deepStrictEqual(json.bigBufferLeaks, []);
  assert.strictEqual(json.totals.bigBufferLeaks, 0);
  const held = entriesAt(json.peakOnlySites, 'growth.js', siteLine('growth.js', 'held'));
  assert.strictEqual(held.length, 1, JSON.stringify(json.peakOnlySites));
  assert.strictEqual(held[0].kind, 'bigBuffer');
  assert.strictEqual(held[0].peakBytes, 10 * kChunk);
  // Allocated at once, then held for 500 ms.
  assert.ok(held[0].peakAtMs > 0 && held[0].peakAtMs < 10 * kStepMs, String(held[0].peakAtMs));
});

test('the text names the peak-only site and gives each entry its growth line', () => {
  const freed = run([...flags, '--slab-hunter-interval=400', '--slab-hunter-stack-depth=1',
                     fixture, 'free']);
  assert.strictEqual(freed.status, 0, freed.stderr);
  const last = freed.stderr.slice(freed.stderr.lastIndexOf('Big buffer potential leaks:'));
  assert.match(last, new RegExp('\nHeld at their peak, nothing now \\(not in the totals\\):\n' +
                                `big buffers at .*${escape(at('held'))}\\d+\\)?\n` +
                                '    growth: \\w+.*; peak 655.4 kB at \\d+(\\.\\d)? s\n'));
  const grown = run([...flags, '--slab-hunter-fail-on-big=1', '--slab-hunter-stack-depth=1',
                     fixture, 'grow', '60']);
  assert.strictEqual(grown.status, kBudgetExceeded);
  assert.match(grown.stderr, new RegExp(`60 leaks of big buffers of avg size 65.5 kB \\(total: 3.9 MB\\) at .*${escape(at('grow'))}.*\n` +
                                        '    unreferenced: 0 B\n' +
                                        '    retained by 60 view\\(s\\) of 3.9 MB at .*\n' +
                                        '    growth: growing, \\+\\d+(\\.\\d)? MB/min; peak 3.9 MB at \\d+(\\.\\d)? s\n'));
  assert.match(grown.stderr, /\n    growth: steady, \+0 B\/min; peak 327\.7 kB at 0\.\d s\n/);
});

test('the growth gate fails a growing program naming its line, and passes a steady cache', () => {
  const growing = run([...flags, '--slab-hunter-fail-on-growth=1MB', fixture, 'grow', '60']);
  assert.strictEqual(growing.status, kBudgetExceeded, growing.stderr);
  const message = growing.stderr.slice(growing.stderr.indexOf('growth budget exceeded'));
  assert.match(message, /^growth budget exceeded \(1000000 bytes per minute\): growing sites:\n  \+\d+(\.\d)? MB\/min big buffers at /);
  assert.ok(message.includes(at('grow')), message);
  assert.ok(!message.includes(at('cache')), message);

  const steady = run([...flags, '--slab-hunter-fail-on-growth=1', fixture, 'cache', '60']);
  assert.strictEqual(steady.status, 0, steady.stderr);
  assert.strictEqual(steady.stderr, '');
  // Faster than the site grows: passes.
  const slow = run([...flags, '--slab-hunter-fail-on-growth=1GB', fixture, 'grow', '30']);
  assert.strictEqual(slow.status, 0, slow.stderr);
});

test('a growth gate that cannot judge says so, and passes', () => {
  const message = 'slab-hunter-node: growth budget not checked: no site has a growth verdict ' +
    '(a verdict needs 8 points of the timeline: run longer, or set a shorter ' +
    '--slab-hunter-timeline)\n';
  // One point (the end-of-run report's own) for the one site.
  const short = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-growth=1kB', '-e',
                     `globalThis.kept = Buffer.alloc(${kChunk})`]);
  assert.strictEqual(short.status, 0, short.stderr);
  assert.strictEqual(short.stderr, message);
  const off = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-growth=1kB',
                   '--slab-hunter-timeline=0', '-e', `globalThis.kept = Buffer.alloc(${kChunk})`]);
  assert.strictEqual(off.stderr, message);
  // Nothing held: nothing to judge, nothing to say.
  const clean = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-growth=1kB', '-e', '1']);
  assert.strictEqual(clean.stderr, '');
});

test('getLeakStats() entries carry peakBytes, peakAtMs and growth; no timeline with 0', () => {
  const script = `
    const getLeakStats = require('node:slab_hunter')(0);
    globalThis.kept = Buffer.alloc(${kChunk});
    setTimeout(() => {
      const [entry] = getLeakStats().bigBufferLeaks.filter((e) => e.location.startsWith('at [eval]'));
      console.log(JSON.stringify({ peakBytes: entry.peakBytes, peakAtMs: entry.peakAtMs,
                                   growth: entry.growth }));
    }, 1000);`;
  const result = run([...flags, '-e', script]);
  assert.strictEqual(result.status, 0, result.stderr);
  const entry = JSON.parse(result.stdout);
  assert.strictEqual(entry.peakBytes, kChunk);
  assert.ok(entry.peakAtMs > 0 && entry.peakAtMs < 1000, String(entry.peakAtMs));
  assert.deepStrictEqual(entry.growth, { verdict: 'steady', bytesPerMinute: 0 });

  const off = run(['--slab-hunter-timeline=0', '--slab-hunter-leak-cutoff=0', '--slab-hunter-report=/dev/stderr',
                   '-e', `globalThis.kept = Buffer.alloc(${kChunk})`]);
  const json = JSON.parse(off.stderr);
  assert.strictEqual(json.timeline, null);
  const [entryOff] = json.bigBufferLeaks.filter((e) => e.location.startsWith('at [eval]'));
  assert.deepStrictEqual([entryOff.peakBytes, entryOff.peakAtMs, entryOff.growth],
                         [null, null, { verdict: 'unknown', bytesPerMinute: null }]);
});

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
