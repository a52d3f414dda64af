'use strict';

// Beyond the seed: who retains each leak (retainers), bytes nothing references, fix hints,
// stores made natively, and the heap-snapshot check that finds views the hooks cannot see.

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { entriesAt, fixtures, run, siteLine } = require('./helpers');

function runRetention(name, verify = false) {
  const result = run(['--expose-gc', path.join(fixtures, 'retention.js'), name,
                      verify ? 'verify' : '']);
  assert.strictEqual(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}
const line = (site) => siteLine('retention.js', site);
const firstLine = (location) => location.split('\n')[0];
const at = (site) => new RegExp(`^at (?:\\S+ \\()?${path.join(fixtures, 'retention.js')}:${line(site)}:\\d+\\)?$`);

test('big buffers kept only by their subarrays: one entry at the allocation, retained by the subarray line', () => {
  const report = runRetention('subarray-keys');
  const big = entriesAt(report.bigBufferLeaks, 'retention.js', line('keys-big'));
  assert.strictEqual(big.length, 1);
  assert.strictEqual(big[0].amount, 5);
  assert.strictEqual(big[0].totalSize, 327680);
  assert.strictEqual(big[0].retainers.length, 1);
  assert.match(firstLine(big[0].retainers[0].location), at('keys-view'));
  assert.strictEqual(big[0].retainers[0].amount, 5);
  assert.strictEqual(big[0].retainers[0].bytes, 80);
  assert.strictEqual(big[0].unreferencedBytes, 5 * (65536 - 16));
  assert.strictEqual(big[0].hint, 'copy-out');
  // The printed overview says the same under the entry: first what it really holds (the seed's
  // line above it says "avg size 65.5 kB"), then who holds it and the fix.
  const seedLine = `5 leaks of big buffers of avg size 65.5 kB (total: 327.7 kB) ${big[0].location}\n`;
  const block = report.text.slice(report.text.indexOf(seedLine) + seedLine.length);
  assert.ok(report.text.includes(seedLine), report.text);
  assert.match(block, new RegExp(
    '^    unreferenced: 327\\.6 kB\\n' +
    `    retained by 5 view\\(s\\) of 80 B at .*retention\\.js:${line('keys-view')}:\\d+\\)?\\n` +
    '    fix: copy the part you keep out of the big buffer'));
});

test('the heap check finds the views the hooks cannot see, with their retainer paths', () => {
  const plain = runRetention('hidden-views');
  const big = entriesAt(plain.bigBufferLeaks, 'retention.js', line('hidden-big'));
  assert.strictEqual(big.length, 1);
  assert.deepStrictEqual(big[0].retainers, []);  // no tracked view holds it
  assert.strictEqual(big[0].heapViews, undefined);  // not asked for

  const verified = runRetention('hidden-views', true);
  const checked = entriesAt(verified.bigBufferLeaks, 'retention.js', line('hidden-big'))[0];
  const views = checked.heapViews.map((v) => `${v.type} at ${v.retainerPath}`).sort();
  assert.deepStrictEqual(views, ['DataView at global / kept / dataView',
                                 'Uint8Array at global / kept / items / [0]']);
});

test('a natively read chunk kept by a subarray is a big-buffer leak with the subarray as retainer', () => {
  const report = runRetention('native-chunk');
  const chunks = report.bigBufferLeaks.filter((entry) =>
    entry.retainers.some((r) => at('chunk-view').test(firstLine(r.location))));
  assert.strictEqual(chunks.length, 1, JSON.stringify(report.bigBufferLeaks, null, 2));
  assert.strictEqual(chunks[0].location, 'at <native>');  // read by libuv, no JS on the stack
  // One store, the chunk's own, as big as its ArrayBuffer says (Node sizes it to the read).
  assert.strictEqual(chunks[0].amount, 1);
  assert.strictEqual(chunks[0].totalSize, report.chunkStoreBytes);
  assert.strictEqual(chunks[0].hint, 'copy-out');
});

test('a natively read chunk kept whole is a big-buffer leak at <native> with no retainers', () => {
  const report = runRetention('native-chunk-whole');
  assert.strictEqual(report.chunkLength, 60000);
  // The chunk's own store, sized to the read; nothing else (Node 24 keeps its 64 KiB read
  // buffer for the next read: Node's, not the program's).
  assert.deepStrictEqual(report.bigBufferLeaks.map((entry) =>
    [entry.location, entry.amount, entry.totalSize, entry.retainers.length]),
  [['at <native>', 1, 60000, 0]]);
  assert.strictEqual(report.totalUnreferencedBytes, 60000);
});

test('a program that reads a socket and keeps nothing has no leaks', () => {
  const report = runRetention('native-chunk-dropped');
  assert.strictEqual(report.chunkLength, 60000);
  assert.deepStrictEqual(report.bigBufferLeaks, []);
  assert.deepStrictEqual(report.slabLeaks, []);
  assert.strictEqual(report.totalUnreferencedBytes, 0);
  assert.ok(!report.text.includes('<native>'), report.text);
});

test('the end-of-run budget passes a program that reads a socket and keeps nothing', () => {
  const budget = ['--slab-hunter', '--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-big=1',
                  '--expose-gc', path.join(fixtures, 'retention.js')];
  const dropped = run([...budget, 'native-chunk-dropped']);
  assert.strictEqual(dropped.status, 0, dropped.stderr);
  // The chunk kept whole is over it, by its own bytes only.
  const whole = run([...budget, 'native-chunk-whole']);
  assert.strictEqual(whole.status, 66, whole.stderr);
  assert.match(whole.stderr, /big-buffer leaks 60000 bytes, budget 1 bytes/);
});

test('the timeline does not count the read buffer Node keeps either: no peak at <native>', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'slab-hunter-retention-')), 'r.json');
  const result = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-timeline=1',
                      `--slab-hunter-report=${file}`, '--expose-gc',
                      path.join(fixtures, 'retention.js'), 'native-chunk-dropped']);
  assert.strictEqual(result.status, 0, result.stderr);
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.deepStrictEqual(report.bigBufferLeaks, []);
  // The program held the 60000-byte chunk itself for a while (a tick may see it, before it is
  // collected); Node's own 64 KiB read buffer, never.
  const nativePeaks = report.peakOnlySites.filter((site) => site.location === 'at <native>');
  assert.deepStrictEqual(nativePeaks.map((site) => site.peakBytes).filter((bytes) => bytes !== 60000),
                         []);
});

test('overlapping views: the bytes neither covers are counted once', () => {
  const report = runRetention('overlapping');
  const a = entriesAt(report.slabLeaks, 'retention.js', line('overlap-a'));
  const b = entriesAt(report.slabLeaks, 'retention.js', line('overlap-b'));
  assert.strictEqual(a.length, 1);
  assert.strictEqual(b.length, 1);
  // 1000 bytes, views [0, 100) and [50, 150): 850 unreferenced, shared by the two views.
  assert.strictEqual(a[0].unreferencedBytes + b[0].unreferencedBytes, 850);
  assert.strictEqual(a[0].retainers.length, 2);
  assert.strictEqual(report.totalUnreferencedBytes, 850);
  assert.strictEqual(a[0].hint, 'copy-out');
  // Each slab entry's share (850 / 2) is the first line under its seed line, which reads "avg
  // 900 B" per view.
  for (const entry of [a[0], b[0]]) {
    const seedLine = `1 leaks of avg 900 B (total: 450 B normalised against retainers) ${entry.location}\n`;
    assert.ok(report.text.includes(`${seedLine}    unreferenced: 425 B\n    retained by 1 view(s)`),
              report.text);
  }
});

// Every entry lists every view of its stores, whichever entry names a store first.
const heapViewsOf = (entry) => entry.heapViews.map((v) => `${v.type} at ${v.retainerPath}`).sort();

test('the heap check lists a store\'s views under the big entry and the slab entry it backs', () => {
  const report = runRetention('big-and-subarray', true);
  const big = entriesAt(report.bigBufferLeaks, 'retention.js', line('shared-big'));
  const slab = entriesAt(report.slabLeaks, 'retention.js', line('shared-view'));
  assert.strictEqual(big.length, 1);
  assert.strictEqual(slab.length, 1);
  const both = ['Buffer at global / kept / big', 'Buffer at global / kept / view'];
  assert.deepStrictEqual(heapViewsOf(big[0]), both);
  assert.deepStrictEqual(heapViewsOf(slab[0]), both);
});

test('the heap check lists both pooled Buffers under each of the two sites sharing their slab', () => {
  const report = runRetention('two-sites-one-slab', true);
  assert.strictEqual(report.sameSlab, true);
  const a = entriesAt(report.slabLeaks, 'retention.js', line('pool-a'));
  const b = entriesAt(report.slabLeaks, 'retention.js', line('pool-b'));
  assert.strictEqual(a.length, 1);
  assert.strictEqual(b.length, 1);
  const both = ['Buffer at global / kept / a', 'Buffer at global / kept / b'];
  assert.deepStrictEqual(heapViewsOf(a[0]), both);
  assert.deepStrictEqual(heapViewsOf(b[0]), both);
  // 8192-byte slab, 200 bytes in view, the rest split between the two sites.
  assert.strictEqual(a[0].unreferencedBytes, 3996);
  assert.strictEqual(b[0].unreferencedBytes, 3996);
});
