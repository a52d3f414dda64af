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
