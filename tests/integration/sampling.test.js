'use strict';

// --slab-hunter-sample-rate: a store made by a Buffer call left out by sampling is never a
// big-buffer leak of its own and never `<native>` (which means: no JS was running); pool slabs
// are never big-buffer leaks, sampled, failed or not.

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

test('sampled pooled Buffers: no big-buffer leak, one slab entry for the sampled calls', () => {
  const { result, report } = hunt('pooled', ['--slab-hunter-sample-rate=10']);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.deepStrictEqual(report.bigBufferLeaks, []);
  assert.strictEqual(report.totals.bigBufferLeaks, 0);
  const line = siteLine('sampling.js', 'sampled-pooled');
  const entries = entriesAt(report.slabLeaks, 'sampling.js', line);
  assert.strictEqual(entries.length, 1);
  assert.strictEqual(entries[0].amount, 100);
  assert.strictEqual(report.slabLeaks.length, 1);
});

test('a big-buffer budget of 0 passes a sampled program that has no big buffer', () => {
  const { result, report } = hunt('pooled', ['--slab-hunter-sample-rate=10',
                                             '--slab-hunter-fail-on-big=0']);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.strictEqual(result.stderr, '');
  assert.strictEqual(report.budgets.exceeded, false);
});

test('sampled big Buffers are reported at their line, never at <native>', () => {
  const { result, report } = hunt('big', ['--slab-hunter-sample-rate=10']);
  assert.strictEqual(result.status, 0, result.stderr);
  const line = siteLine('sampling.js', 'sampled-big');
  assert.strictEqual(report.bigBufferLeaks.length, 1, JSON.stringify(report.bigBufferLeaks));
  const [entry] = entriesAt(report.bigBufferLeaks, 'sampling.js', line);
  assert.strictEqual(entry.amount, 10);
  assert.strictEqual(entry.totalSize, 100000);
  assert.strictEqual(report.totals.bigBufferLeaks, 100000);
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
  for (const flags of [[], ['--slab-hunter-sample-rate=3']]) {
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
