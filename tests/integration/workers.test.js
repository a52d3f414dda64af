'use strict';

// Worker threads. On Node 18 they are untracked: Workers get an allocator of Node's own and no
// node:slab_hunter, and the main thread's report holds the main thread's Buffers only. On Node
// 24 they are tracked: node:slab_hunter works in a Worker and reports that thread; the flags'
// end-of-run report covers every thread, each entry with its threadId, a Worker that ended
// contributing what it held when it ended.

const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { entriesAt, fixtures, run, siteLine } = require('./helpers');

const kBudgetExceeded = 66;
const flags = ['--slab-hunter', '--slab-hunter-leak-cutoff=0'];
const workersTracked = !process.versions.node.startsWith('18.');

if (!workersTracked) {
  for (const extra of [[], flags]) {
    test(`a Worker's Buffers work, untracked (${extra.join(' ') || 'no flags'})`, () => {
      const result = run([...extra, path.join(fixtures, 'worker-buffers.js')]);
      assert.strictEqual(result.status, 0, result.stderr);
      const seen = JSON.parse(result.stdout.split('\n')[0]);
      assert.deepStrictEqual(seen, {
        worker: { builtin: 'ERR_UNKNOWN_BUILTIN_MODULE', bytes: 60000 + 100 + 6 },
        mainBig: [[1, 50000]],
      });
    });
  }
}

if (workersTracked) {
  const fixture = path.join(fixtures, 'worker-leak.js');
  const workerLine = siteLine('worker-leak.js', 'worker-big');
  const mainLine = siteLine('worker-leak.js', 'main-big');
  // Five 64 KiB Buffers made at one line, each kept by a 16-byte subarray made at the same line.
  const workerEntry = (threadId) => ({
    threadId, amount: 5, totalSize: 5 * 65536,
    retainers: [[5, 5 * 16]], unreferencedBytes: 5 * (65536 - 16), hint: 'copy-out',
  });
  const summary = (entry) => ({
    threadId: entry.threadId, amount: entry.amount, totalSize: entry.totalSize,
    retainers: entry.retainers.map((r) => [r.amount, r.bytes]),
    unreferencedBytes: entry.unreferencedBytes, hint: entry.hint,
  });

  test('node:slab_hunter in a Worker (require) reports that thread only; the main thread its own', () => {
    const result = run([fixture, 'api']);
    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(JSON.parse(result.stdout), {
      worker: [[5, 5 * 65536]],
      main: [[1, 50000]],
    });
  });

  test('node:slab_hunter by import inside a Worker', () => {
    const result = run([path.join(fixtures, 'worker-import.mjs')]);
    assert.strictEqual(result.status, 0, result.stderr);
    assert.strictEqual(result.stdout, '[70000]');
  });

  for (const [mode, state] of [['ended', 'ended'], ['running', 'stopped']]) {
    test(`the end-of-run report covers a Worker that is ${mode} at the end, at its line`, () => {
      const result = run([...flags, '--slab-hunter-stack-depth=1', '--slab-hunter-report=/dev/stderr', '--slab-hunter-fail-on-big=1', fixture, mode]);
      assert.strictEqual(result.status, kBudgetExceeded, result.stderr);
      const lines = result.stderr.split('\n');
      const report = JSON.parse(lines.find((line) => line.startsWith('{"schema"')));
      assert.strictEqual(report.version, 2);
      assert.deepStrictEqual(report.threads, [{ threadId: 0, state: 'running' }, { threadId: 1, state }]);
      const inWorker = entriesAt(report.bigBufferLeaks, 'worker-leak.js', workerLine);
      assert.deepStrictEqual(inWorker.map(summary), [workerEntry(1)]);
      assert.deepStrictEqual(entriesAt(inWorker[0].retainers, 'worker-leak.js', workerLine).length, 1);
      const inMain = entriesAt(report.bigBufferLeaks, 'worker-leak.js', mainLine);
      assert.deepStrictEqual(inMain.map((e) => [e.threadId, e.amount, e.totalSize]), [[0, 1, 50000]]);
      assert.strictEqual(report.totals.bigBufferLeaks, 5 * 65536 + 50000);
      // The text overview says which thread each entry is from.
      const text = result.stderr.slice(result.stderr.indexOf('Big buffer potential leaks:'));
      assert.ok(text.includes(`5 leaks of big buffers of avg size 65.5 kB (total: 327.7 kB) at ${fixture}:${workerLine}:`), text);
      assert.match(text, new RegExp(`at ${fixture.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${workerLine}:\\d+\\n    thread: 1\\n`));
      assert.match(text, new RegExp(`at ${fixture.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${mainLine}:\\d+\\n    thread: 0 \\(main\\)\\n`));
    });
  }

  test('Workers that end, are terminated mid-call, exit or transfer Buffers leave the report sound', () => {
    const stress = path.join(fixtures, 'worker-stress.js');
    const result = run([...flags, '--slab-hunter-report=/dev/stderr', stress]);
    assert.strictEqual(result.status, 0, result.stderr);
    assert.strictEqual(result.stdout, 'done\n');
    const report = JSON.parse(result.stderr.split('\n').find((line) => line.startsWith('{"schema"')));
    // 20 short-lived Workers (threads 1-20), two terminated (21, 22), one that calls
    // process.exit() holding a 20000-byte Buffer (23), one that transfers (24).
    assert.deepStrictEqual(report.threads.map((t) => [t.threadId, t.state]),
                           [[0, 'running'], ...Array.from({ length: 24 }, (_, i) => [i + 1, 'ended'])]);
    assert.deepStrictEqual(report.bigBufferLeaks.map((e) => [e.threadId, e.amount, e.totalSize]),
                           [[0, 1, 50000], [23, 1, 20000]]);
    assert.strictEqual(entriesAt(report.bigBufferLeaks, 'worker-stress.js', siteLine('worker-stress.js', 'stress-main-big')).length, 1);
    assert.strictEqual(entriesAt(report.bigBufferLeaks, 'worker-stress.js', siteLine('worker-stress.js', 'exit-kept')).length, 1);
    assert.deepStrictEqual(report.slabLeaks, []);
  });
}

if (workersTracked) {
  test('--slab-hunter-verify-stacks checks and counts the Workers\' stack captures too', () => {
    const result = run([...flags, '--slab-hunter-verify-stacks', path.join(fixtures, 'worker-calls.js')]);
    assert.strictEqual(result.status, 0, result.stderr);
    assert.strictEqual(result.stdout, 'done\n');
    const [hits, full, verified, mismatches] =
      /stack cache: (\d+) hits, (\d+) full captures, (\d+) hits verified, (\d+) mismatches/
        .exec(result.stderr).slice(1).map(Number);
    // The Worker's 500 calls, each one capture (the main thread makes a few of Node's own).
    assert.ok(hits + full >= 500, result.stderr);
    assert.ok(hits >= 490, result.stderr);
    assert.strictEqual(verified, hits);
    assert.strictEqual(mismatches, 0);
  });
}

// A Worker's uncaught error reaches the main thread serialized, in a store the size of the
// Worker's Buffer pool (the error was a slice of it) that only Node's code reads while it hands
// the error over. Node delivers it as a message, or, when the Worker has gone first, as it
// handles the Worker's exit ('late'). The control ('keep'): the main thread keeps a Buffer the
// Worker posted, which arrives the same way in a store Node makes natively - a real leak at
// <native>, which must still be reported.
{
  const fixture = path.join(fixtures, 'worker-error.js');
  const workerPoolSize = workersTracked ? 64 * 1024 : 8 * 1024;
  const keptChunk = { location: 'at <native>', amount: 1, totalSize: workerPoolSize,
                      retainers: [], unreferencedBytes: workerPoolSize };
  const bigEntries = (result) => {
    const report = JSON.parse(result.stderr.split('\n').find((line) => line.startsWith('{"schema"')));
    return report.bigBufferLeaks.map(({ location, amount, totalSize, retainers, unreferencedBytes }) =>
      ({ location, amount, totalSize, retainers, unreferencedBytes }));
  };

  for (const delivery of [[], ['late']]) {
    const how = delivery.length ? 'after the Worker has gone' : 'as a message';
    for (const keep of [false, true]) {
      const what = keep ? 'only the Buffer the program keeps' : 'nothing';
      const args = [...delivery, ...(keep ? ['keep'] : [])];

      test(`getLeakStats() in a Worker's 'error' listener (delivered ${how}) reports ${what}`, () => {
        const result = run([fixture, 'stats', ...args]);
        assert.strictEqual(result.status, 0, result.stderr);
        assert.deepStrictEqual(JSON.parse(result.stdout), {
          error: 'bad input',
          big: keep ? [[1, workerPoolSize, 'at <native>']] : [],
        });
      });

      test(`process.exit(0) in a Worker's 'error' listener (delivered ${how}): the gate sees ${what}`, () => {
        const result = run([...flags, '--slab-hunter-fail-on-big=1', '--slab-hunter-report=/dev/stderr',
                            fixture, 'exit', ...args]);
        assert.strictEqual(result.status, keep ? kBudgetExceeded : 0, result.stderr);
        assert.deepStrictEqual(bigEntries(result), keep ? [keptChunk] : []);
      });
    }
  }

  for (const mode of ['unhandled', 'rethrow']) {
    for (const keep of [false, true]) {
      test(`a Worker's error the program does not handle (${mode}): the report holds ${keep ? 'only the kept Buffer' : 'nothing'}`, () => {
        const result = run([...flags, '--slab-hunter-fail-on-big=1', '--slab-hunter-report=/dev/stderr',
                            fixture, mode, ...(keep ? ['keep'] : [])]);
        assert.strictEqual(result.status, 1, result.stderr);
        assert.match(result.stderr, /Error: bad input/);
        assert.deepStrictEqual(bigEntries(result), keep ? [keptChunk] : []);
      });
    }
  }
}
