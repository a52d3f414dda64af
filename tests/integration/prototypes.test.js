'use strict';

// Adversarial: a program that puts accessors on Object.prototype and Array.prototype must not
// crash the process, nor lose or alter a field of any result: every result object carries its
// fields as its own data properties.

const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { fixtures, run, siteLine } = require('./helpers');

const fixture = path.join(fixtures, 'prototypes.js');
const line = (site) => siteLine('prototypes.js', site);

// Replaces each `location` whose first frame is a site of the fixture by `site:<name>`.
function withSites(value) {
  if (Array.isArray(value)) return value.map(withSites);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = key === 'location' ? siteOf(field) : withSites(field);
  }
  return out;
}

// `site:big` or `site:view` when the location's first frame is that line of the fixture.
function siteOf(location) {
  const first = location.split('\n')[0].replace(/\)$/, '');
  for (const site of ['big', 'view']) {
    const column = first.split(':').pop();
    if (first.startsWith('at ') && first.endsWith(`${fixture}:${line(site)}:${column}`)) {
      return `site:${site}`;
    }
  }
  return location;
}

// The fixture's one 64 KiB store, kept whole and by a 16-byte subarray [8, 24).
const retainers = [
  { location: 'site:big', amount: 1, bytes: 65536 },
  { location: 'site:view', amount: 1, bytes: 16 },
];
// The run is far shorter than the 8 timeline points a verdict needs; peakAtMs is replaced by
// 'ms' once checked (peakTimesChecked).
const history = (peakBytes) => ({
  peakBytes, peakAtMs: 'ms', growth: { verdict: 'unknown', bytesPerMinute: null },
});
function expectedOverview(heapViews) {
  const views = heapViews ? { heapViews } : {};
  return {
    bigBufferLeaks: [{
      location: 'site:big', amount: 1, totalSize: 65536, retainers, unreferencedBytes: 0,
      hint: 'copy-out', ...views, ...history(65536), totalLeakedBytes: 65536,
    }],
    slabLeaks: [{
      location: 'site:view', amount: 1, totalLeakedBytes: 65536 - 16,
      normalisedTotalLeakedBytes: (65536 - 16) / 2, retainers, unreferencedBytes: 0,
      hint: 'copy-out', ...views, ...history((65536 - 16) / 2),
    }],
  };
}

// Each entry's peak time is a time of the run (ms since tracking began): 'ms' once checked.
function peakTimesChecked(overview) {
  for (const entry of [...overview.bigBufferLeaks, ...overview.slabLeaks]) {
    assert.ok(entry.peakAtMs >= 0 && entry.peakAtMs < 60000, String(entry.peakAtMs));
    entry.peakAtMs = 'ms';
  }
  return overview;
}
const kHeapViews = [
  { type: 'Buffer', retainerPath: 'global / kept / big' },
  { type: 'Buffer', retainerPath: 'global / kept / view' },
];
const sortViews = (views) =>
  [...views].sort((a, b) => a.retainerPath.localeCompare(b.retainerPath));

function checkResults(mode) {
  const result = run(['--expose-gc', fixture, mode]);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.strictEqual(result.stderr, '');
  const results = JSON.parse(result.stdout);
  for (const name of ['plain', 'verified']) {
    const { error, text, totals, overview } = results[name];
    assert.strictEqual(error, undefined, `${name}: ${error}`);
    const got = peakTimesChecked(withSites(overview));
    if (name === 'verified') {
      for (const entry of [...got.bigBufferLeaks, ...got.slabLeaks]) {
        entry.heapViews = sortViews(entry.heapViews);
      }
    }
    assert.deepStrictEqual(got, expectedOverview(name === 'verified' ? kHeapViews : undefined));
    assert.deepStrictEqual(totals, [65536, 32760, 0]);
    // String(overview), made while the prototypes were polluted, is the full text.
    assert.ok(text.startsWith('Big buffer potential leaks:\n1 leaks of big buffers of avg size ' +
                              '65.5 kB (total: 65.5 kB) at '), text);
    assert.ok(text.includes('\nSlab retainers potential leaks:\n1 leaks of avg 65.5 kB ' +
                            '(total: 32.8 kB normalised against retainers) at '), text);
    assert.ok(text.endsWith('\nTotal potential big buffer leaks: 65.5 kB\n' +
                            'Total potential slab-retainer leaks: 32.8 kB\n' +
                            'Total retained but unreferenced: 0 B (each byte counted once)'), text);
  }
}

test('throwing accessors on Object.prototype and Array.prototype: the result is built of own ' +
     'data properties', () => {
  checkResults('throwing');
});

test('accessors that swallow writes and lie on reads take no field away', () => {
  checkResults('swallowing');
});

test('throwing accessors left in place: the flags\' end-of-run report, heap check and stack ' +
     'statistics are written', () => {
  const result = run(['--slab-hunter', '--slab-hunter-leak-cutoff=0', '--slab-hunter-report=/dev/stderr',
                      '--slab-hunter-verify-stacks', '--slab-hunter-verify-heap', fixture,
                      'at-exit']);
  assert.strictEqual(result.status, 0, result.stderr);
  const lines = result.stderr.split('\n');
  // The self-check line, whole, despite the accessors.
  assert.match(lines[0], /^slab-hunter-node: stack cache: \d+ hits, \d+ full captures, \d+ hits verified, 0 mismatches; stack tables: \d+ stacks, \d+ frames, \d+ reclaims; frame walks: \d+ hits$/);
  const report = JSON.parse(lines[1]);
  assert.strictEqual(lines.length, 3, result.stderr);
  assert.strictEqual(lines[2], '');
  const big = report.bigBufferLeaks.filter((entry) => siteOf(entry.location) === 'site:big');
  const slab = report.slabLeaks.filter((entry) => siteOf(entry.location) === 'site:view');
  assert.strictEqual(big.length, 1);
  assert.strictEqual(slab.length, 1);
  assert.strictEqual(big[0].totalSize, 65536);
  assert.strictEqual(slab[0].normalisedTotalLeakedBytes, 32760);
  assert.deepStrictEqual(sortViews(big[0].heapViews), kHeapViews);
  assert.deepStrictEqual(sortViews(slab[0].heapViews), kHeapViews);
});
