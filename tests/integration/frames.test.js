'use strict';

// Frames are reported as V8's stack API names them, even where one code position is reached by
// calls it names differently (a plain and a construct call; closures renamed at run time).

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { fixtures, run, siteLine } = require('./helpers');

const fixture = path.join(fixtures, 'frame-names.js');

// "file:line:column" of the first `text` on the line marked `site`. The stack API reports a
// call at its callee's name (`alloc` in `Buffer.alloc(...)`), or at the `(` of a call of a call's
// result; top-level code has no function name.
function at(site, text) {
  const line = siteLine('frame-names.js', site);
  const column = fs.readFileSync(fixture, 'utf8').split('\n')[line - 1].indexOf(text) + 1;
  assert.ok(column > 0, `${text} not on line ${line}`);
  return `${fixture}:${line}:${column}`;
}

function locations(flags = []) {
  const result = run([...flags, '--expose-gc', '--slab-hunter-stack-depth=2', fixture]);
  assert.strictEqual(result.status, 0, result.stderr);
  return { locations: JSON.parse(result.stdout).sort(), stderr: result.stderr };
}

const expected = [
  `at Chunk (${at('chunk', 'alloc(')})\n    at ${at('plain-call', 'Chunk')}`,
  `at new Chunk (${at('chunk', 'alloc(')})\n    at ${at('construct-call', 'new')}`,
  `at first (${at('renamed', 'alloc(')})\n    at ${at('first-name', '()')}`,
  `at second (${at('renamed', 'alloc(')})\n    at ${at('second-name', '()')}`,
].sort();

test('a plain call and a construct call at one position keep their own names', () => {
  assert.deepStrictEqual(locations().locations, expected);
});

test('the stack cache gives the same names, every hit checked (--slab-hunter-verify-stacks)', () => {
  const { locations: found, stderr } = locations(['--slab-hunter-verify-stacks']);
  assert.deepStrictEqual(found, expected);
  assert.match(stderr, / 0 mismatches/);
});

test('a script compiled anew for each use is one site: its frames read the same', () => {
  const fixture = path.join(fixtures, 'recompiled.js');
  const result = run(['--expose-gc', '--slab-hunter-stack-depth=2', fixture]);
  assert.strictEqual(result.status, 0, result.stderr);
  // The caller's frame: the call of the compiled function, at its `(kept)`.
  const caller = (site) => {
    const line = siteLine('recompiled.js', site);
    const column = fs.readFileSync(fixture, 'utf8').split('\n')[line - 1].indexOf('(kept)') + 1;
    return `${fixture}:${line}:${column}`;
  };
  // 40 renders each way, each keeping one Buffer; each template's Buffer.allocUnsafe is on its
  // line 2 (vm: after `  keep.push(`, column 20) or 3 (new Function's wrapper adds two lines).
  assert.deepStrictEqual(JSON.parse(result.stdout).sort((a, b) => a.location.localeCompare(b.location)), [
    { amount: 40, location: `at eval (<anonymous>:3:18)\n    at ${caller('function')}` },
    { amount: 40, location: `at render (views/page.ejs:2:20)\n    at ${caller('vm')}` },
  ]);
});
