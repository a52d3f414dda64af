'use strict';

// --slab-hunter-sample-bytes: estimates whose 95% intervals hold a known ground truth; a store
// left out by sampling is never a big-buffer leak of its own and never `<native>` (which means:
// no JS was running); pool slabs are never big-buffer leaks, sampled, failed or not.

const test = require('node:test');
const { after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { entriesAt, fixtures, run, siteLine } = require('./helpers');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slab-hunter-sampling-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let reports = 0;
// Runs fixtures/sampling.js with the flags; returns the run and its end-of-run JSON report.
function hunt(scenario, flags) {
  const reportPath = path.join(tmp, `${++reports}.json`);
  const result = run(['--slab-hunter-leak-cutoff=0', `--slab-hunter-report=${reportPath}`, ...flags,
                      path.join(fixtures, 'sampling.js'), scenario]);
  return { result, report: JSON.parse(fs.readFileSync(reportPath, 'utf8')) };
}

// The ground truth of fixtures/sampling.js 'ground-truth' (every Buffer of these sites kept):
// [kind, site, amount, the byte field, its bytes].
const kTruth = [
  ['slabLeaks', 'truth-pooled', 3000, 'totalLeakedBytes', 3000 * (8192 - 128)],
  ['bigBufferLeaks', 'truth-big', 200, 'totalSize', 200 * 20000],
  ['bigBufferLeaks', 'truth-chunk', 300, 'totalSize', 300 * 65536],
  ['slabLeaks', 'truth-sub', 300, 'totalLeakedBytes', 300 * (65536 - 16)],
];
const kInterval = 32 * 1024;

function truthEntry(report, kind, site) {
  const entries = entriesAt(report[kind], 'sampling.js', siteLine('sampling.js', site));
  assert.ok(entries.length <= 1, `${site}: ${entries.length} entries`);
  return entries[0];
}

test('every Buffer tracked: the ground truth exactly, and no intervals', () => {
  const { result, report } = hunt('ground-truth', []);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.strictEqual(report.settings.sampleIntervalBytes, null);
  assert.strictEqual(report.totals.interval95, undefined);
  for (const [kind, site, amount, field, bytes] of kTruth) {
    const entry = truthEntry(report, kind, site);
    assert.strictEqual(entry.amount, amount, site);
    assert.strictEqual(entry[field], bytes, site);
    assert.strictEqual(entry.interval95, undefined, site);
  }
});

// 30 runs with seeds 1..30 at a mean interval of 32 KiB: slabs (8 KiB) are kept with
// probability 0.22, the 20 kB Buffers 0.46, the 64 KiB chunks 0.86. Each estimate's 95%
// interval holds the truth in at least 80% of the runs (nominal 95%; the interval is a normal
// approximation over few stores), the estimates average within 10% of the truth (unbiased),
// and sampling did leave stores out (the estimates are not all the truth).
test('sampled estimates: their 95% intervals hold the ground truth, and they average to it', () => {
  const exact = hunt('ground-truth', []).report;
  const checks = [];
  for (const [kind, site, amount, field, bytes] of kTruth) {
    checks.push({ kind, site, field: 'amount', truth: amount });
    checks.push({ kind, site, field, truth: bytes });
  }
  const pooledNormalised = truthEntry(exact, 'slabLeaks', 'truth-pooled').normalisedTotalLeakedBytes;
  checks.push({ kind: 'slabLeaks', site: 'truth-pooled', field: 'normalisedTotalLeakedBytes',
                truth: pooledNormalised });
  for (const check of checks) Object.assign(check, { inside: 0, sum: 0, exact: 0 });
  const kRuns = 30;
  for (let seed = 1; seed <= kRuns; seed++) {
    const { result, report } = hunt('ground-truth', [`--slab-hunter-sample-bytes=${kInterval}`,
                                                     `--slab-hunter-sample-seed=${seed}`]);
    assert.strictEqual(result.status, 0, result.stderr);
    assert.strictEqual(report.settings.sampleIntervalBytes, kInterval);
    for (const check of checks) {
      const entry = truthEntry(report, check.kind, check.site);
      const value = entry ? entry[check.field] : 0;
      const [low, high] = entry ? entry.interval95[check.field] : [0, 0];
      assert.ok(low <= value && value <= high, `${check.site} ${check.field}: ${low} ${value} ${high}`);
      if (low <= check.truth && check.truth <= high) check.inside++;
      if (value === check.truth) check.exact++;
      check.sum += value;
    }
  }
  for (const check of checks) {
    const what = `${check.site} ${check.field}: truth ${check.truth}, inside ${check.inside}/${kRuns}, ` +
                 `mean ${check.sum / kRuns}`;
    console.log(what);
    assert.ok(check.inside >= Math.ceil(0.8 * kRuns), what);
    assert.ok(Math.abs(check.sum / kRuns - check.truth) <= 0.1 * check.truth, what);
    assert.ok(check.exact < kRuns, `${what}: never sampled out`);
  }
});

test('one seed, one run: the same seed gives the same report, another seed another', () => {
  const entries = (seed) => {
    const { report } = hunt('ground-truth', [`--slab-hunter-sample-bytes=${kInterval}`,
                                             `--slab-hunter-sample-seed=${seed}`]);
    return JSON.stringify([report.totals, report.slabLeaks.map((e) => [e.location, e.amount])]);
  };
  assert.strictEqual(entries(7), entries(7));
  assert.notStrictEqual(entries(7), entries(8));
});

test('sampled pooled Buffers: no big-buffer leak, and a slab entry estimating the 1000 kept', () => {
  const { result, report } = hunt('pooled', ['--slab-hunter-sample-bytes=16KiB',
                                             '--slab-hunter-sample-seed=3']);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.deepStrictEqual(report.bigBufferLeaks, []);
  assert.strictEqual(report.totals.bigBufferLeaks, 0);
  const [entry] = entriesAt(report.slabLeaks, 'sampling.js', siteLine('sampling.js', 'sampled-pooled'));
  const [low, high] = entry.interval95.amount;
  assert.ok(low <= 1000 && 1000 <= high, JSON.stringify(entry.interval95));
});

test('a big-buffer budget of 0 passes a sampled program that has no big buffer', () => {
  const { result, report } = hunt('pooled', ['--slab-hunter-sample', '--slab-hunter-fail-on-big=0']);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.strictEqual(result.stderr, '');
  assert.strictEqual(report.budgets.exceeded, false);
});

test('sampled big Buffers are reported at their line, never at <native>', () => {
  // 10000-byte stores at a mean interval of 10000 bytes: each kept with probability 0.63.
  const { result, report } = hunt('big', ['--slab-hunter-sample-bytes=10000',
                                          '--slab-hunter-sample-seed=5']);
  assert.strictEqual(result.status, 0, result.stderr);
  const line = siteLine('sampling.js', 'sampled-big');
  assert.strictEqual(report.bigBufferLeaks.length, 1, JSON.stringify(report.bigBufferLeaks));
  const [entry] = entriesAt(report.bigBufferLeaks, 'sampling.js', line);
  const weight = 1 / (1 - Math.exp(-1));
  // Every kept store counts 1/p: the estimate is a whole number of them.
  const kept = Math.round(entry.totalSize / 10000 / weight);
  assert.ok(kept > 30 && kept < 100, `${kept} of 100 sampled`);
  assert.ok(Math.abs(entry.totalSize - kept * 10000 * weight) < 1, `${entry.totalSize}`);
  assert.strictEqual(report.totals.bigBufferLeaks, entry.totalSize);
});

test('every big Buffer is reported at its line when every call is tracked', () => {
  const { result, report } = hunt('big', []);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.strictEqual(report.bigBufferLeaks.length, 1);
  const [entry] = entriesAt(report.bigBufferLeaks, 'sampling.js', siteLine('sampling.js', 'sampled-big'));
  assert.strictEqual(entry.amount, 100);
  assert.strictEqual(entry.totalSize, 1000000);
});

test('a pool slab made by a Buffer call that threw is never a big-buffer leak', () => {
  for (const flags of [[], ['--slab-hunter-sample-bytes=4KiB', '--slab-hunter-sample-seed=1']]) {
    const { result, report } = hunt('failed-call', flags);
    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(report.bigBufferLeaks, [], flags.join(' '));
  }
  const { report } = hunt('failed-call', []);
  const entries = entriesAt(report.slabLeaks, 'sampling.js', siteLine('sampling.js', 'failed-call-kept'));
  assert.strictEqual(entries.length, 1);
  assert.strictEqual(entries[0].amount, 1);
  assert.strictEqual(entries[0].totalLeakedBytes, 8192 - 100);
});

test('sampled, the budgets compare estimates and say so; the text gives each interval', () => {
  const { result, report } = hunt('big', ['--slab-hunter-sample-bytes=10000',
                                          '--slab-hunter-sample-seed=5',
                                          '--slab-hunter-fail-on-big=1000']);
  assert.strictEqual(result.status, 66, result.stderr);
  const verdict = /^slab-hunter-node: leak budget exceeded \(estimated from a sample: big-buffer leaks (\d+) bytes, budget 1000 bytes; slab leaks 0 bytes, budget none\)\n/.exec(result.stderr);
  assert.ok(verdict, result.stderr);
  assert.ok(Math.abs(Number(verdict[1]) - report.totals.bigBufferLeaks) <= 1);
  assert.match(result.stderr, /^slab-hunter-node: 1 site keeps memory the program may not need .*; estimated from a sample:\n/m);
  const [low, high] = report.bigBufferLeaks[0].interval95.amount;
  assert.match(result.stderr, new RegExp(`\n    estimated from a sample: ${report.bigBufferLeaks[0].amount} \\(95%: ${Math.round(low)} to ${Math.round(high)}\\), `));
  assert.match(result.stderr, /\nTotal potential big buffer leaks: [\d.]+ [kM]B \(95%: [\d.]+ [kM]B to [\d.]+ [kM]B\)\n/);
  assert.match(result.stderr, /\n\(sampled at a mean interval of 10 kB, seed 5: the figures are estimates of the whole program's, with 95% intervals\)/);
  assert.strictEqual(report.settings.sampleSeed, '5');
});

test('getLeakStats() sampled: every entry and the totals have their 95% intervals', () => {
  const result = run(['--slab-hunter-sample-bytes=10000', '--slab-hunter-sample-seed=9',
                      '--slab-hunter-report=/dev/null', '-e', `
    const getLeakStats = require('node:slab_hunter')(0);
    const kept = [];
    for (let i = 0; i < 100; i++) kept.push(Buffer.allocUnsafeSlow(10000));  // never pooled
    const stats = getLeakStats();
    const [entry] = stats.bigBufferLeaks.filter((e) => e.location.startsWith('at [eval]:'));
    console.log(JSON.stringify({ entry, sampleIntervalBytes: stats.sampleIntervalBytes,
                                 sampleSeed: stats.sampleSeed,
                                 interval95: stats.interval95, total: stats.totalBigBufferLeaks }));`]);
  assert.strictEqual(result.status, 0, result.stderr);
  const { entry, sampleIntervalBytes, sampleSeed, interval95, total } = JSON.parse(result.stdout);
  assert.strictEqual(sampleIntervalBytes, 10000);
  assert.strictEqual(sampleSeed, '9');
  assert.deepStrictEqual(Object.keys(entry.interval95), ['amount', 'totalSize', 'unreferencedBytes']);
  for (const field of ['amount', 'totalSize']) {
    const [low, high] = entry.interval95[field];
    assert.ok(low <= entry[field] && entry[field] <= high && low < high, `${field}: ${low} ${high}`);
  }
  const [low, high] = interval95.totalBigBufferLeaks;
  assert.ok(low <= total && total <= high && low < high);
});

test('a merge of processes sampled from one seed says their intervals are too narrow', () => {
  const sampled = (seed) => {
    const reportPath = path.join(tmp, `${++reports}.json`);
    const result = run(['--slab-hunter-leak-cutoff=0', `--slab-hunter-report=${reportPath}`,
                        '--slab-hunter-sample-bytes=10000', `--slab-hunter-sample-seed=${seed}`,
                        path.join(fixtures, 'sampling.js'), 'big']);
    assert.strictEqual(result.status, 0, result.stderr);
    return reportPath;
  };
  const [first, second, other] = [sampled(11), sampled(11), sampled(12)];
  const same = run(['--slab-hunter-merge', '--slab-hunter-report=/dev/null', first, second]);
  assert.strictEqual(same.status, 0, same.stderr);
  assert.strictEqual(same.stderr,
                     `slab-hunter-node: --slab-hunter-merge: ${first} and ${second} were sampled from the same ` +
                     'seed (11): their samples are not independent, and the merged 95% intervals are too ' +
                     'narrow; give each process its own seed, or none\n');
  const merged = path.join(tmp, `${++reports}.json`);
  const distinct = run(['--slab-hunter-merge', `--slab-hunter-report=${merged}`, first, other]);
  assert.strictEqual(distinct.status, 0, distinct.stderr);
  assert.strictEqual(distinct.stderr, '');
  const report = JSON.parse(fs.readFileSync(merged, 'utf8'));
  assert.strictEqual(report.settings.sampleIntervalBytes, 10000);
  assert.strictEqual(report.settings.sampleSeed, null);  // two seeds
  const [low, high] = report.bigBufferLeaks[0].interval95.amount;
  assert.ok(low <= 200 && 200 <= high, `${low} ${high}`);
});
