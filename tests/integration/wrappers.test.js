'use strict';

// The Buffer API wrappers: user code cannot tell them from Node's own functions (source text,
// properties, errors and their stacks), and user code that runs inside a tracked Buffer call
// (getters, valueOf, Symbol.toPrimitive, Buffer calls of its own) is located by its own stack.

const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { entriesAt, fixtures, run, siteLine } = require('./helpers');

// Every line of fixtures/transparency.js's output, untracked and tracked, must be identical.
function transparencyOutput(args) {
  const result = run([...args]);
  assert.strictEqual(result.status, 0, result.stderr);
  return result.stdout.trim().split('\n').map((line) => JSON.parse(line));
}

// The one difference a program can see: V8 makes every constructible C++ function a
// sloppy-mode function, with own `arguments` and `caller` properties (null-valued accessors);
// Node's Buffer functions are strict. Returns `described` without them, after checking that
// they are exactly those two, placed and made as V8 makes them.
const kConstructible = ['Buffer.alloc', 'Buffer.allocUnsafe', 'Buffer.allocUnsafeSlow', 'Buffer.from',
                        'Buffer.concat', 'Buffer.prototype.subarray', 'Buffer.prototype.slice'];
function withoutSloppyExtras(described) {
  assert.deepStrictEqual(described.own.slice(2, 4), ['arguments', 'caller']);
  assert.deepStrictEqual(described.descriptors.slice(2, 4), [
    ['arguments', 'object', { writable: false, enumerable: false, configurable: false }],
    ['caller', 'object', { writable: false, enumerable: false, configurable: false }],
  ]);
  const strict = (list) => [...list.slice(0, 2), ...list.slice(4)];
  return { ...described, own: strict(described.own), descriptors: strict(described.descriptors) };
}

test('wrapped APIs look, print and throw exactly as untracked', () => {
  const probe = path.join(fixtures, 'transparency.js');
  const untracked = transparencyOutput([probe]);
  assert.strictEqual(untracked.length, 92);
  for (const tracked of [transparencyOutput([probe, 'setup']),
                         transparencyOutput(['--slab-hunter', probe])]) {
    assert.strictEqual(tracked.length, untracked.length);
    for (let i = 0; i < untracked.length; i++) {
      const [label, kind, value] = tracked[i];
      const sloppy = kConstructible.some((name) => label === `describe(${name})`);
      assert.deepStrictEqual([label, kind, sloppy ? withoutSloppyExtras(value) : value],
                             untracked[i], `probe ${untracked[i][0]}`);
    }
  }
});

// What remains: a stand-in sees a primitive receiver already boxed by V8, and gives its original
// the primitive; a receiver the caller boxed itself cannot be told from it, and is unboxed too.
// buf.slice() calls this.subarray(): a strict one on Number.prototype tells what slice got.
test('a receiver boxed by the caller reaches the original unboxed', () => {
  const code = `
    if (process.argv[1] === 'setup') require('node:slab_hunter')(0);
    Number.prototype.subarray = function subarray() { 'use strict'; console.log(typeof this); };
    Buffer.prototype.slice.call(5);
    Buffer.prototype.slice.call(new Number(5));`;
  const untracked = run(['-e', code]);
  const tracked = run(['-e', code, 'setup']);
  assert.strictEqual(untracked.status, 0, untracked.stderr);
  assert.strictEqual(tracked.status, 0, tracked.stderr);
  assert.strictEqual(untracked.stdout, 'number\nobject\n');
  assert.strictEqual(tracked.stdout, 'number\nnumber\n');
});

test('an uncaught error from a wrapped API is printed as untracked', () => {
  const probe = path.join(fixtures, 'uncaught.js');
  for (const thrower of ['node', 'getter']) {
    const untracked = run([probe, 'plain', thrower]);
    assert.strictEqual(untracked.status, 1);
    for (const tracked of [run([probe, 'setup', thrower]), run(['--slab-hunter', probe, 'plain', thrower])]) {
      assert.strictEqual(tracked.status, 1);
      assert.strictEqual(tracked.stderr, untracked.stderr);
    }
  }
});

test('the source text of wrapped APIs is Node\'s own', () => {
  const result = run(['-e', `
    require('node:slab_hunter')(0);
    console.log(JSON.stringify([String(Uint8Array.prototype.subarray), String(Function.prototype.toString),
      String(Buffer.allocUnsafe).split('\\n')[0], Buffer.from.toString().split('\\n')[0]]));`]);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.deepStrictEqual(JSON.parse(result.stdout), [
    'function subarray() { [native code] }',
    'function toString() { [native code] }',
    'function allocUnsafe(size) {',
    'function from(value, encodingOrOffset, length) {',
  ]);
});

test('an error thrown by a wrapped API has exactly Node\'s frames', () => {
  const result = run(['-e', `
    require('node:slab_hunter')(0);
    try { Buffer.alloc(-1); } catch (e) { console.log(e.stack.split('\\n').slice(1, 3).join('\\n')); }`]);
  assert.strictEqual(result.status, 0, result.stderr);
  // V8 10.2 (Node 18) names a static method's frame after Function, V8 13.6 (Node 24) after its class.
  const receiver = process.versions.node.startsWith('18.') ? 'Function' : 'Buffer';
  assert.match(result.stdout,
               new RegExp(`^ {4}at ${receiver}\\.alloc \\(node:buffer:\\d+:\\d+\\)\n {4}at \\[eval\\]:3:18\n$`));
});

// Runs fixtures/reentrant.js; returns its big-buffer and slab entries ({at, amount, totalSize}).
function reentrant(scenario) {
  const result = run(['--expose-gc', path.join(fixtures, 'reentrant.js'), scenario]);
  assert.strictEqual(result.status, 0, result.stderr);
  const entries = JSON.parse(result.stdout);
  const at = (list) => (site) => entriesAt(list.map((entry) => ({ ...entry, location: entry.at })),
                                           'reentrant.js', siteLine('reentrant.js', site))
    .map(({ location, at, ...rest }) => rest);
  return { ...entries, bigAt: at(entries.big), slabAt: at(entries.slab) };
}

test('a getter run by Buffer.from is located at its own line', () => {
  const { big, slab, bigAt, slabAt } = reentrant('from-getter');
  assert.deepStrictEqual(bigAt('from-getter-alloc'), [{ amount: 1, totalSize: 5000 }]);
  assert.strictEqual(big.length, 1);
  assert.deepStrictEqual(slabAt('from-getter-call'), [{ amount: 1 }]);
  assert.strictEqual(slab.length, 1);
});

test('a getter run while Buffer.from fills a big Buffer of its own', () => {
  const { big, bigAt } = reentrant('big-from-getter');
  assert.deepStrictEqual(bigAt('big-from-getter-call'), [{ amount: 1, totalSize: 6000 }]);
  assert.deepStrictEqual(bigAt('big-from-getter-alloc'), [{ amount: 1, totalSize: 7000 }]);
  assert.strictEqual(big.length, 2);
});

test('valueOf run by Buffer.alloc\'s fill is located at its own line', () => {
  const { big, bigAt } = reentrant('alloc-valueof');
  assert.deepStrictEqual(bigAt('alloc-valueof-call'), [{ amount: 1, totalSize: 5000 }]);
  assert.deepStrictEqual(bigAt('alloc-valueof-alloc'), [{ amount: 1, totalSize: 6000 }]);
  assert.strictEqual(big.length, 2);
});

test('Symbol.toPrimitive run by Buffer.from is located at its own line', () => {
  const { big, bigAt } = reentrant('from-to-primitive');
  assert.deepStrictEqual(bigAt('to-primitive-call'), [{ amount: 1, totalSize: 5000 }]);
  assert.deepStrictEqual(bigAt('to-primitive-alloc'), [{ amount: 1, totalSize: 4500 }]);
  assert.strictEqual(big.length, 2);
});

test('valueOf run by subarray and slice is located at its own line', () => {
  const { big, slab, bigAt, slabAt } = reentrant('subarray-valueof');
  // One call through subarray, one through slice: two stacks.
  assert.deepStrictEqual(bigAt('subarray-valueof-alloc'),
                         [{ amount: 1, totalSize: 8000 }, { amount: 1, totalSize: 8000 }]);
  assert.strictEqual(big.length, 3);  // and the 50000-byte Buffer the views keep
  assert.deepStrictEqual(slabAt('subarray-valueof-call'), [{ amount: 1 }]);
  assert.deepStrictEqual(slabAt('slice-valueof-call'), [{ amount: 1 }]);
  assert.strictEqual(slab.length, 2);
});

test('a Buffer call made by user code inside a tracked call is tracked in its own right', () => {
  const { big, slab, bigAt, slabAt } = reentrant('nested-buffer-call');
  assert.deepStrictEqual(bigAt('nested-outer'), [{ amount: 1, totalSize: 5000 }]);
  assert.deepStrictEqual(bigAt('nested-big'), [{ amount: 1, totalSize: 9000 }]);
  assert.strictEqual(big.length, 2);
  assert.deepStrictEqual(slabAt('nested-pooled'), [{ amount: 1 }]);
  assert.strictEqual(slab.length, 1);
});

test('a getter run by buf.slice() looking up subarray is located at its own line', () => {
  const { big, slab, bigAt, slabAt } = reentrant('slice-subarray-getter');
  assert.deepStrictEqual(bigAt('subarray-getter-alloc'), [{ amount: 1, totalSize: 9000 }]);
  assert.strictEqual(big.length, 2);  // and the 30000-byte Buffer the slice keeps
  assert.deepStrictEqual(slabAt('slice-through-getter'), [{ amount: 1 }]);
  assert.strictEqual(slab.length, 1);
});

test('Buffer APIs calling each other inside Node stay one call at the user\'s line', () => {
  const { big, slab, bigAt, slabAt } = reentrant('internal-nesting');
  assert.deepStrictEqual(bigAt('internal-concat'), [{ amount: 1, totalSize: 6000 }]);
  assert.deepStrictEqual(bigAt('internal-slice'), [{ amount: 1, totalSize: 20000 }]);
  assert.strictEqual(big.length, 2);
  assert.deepStrictEqual(slabAt('internal-slice'), [{ amount: 1 }]);
  assert.strictEqual(slab.length, 1);
});
