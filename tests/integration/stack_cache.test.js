'use strict';

// The stack cache (raw stack samples mapped to stacks captured in full) gives exactly the
// stacks a full capture gives: every hit is checked against one (--slab-hunter-verify-stacks),
// through many kinds of call paths, tiering, and collections that move code.

const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { fixtures, run } = require('./helpers');

function verify(flags, fixtureArgs = []) {
  const result = run(['--slab-hunter-verify-stacks', ...flags, path.join(fixtures, 'call-paths.js'),
                      ...fixtureArgs]);
  assert.strictEqual(result.status, 0, result.stderr);
  const match = /stack cache: (\d+) hits, (\d+) full captures, (\d+) hits verified, (\d+) mismatches;.* frame walks: (\d+) hits/
    .exec(result.stderr);
  assert.ok(match, result.stderr);
  const [hits, full, verified, mismatches, walkHits] = match.slice(1).map(Number);
  return { hits, full, verified, mismatches, walkHits };
}

// V8 13.6 (Node 24) renamed --always-opt to --always-turbofan.
const alwaysOptimize = process.versions.node.startsWith('18.') ? '--always-opt' : '--always-turbofan';
for (const flags of [[], ['--expose-gc', '--stress-compaction'], [alwaysOptimize], ['--no-opt', '--no-sparkplug']]) {
  test(`every cache hit equals a full capture (${flags.join(' ') || 'default flags'})`, () => {
    const stats = verify(flags);
    assert.strictEqual(stats.mismatches, 0);
    assert.strictEqual(stats.verified, stats.hits);
    // Most calls are served from the cache: the fixture has a few dozen paths, 4000+ calls.
    assert.ok(stats.hits > 10 * stats.full, JSON.stringify(stats));
    // And named by a frame walk, not a V8 stack sample, once a sample has checked the walk:
    // interpreted frames too (viaA and viaB, run's call sites, differ there only in bytecode).
    assert.ok(stats.walkHits > 0.9 * stats.hits, JSON.stringify(stats));
  });
}

test('collections flush the cache, and paths are captured again after them', () => {
  const withGc = verify(['--expose-gc', '--stress-compaction']);
  const without = verify([]);
  assert.ok(withGc.full > without.full, `${withGc.full} vs ${without.full}`);
});

// Under GC stress (the variants of BUILD's _GC_STRESS), hits still equal full captures, and
// there are hits to check: a cache flushed at every collection would pass vacuously. (--trace-gc
// shows Debian's libnode running --stress-scavenge's collections as full mark-sweeps: the
// fixture's own scavenges below are the scavenge stress.)
for (const flags of [['--stress-scavenge=10'], ['--gc-global', '--stress-scavenge=10'],
                     ['--stress-compaction']]) {
  test(`every cache hit equals a full capture under ${flags.join(' ')}`, () => {
    const stats = verify(flags);
    assert.strictEqual(stats.mismatches, 0);
    assert.strictEqual(stats.verified, stats.hits);
    assert.ok(stats.hits > 1000, JSON.stringify(stats));
  });
}

// Bytecode and code live in the old generation: a scavenge moves neither, so it keeps the cache,
// and only full collections, which can move or flush them, clear it. Each run collects every 10
// of its 3000 rounds.
test('scavenges keep the cache; full collections at the same points clear it', () => {
  const without = verify([]);
  const scavenges = verify(['--expose-gc'], ['scavenges']);
  const full = verify(['--expose-gc'], ['full']);
  assert.strictEqual(scavenges.mismatches, 0);
  assert.ok(scavenges.hits > 1000, JSON.stringify(scavenges));
  assert.ok(scavenges.full <= 2 * without.full, `${scavenges.full} vs ${without.full}`);
  assert.ok(full.full > 2 * without.full, `${full.full} vs ${without.full}`);
});
