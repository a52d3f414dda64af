'use strict';

// Frames and stacks no live record uses are given back: a report leaves in the stack tables
// exactly what the live records need, and memory does not grow with call paths that are gone.

const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { fixtures, run, siteLine } = require('./helpers');

const fixture = path.join(fixtures, 'generated-paths.js');
const tablesLine =
  /stack cache: \d+ hits, \d+ full captures, \d+ hits verified, (\d+) mismatches; stack tables: (\d+) stacks, (\d+) frames/;

function runPaths(count, kept, flags = [], untracked = false) {
  const args = [...flags, '--expose-gc', fixture, String(count), String(kept)];
  if (untracked) args.push('untracked');
  const result = run(args, { timeout: 120000 });
  assert.strictEqual(result.status, 0, result.stderr);
  return { ...JSON.parse(result.stdout), stderr: result.stderr };
}

// The kept Buffers' locations, derived from the fixture: generated function `path<i>` makes
// its Buffer on line 2, column 17 of its own script, and is called by makePaths at the marked
// line (`generated(` at column 20).
function expectedLocations(count, kept) {
  const line = siteLine('generated-paths.js', 'generated-call');
  const locations = [];
  for (let i = 0; i < count; i += count / kept) {
    locations.push(
      `at path${i} (/app/generated/path-${i}.js:2:17)\n    at makePaths (${fixture}:${line}:20)`);
  }
  return locations.sort();
}

function tables(stderr) {
  const match = tablesLine.exec(stderr);
  assert.ok(match, stderr);
  const [mismatches, stacks, frames] = match.slice(1).map(Number);
  assert.strictEqual(mismatches, 0);
  return { stacks, frames };
}

const tableFlags = ['--slab-hunter-stack-depth=2', '--slab-hunter-verify-stacks'];

for (const flags of [[], ['--stress-compaction']]) {
  test(`after a report the tables hold what 10 live records need, of 100000 paths (${flags.join(' ') || 'default flags'})`, () => {
    // What Node's own live records need (stores it made while starting), with no path kept.
    const baseline = tables(runPaths(1000, 0, [...flags, ...tableFlags]).stderr);
    const result = runPaths(100000, 10, [...flags, ...tableFlags]);
    assert.deepStrictEqual(result.locations.sort(), expectedLocations(100000, 10));
    // Each kept stack is its generated frame over the one calling frame they share: 11 more
    // stacks (the shared frame's, 10 leaves) and 11 more frames.
    assert.deepStrictEqual(tables(result.stderr),
                           { stacks: baseline.stacks + 11, frames: baseline.frames + 11 });
  });
}

test('memory stays bounded over an untracked run with 300000 paths that are gone', () => {
  const tracked = runPaths(300000, 10, ['--slab-hunter-stack-depth=2']);
  const untracked = runPaths(300000, 10, [], true);
  assert.strictEqual(tracked.kept, 10);
  const extraMiB = (tracked.rss - untracked.rss) / (1 << 20);
  // Measured: ~9 MiB more at 100000 paths, ~12 MiB at 400000 (what tracking costs whatever
  // the paths); before stacks were reclaimed, ~27 MiB at 100000 and ~52 MiB at 200000 (about
  // 260 bytes for each path gone), ~78 MiB expected here.
  assert.ok(extraMiB < 30, `tracked run used ${extraMiB.toFixed(1)} MiB more`);
});
