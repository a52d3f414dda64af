'use strict';

// Reports count only reachable memory: Buffers that are garbage but not yet collected (promoted,
// then dropped) appear in no report, whenever it is made.

const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { entriesAt, fixtures, run, siteLine } = require('./helpers');

function runReachable(name, flags = [], args = []) {
  const result = run([...flags, '--expose-gc', path.join(fixtures, 'reachable.js'), name, ...args]);
  assert.strictEqual(result.status, 0, result.stderr);
  return { reports: JSON.parse(result.stdout), stderr: result.stderr };
}
const line = (site) => siteLine('reachable.js', site);
const at = (entries, site) => entriesAt(entries, 'reachable.js', line(site));

test('the issue\'s program: exactly the 50 kept Buffers at every report, none of the dropped', () => {
  const { reports } = runReachable('churn');
  assert.strictEqual(reports.length, 2);
  for (const report of reports) {
    assert.strictEqual(report.bigBufferLeaks.length, 1);
    const [kept] = at(report.bigBufferLeaks, 'churn-kept');
    assert.strictEqual(kept.amount, 50);
    assert.strictEqual(kept.totalSize, 50 * 5000);
    assert.deepStrictEqual(at(report.bigBufferLeaks, 'churn-dropped'), []);
  }
});

test('promoted garbage at several sites: each site counts only its reachable Buffers', () => {
  const [report] = runReachable('promoted-mix').reports;
  const amounts = report.bigBufferLeaks.map((entry) => [entry.location.split('\n')[0], entry.amount]);
  assert.strictEqual(report.bigBufferLeaks.length, 2, JSON.stringify(amounts));
  assert.strictEqual(at(report.bigBufferLeaks, 'mix-a')[0].amount, 4);
  assert.strictEqual(at(report.bigBufferLeaks, 'mix-a')[0].totalSize, 4 * 6000);
  assert.strictEqual(at(report.bigBufferLeaks, 'mix-c')[0].amount, 2);
  assert.strictEqual(at(report.bigBufferLeaks, 'mix-c')[0].totalSize, 2 * 8000);
  assert.deepStrictEqual(at(report.bigBufferLeaks, 'mix-b'), []);
  assert.doesNotMatch(report.text, /without a full collection/);
});

test('a dead pooled view is neither a slab leak nor a retainer of the slab its neighbour keeps', () => {
  const [report] = runReachable('pooled-neighbour').reports;
  assert.deepStrictEqual(at(report.slabLeaks, 'pool-dropped'), []);
  const [kept] = at(report.slabLeaks, 'pool-kept');
  assert.strictEqual(kept.amount, 1);
  assert.strictEqual(kept.retainers.length, 1);
  assert.strictEqual(kept.retainers[0].amount, 1);
  assert.strictEqual(kept.retainers[0].bytes, 100);
});

test('a quiet program, where no collection runs by itself: exactly the 3 kept', () => {
  const [report] = runReachable('quiet').reports;
  assert.strictEqual(report.bigBufferLeaks.length, 1);
  assert.strictEqual(at(report.bigBufferLeaks, 'quiet')[0].amount, 3);
});

test('{ collect: false } skips the collection: the promoted garbage is still counted', () => {
  const [report] = runReachable('promoted-mix', [], ['no-collect']).reports;
  assert.strictEqual(at(report.bigBufferLeaks, 'mix-a')[0].amount, 10);
  assert.strictEqual(at(report.bigBufferLeaks, 'mix-b')[0].amount, 6);
  assert.strictEqual(at(report.bigBufferLeaks, 'mix-c')[0].amount, 2);
  assert.match(report.text, /\n\(made without a full collection first: it may count Buffers that are no longer reachable\)$/);
});

test('options.collect is validated Node-style', () => {
  const result = run(['-e', `
    const getLeakStats = require('node:slab_hunter')();
    try { getLeakStats({ collect: 'no' }); } catch (error) { console.log(error.code, error.message); }`]);
  assert.strictEqual(result.stdout.trim(),
    'ERR_INVALID_ARG_TYPE The "options.collect" property must be of type boolean. Received type string (\'no\')');
});

test('the --slab-hunter-interval overview counts only reachable Buffers too', () => {
  const { stderr } = runReachable('quiet', ['--slab-hunter', '--slab-hunter-leak-cutoff=1000',
                                            '--slab-hunter-interval=1300']);
  const counts = [...stderr.matchAll(/^(\d+) leaks of big buffers .*reachable\.js:(\d+):\d+\)?$/gm)]
    .filter((match) => Number(match[2]) === line('quiet'))
    .map((match) => Number(match[1]));
  assert.deepStrictEqual(counts, [3]);
});
