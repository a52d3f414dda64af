'use strict';

// The seed's documented behaviour, on real runs of the binary: slab and big-buffer leaks found
// at the allocating line, with the seed's numbers.

const test = require('node:test');
const assert = require('node:assert');
const { entriesAt, run, runScenario, siteLine } = require('./helpers');

const kPoolSize = 8192;

test('pooled Buffer.allocUnsafe kept every 100th: one slab entry at that line', () => {
  const report = runScenario('pooled-alloc-unsafe');
  const line = siteLine('scenario.js', 'pooled-alloc-unsafe');
  const entries = entriesAt(report.slabLeaks, 'scenario.js', line);
  assert.strictEqual(entries.length, 1, JSON.stringify(report.slabLeaks, null, 2));
  assert.strictEqual(entries[0].amount, 10);
  assert.strictEqual(entries[0].totalLeakedBytes, 10 * (kPoolSize - 100));
  // Each kept buffer is alone on its slab once the others are collected.
  assert.strictEqual(entries[0].normalisedTotalLeakedBytes, 10 * (kPoolSize - 100));
  assert.strictEqual(entriesAt(report.bigBufferLeaks, 'scenario.js', line).length, 0);
});

test('big Buffer.allocUnsafe kept every 100th: one big-buffer entry, no slab entry', () => {
  const report = runScenario('big-alloc-unsafe');
  const line = siteLine('scenario.js', 'big-alloc-unsafe');
  const big = entriesAt(report.bigBufferLeaks, 'scenario.js', line);
  assert.strictEqual(big.length, 1, JSON.stringify(report.bigBufferLeaks, null, 2));
  // The seed's fields, then what this tracker adds (retainers, unreferenced bytes, fix hint,
  // and from the timeline the peak and growth).
  assert.deepStrictEqual(Object.keys(big[0]),
                         ['location', 'amount', 'totalSize', 'retainers', 'unreferencedBytes', 'hint',
                          'peakBytes', 'peakAtMs', 'growth']);
  assert.strictEqual(big[0].amount, 10);
  assert.strictEqual(big[0].totalSize, 100000);
  // The seed's code names it totalLeakedBytes: readable too, but not an own enumerable field.
  assert.deepStrictEqual(report.seedCodeTotals, report.bigBufferLeaks.map((e) => e.totalSize));
  assert.strictEqual(entriesAt(report.slabLeaks, 'scenario.js', line).length, 0);
  // The scenario keeps nothing else that is big.
  assert.strictEqual(report.totalBigBufferLeaks, 100000);
});

test('pooled Buffer.from(string) retainers are found (the seed cannot see them)', () => {
  const report = runScenario('pooled-from-string');
  const line = siteLine('scenario.js', 'pooled-from-string');
  const entries = entriesAt(report.slabLeaks, 'scenario.js', line);
  assert.strictEqual(entries.length, 1, JSON.stringify(report.slabLeaks, null, 2));
  assert.strictEqual(entries[0].amount, 10);
  // 'session-0' is 9 bytes; 'session-100' ... 'session-900' are 11.
  assert.strictEqual(entries[0].totalLeakedBytes, 10 * kPoolSize - 9 - 9 * 11);
});

test('the age cutoff is respected', () => {
  const young = runScenario('pooled-alloc-unsafe', { cutoffMs: 5000 });
  const line = siteLine('scenario.js', 'pooled-alloc-unsafe');
  assert.strictEqual(entriesAt(young.slabLeaks, 'scenario.js', line).length, 0);
  const old = runScenario('pooled-alloc-unsafe', { cutoffMs: 300, waitMs: 600 });
  assert.strictEqual(entriesAt(old.slabLeaks, 'scenario.js', line)[0].amount, 10);
});

test('nothing is reported for sites whose buffers were all dropped and collected', () => {
  const report = runScenario('all-dropped');
  for (const site of ['all-dropped-small', 'all-dropped-big']) {
    const line = siteLine('scenario.js', site);
    assert.deepStrictEqual(entriesAt(report.slabLeaks, 'scenario.js', line), []);
    assert.deepStrictEqual(entriesAt(report.bigBufferLeaks, 'scenario.js', line), []);
  }
});

test('a subarray keeps its big buffer reported at the allocation line', () => {
  const report = runScenario('subarray-of-big');
  const big = entriesAt(report.bigBufferLeaks, 'scenario.js', siteLine('scenario.js', 'subarray-big'));
  assert.strictEqual(big.length, 1);
  assert.strictEqual(big[0].amount, 5);
  assert.strictEqual(big[0].totalSize, 5 * 64 * 1024);
  const views = entriesAt(report.slabLeaks, 'scenario.js', siteLine('scenario.js', 'subarray-view'));
  assert.strictEqual(views.length, 1);
  assert.strictEqual(views[0].amount, 5);
  assert.strictEqual(views[0].totalLeakedBytes, 5 * (64 * 1024 - 16));
});

test('Uint8Array.prototype.subarray on a Buffer is tracked', () => {
  const report = runScenario('typed-array-subarray');
  const views = entriesAt(report.slabLeaks, 'scenario.js', siteLine('scenario.js', 'typed-view'));
  assert.strictEqual(views.length, 1);
  assert.strictEqual(views[0].amount, 3);
  assert.strictEqual(views[0].totalLeakedBytes, 3 * (20000 - 10));
  const big = entriesAt(report.bigBufferLeaks, 'scenario.js', siteLine('scenario.js', 'typed-big'));
  assert.strictEqual(big[0].totalSize, 3 * 20000);
});

test('allocUnsafeSlow, concat and slice are tracked with their own call sites', () => {
  const report = runScenario('other-apis');
  // allocUnsafeSlow(50) owns its 50 bytes: no slab leak. concat of 4 bytes uses the pool.
  assert.deepStrictEqual(
    entriesAt(report.slabLeaks, 'scenario.js', siteLine('scenario.js', 'alloc-unsafe-slow')), []);
  const concat = entriesAt(report.slabLeaks, 'scenario.js', siteLine('scenario.js', 'concat'));
  assert.strictEqual(concat.length, 1);
  assert.strictEqual(concat[0].amount, 20);
  const slice = entriesAt(report.slabLeaks, 'scenario.js', siteLine('scenario.js', 'slice'));
  assert.strictEqual(slice.length, 1);
  assert.strictEqual(slice[0].amount, 20);
  assert.strictEqual(slice[0].totalLeakedBytes, 20 * (5000 - 10));
});

test('the text form is the seed\'s, from the same analysis', () => {
  const report = runScenario('big-alloc-unsafe');
  const line = siteLine('scenario.js', 'big-alloc-unsafe');
  assert.match(report.text, /^Big buffer potential leaks:\n/);
  assert.match(report.text,
               new RegExp(`10 leaks of big buffers of avg size 10 kB \\(total: 100 kB\\) at \\S+ \\(\\S+scenario\\.js:${line}:\\d+\\)\\n`));
  assert.match(report.text, /\nSlab retainers potential leaks:\n/);
  // Ten whole 10000-byte Buffers kept, nothing pooled: no byte is unreferenced.
  assert.match(report.text, /\nTotal potential big buffer leaks: 100 kB\nTotal potential slab-retainer leaks: 0 B\nTotal retained but unreferenced: 0 B \(each byte counted once\)$/);
  assert.strictEqual(report.inspected, report.text);
});

test('tracking also holds under --stress-compaction', () => {
  const report = runScenario('pooled-alloc-unsafe', { flags: ['--stress-compaction'] });
  const entries = entriesAt(report.slabLeaks, 'scenario.js', siteLine('scenario.js', 'pooled-alloc-unsafe'));
  assert.strictEqual(entries[0].amount, 10);
  assert.strictEqual(entries[0].totalLeakedBytes, 10 * (kPoolSize - 100));
});

test('allocations outside Buffer calls are safe to capture under --stress-compaction', () => {
  const report = runScenario('native-allocations', { flags: ['--stress-compaction'] });
  // 20 kept of each: ArrayBuffers of 5000 + i bytes and Float64Arrays of 1000 + i elements
  // (i < 20), located by the allocator's own capture at their lines.
  const arrayBuffers = entriesAt(report.bigBufferLeaks, 'scenario.js', siteLine('scenario.js', 'native-array-buffer'));
  assert.strictEqual(arrayBuffers.length, 1, JSON.stringify(report.bigBufferLeaks, null, 2));
  assert.strictEqual(arrayBuffers[0].amount, 20);
  assert.strictEqual(arrayBuffers[0].totalSize, 20 * 5000 + 190);
  const floats = entriesAt(report.bigBufferLeaks, 'scenario.js', siteLine('scenario.js', 'native-float64'));
  assert.strictEqual(floats.length, 1);
  assert.strictEqual(floats[0].amount, 20);
  assert.strictEqual(floats[0].totalSize, 8 * (20 * 1000 + 190));
  // fs.readFileSync's Buffer is made inside Node: its 20 kept 4-byte subarrays show at their line.
  const reads = entriesAt(report.slabLeaks, 'scenario.js', siteLine('scenario.js', 'native-read'));
  assert.strictEqual(reads.length, 1);
  assert.strictEqual(reads[0].amount, 20);
  assert.strictEqual(reads[0].retainers[0].amount, 20);
  assert.strictEqual(reads[0].retainers[0].bytes, 20 * 4);
  // JS was running at every allocation of this program: no entry is located at <native>.
  for (const entry of [...report.bigBufferLeaks, ...report.slabLeaks]) {
    assert.notStrictEqual(entry.location, 'at <native>');
  }
});

// Node's own default pool, whatever the line: 8 KiB on Node 18, 64 KiB on Node 24.21, where a
// 5000-byte allocUnsafe is a pool slice and so a slab retainer, not a big buffer.
test('Node\'s default pool decides: allocUnsafe(5000) is big on 18, a slab retainer on 24', () => {
  const result = run(['--expose-gc', '-e', `
    const getLeakStats = require('node:slab_hunter')(0);
    const kept = [];
    for (let i = 0; i < 3; i++) kept.push(Buffer.allocUnsafe(5000));
    const stats = getLeakStats();
    console.log(JSON.stringify([Buffer.poolSize,
      stats.bigBufferLeaks.filter((e) => e.location.startsWith('at [eval]:')).map((e) => [e.amount, e.totalSize]),
      stats.slabLeaks.filter((e) => e.location.startsWith('at [eval]:')).map((e) => e.amount)]));`]);
  assert.strictEqual(result.status, 0, result.stderr);
  const expected = process.versions.node.startsWith('18.') ? [8192, [[3, 15000]], []] : [65536, [], [3]];
  assert.deepStrictEqual(JSON.parse(result.stdout), expected);
});
