'use strict';

// Transfers move a backing store to a new ArrayBuffer and detach the old one's views: the
// store's record must follow the store, and detached views must retain nothing.

const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { entriesAt, fixtures, run, siteLine } = require('./helpers');

function runTransfer(name) {
  const result = run(['--expose-gc', path.join(fixtures, 'transfers.js'), name]);
  assert.strictEqual(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}
const line = (site) => siteLine('transfers.js', site);

for (const [scenario, site] of [['clone-drop-view', 'clone-big'],
                                ['worker-round-trip', 'worker-big']]) {
  test(`${scenario}: the store lives on in its new ArrayBuffer and stays located at its Buffer`, () => {
    const report = runTransfer(scenario);
    assert.strictEqual(report.keptBytes, 100000);
    const big = entriesAt(report.bigBufferLeaks, 'transfers.js', line(site));
    assert.strictEqual(big.length, 1);
    assert.strictEqual(big[0].amount, 1);
    assert.strictEqual(big[0].totalSize, 100000);
    // No tracked view holds it: the new ArrayBuffer has none.
    assert.deepStrictEqual(big[0].retainers, []);
    assert.strictEqual(big[0].unreferencedBytes, 100000);
    assert.deepStrictEqual(report.slabLeaks, []);
  });
}

test('detached views retain nothing: no slab entry, and not retainers of the moved store', () => {
  const report = runTransfer('clone-keep-detached');
  const big = entriesAt(report.bigBufferLeaks, 'transfers.js', line('detached-big'));
  assert.strictEqual(big.length, 1);
  assert.strictEqual(big[0].totalSize, 100000);
  assert.deepStrictEqual(big[0].retainers, []);
  assert.strictEqual(big[0].unreferencedBytes, 100000);
  assert.deepStrictEqual(entriesAt(report.slabLeaks, 'transfers.js', line('detached-view')), []);
});
