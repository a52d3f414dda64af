'use strict';

// How runs under the flags end: signals during synchronous loops and blocked calls, the report
// signal, reports that cannot be written, and odd options. Each case is one a user met.

const test = require('node:test');
const { after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { entriesAt, fixtures, run, siteLine } = require('./helpers');

const kBudgetExceeded = 66;
const kInvalidArgument = 9;
const fixture = (name) => path.join(fixtures, 'endings', name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slab-hunter-endings-'));
const reportFile = (name) => path.join(tmp, `${name}.json`);
const readReport = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const busyBig = () => siteLine('endings/busy.js', 'busy-big');
const bigAtBusy = (report) => entriesAt(report.bigBufferLeaks, 'endings/busy.js', busyBig());

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const count = (text, part) => text.split(part).length - 1;

// Starts the binary; `until(predicate)` resolves once predicate(output) holds, `until(text)`
// once stdout holds `text`; `done` resolves with how it ended. A child still running after
// `limitMs` is killed (SIGKILL), so a signal that does not end the program fails the test
// rather than hanging it.
function start(args, { env = {}, limitMs = 10000 } = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env } });
  const output = { stdout: '', stderr: '' };
  let ended = false;
  child.stdout.on('data', (data) => { output.stdout += data; });
  child.stderr.on('data', (data) => { output.stderr += data; });
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const done = new Promise((resolve) => child.on('close', (code, signal) => {
    clearTimeout(killer);
    ended = true;
    resolve({ code, signal, ...output });
  }));
  const until = async (wanted) => {
    const predicate = typeof wanted === 'string' ? (out) => out.stdout.includes(wanted) : wanted;
    while (!predicate(output)) {
      if (ended) throw new Error(`ended before it was ready:\n${output.stderr}`);
      await sleep(10);
    }
  };
  return { child, until, done, output };
}

test('SIGINT and SIGTERM end a synchronous loop by the signal, with the report written', async () => {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    const file = reportFile(`busy-${signal}`);
    const run = start(['--slab-hunter-leak-cutoff=0', `--slab-hunter-report=${file}`, fixture('busy.js')]);
    await run.until('ready\n');
    run.child.kill(signal);
    const ended = await run.done;
    assert.strictEqual(ended.signal, signal, `${signal}: ${ended.stderr}`);
    assert.strictEqual(ended.code, null);
    assert.strictEqual(ended.stderr, '');
    const big = bigAtBusy(readReport(file));
    assert.strictEqual(big.length, 1);
    assert.strictEqual(big[0].amount, 1);
    assert.strictEqual(big[0].totalSize, 100000);
  }
});

test('a signal that ends the program also gets the budget check and its message', async () => {
  const run = start(['--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-big=1000', fixture('busy.js')]);
  await run.until('ready\n');
  run.child.kill('SIGTERM');
  const ended = await run.done;
  assert.strictEqual(ended.signal, 'SIGTERM');
  assert.match(ended.stderr, /^slab-hunter-node: leak budget exceeded \(big-buffer leaks 100000 bytes, budget 1000 bytes; slab leaks \d+ bytes, budget none\)\n/);
});

test('a program blocked outside JS still ends by the signal, without the report', async () => {
  const file = reportFile('blocked');
  const run = start(['--slab-hunter-leak-cutoff=0', `--slab-hunter-report=${file}`, fixture('busy.js'), 'blocked']);
  await run.until('ready\n');
  // 'ready' comes just before the blocking read: give the main thread time to get into it.
  await sleep(500);
  const sentAt = Date.now();
  run.child.kill('SIGINT');
  const ended = await run.done;
  assert.strictEqual(ended.signal, 'SIGINT', ended.stderr);
  assert.strictEqual(ended.stderr,
                     'slab-hunter-node: SIGINT: the report was not written (the program did not ' +
                     'return to JavaScript within 2 s)\n');
  // The bounded wait, and not much more.
  const waited = Date.now() - sentAt;
  assert.ok(waited >= 2000 && waited < 6000, `${waited} ms`);
  assert.strictEqual(fs.readFileSync(file, 'utf8'), '');
});

test('a second signal ends a program that has not yet taken the first, at once', async () => {
  const run = start(['--slab-hunter', fixture('busy.js'), 'blocked']);
  await run.until('ready\n');
  await sleep(500);  // into the blocking read (see above)
  run.child.kill('SIGINT');
  await sleep(300);
  const sentAt = Date.now();
  run.child.kill('SIGTERM');
  const ended = await run.done;
  assert.strictEqual(ended.signal, 'SIGTERM', ended.stderr);
  assert.strictEqual(ended.stderr,
                     'slab-hunter-node: SIGTERM: the report was not written (a second signal ' +
                     'came first)\n');
  assert.ok(Date.now() - sentAt < 1500, `${Date.now() - sentAt} ms`);
});

test('a program with its own SIGINT listener handles the signal, and reports at its exit', async () => {
  const file = reportFile('listener');
  const run = start(['--slab-hunter-leak-cutoff=0', `--slab-hunter-report=${file}`, fixture('busy.js'), 'listener']);
  await run.until('ready\n');
  run.child.kill('SIGINT');
  const ended = await run.done;
  assert.strictEqual(ended.code, 3, ended.stderr);
  assert.strictEqual(ended.stdout, 'ready\nhandled SIGINT\n');
  assert.strictEqual(bigAtBusy(readReport(file))[0].totalSize, 100000);
});

test('SIGUSR2 ends the program as in Node unless a flag names it as the report signal', async () => {
  const plain = start(['--slab-hunter', fixture('busy.js')]);
  await plain.until('ready\n');
  plain.child.kill('SIGUSR2');
  const ended = await plain.done;
  assert.strictEqual(ended.signal, 'SIGUSR2', ended.stderr);

  const file = reportFile('report-signal');
  const reporting = start(['--slab-hunter-leak-cutoff=0', '--slab-hunter-report-signal=SIGUSR2',
                           `--slab-hunter-report=${file}`, fixture('busy.js')]);
  await reporting.until('ready\n');
  for (let i = 1; i <= 2; i++) {
    reporting.child.kill('SIGUSR2');
    await reporting.until((out) => count(out.stderr, 'Total potential slab-retainer leaks') === i);
  }
  // The overview, twice, from inside the loop; the program goes on until SIGTERM ends it.
  assert.strictEqual(count(reporting.output.stderr, 'Big buffer potential leaks:'), 2);
  assert.match(reporting.output.stderr, /1 leaks of big buffers of avg size 100 kB/);
  reporting.child.kill('SIGTERM');
  const reportingEnded = await reporting.done;
  assert.strictEqual(reportingEnded.signal, 'SIGTERM');
  assert.strictEqual(bigAtBusy(readReport(file))[0].totalSize, 100000);
});

test('the interval prints the overview again and again', async () => {
  const periodic = start(['--slab-hunter-leak-cutoff=0', '--slab-hunter-interval=50', '-e',
                          'globalThis.b = Buffer.allocUnsafe(40000); setTimeout(() => {}, 30000)']);
  await periodic.until((out) => count(out.stderr, 'Total potential slab-retainer leaks') >= 3);
  assert.match(periodic.output.stderr, /1 leaks of big buffers of avg size 40 kB/);
  periodic.child.kill('SIGTERM');
  assert.strictEqual((await periodic.done).signal, 'SIGTERM');
});

test('a report that cannot be written: one line, exit listeners run, status and budgets kept', () => {
  const result = run(['--slab-hunter-report=/dev/full', fixture('exit-listener.js')]);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.strictEqual(result.stdout, 'program exit listener ran\n');
  assert.strictEqual(result.stderr,
                     "slab-hunter-node: --slab-hunter-report: cannot write '/dev/full': No space left on device\n");

  const over = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-big=1000',
                    '--slab-hunter-report=/dev/full', fixture('exit-listener.js')]);
  assert.strictEqual(over.status, kBudgetExceeded, over.stderr);
  assert.strictEqual(over.stdout, 'program exit listener ran\n');
  assert.match(over.stderr,
               /^slab-hunter-node: --slab-hunter-report: cannot write '\/dev\/full': No space left on device\nslab-hunter-node: leak budget exceeded \(big-buffer leaks 100000 bytes, budget 1000 bytes;/);

  const dir = path.join(tmp, 'removed-by-the-program');
  fs.mkdirSync(dir);
  const file = path.join(dir, 'r.json');
  const gone = run([`--slab-hunter-report=${file}`, fixture('exit-listener.js'), dir]);
  assert.strictEqual(gone.status, 0, gone.stderr);
  assert.strictEqual(gone.stdout, 'program exit listener ran\n');
  assert.strictEqual(gone.stderr,
                     `slab-hunter-node: --slab-hunter-report: cannot write '${file}': No such file or directory\n`);
});

test('a report that cannot be written on a signal: the line, then the end by the signal', async () => {
  const busy = start(['--slab-hunter-report=/dev/full', fixture('busy.js')]);
  await busy.until('ready\n');
  busy.child.kill('SIGTERM');
  const ended = await busy.done;
  assert.strictEqual(ended.signal, 'SIGTERM');
  assert.strictEqual(ended.stderr,
                     "slab-hunter-node: --slab-hunter-report: cannot write '/dev/full': No space left on device\n");
});

test('the budget message gives whole bytes', () => {
  // The slab entry holds 8190.5 bytes (see the fixture): over a budget of 8190, read as 8191.
  const result = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-slab=8190', fixture('half-bytes.js')]);
  assert.strictEqual(result.status, kBudgetExceeded, result.stderr);
  assert.strictEqual(result.stderr.split('\n')[0],
                     'slab-hunter-node: leak budget exceeded (big-buffer leaks 0 bytes, budget none; ' +
                     'slab leaks 8191 bytes, budget 8190 bytes)');
  const under = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-slab=8191', fixture('half-bytes.js')]);
  assert.strictEqual(under.status, 0, under.stderr);
});

test('odd options stop the run before user code with status 9 and a clear message', () => {
  const bin = process.execPath;
  const cases = [
    [{ SLAB_HUNTER_OPTIONS: '--slab-hunter-report "x' }, ['-e', 'console.log(1)'],
     `${bin}: invalid value for SLAB_HUNTER_OPTIONS (unterminated string)\n`],
    [{ SLAB_HUNTER_OPTIONS: '--slab-hunter-report "x\\' }, ['-e', 'console.log(1)'],
     `${bin}: invalid value for SLAB_HUNTER_OPTIONS (invalid escape)\n`],
    [{}, ['--slab-hunter-report', '-e', 'console.log(1)'],
     `${bin}: --slab-hunter-report: missing value (the next argument '-e' is an option; ` +
     'write --slab-hunter-report=-e if that is the value)\n'],
    [{ SLAB_HUNTER_OPTIONS: '--slab-hunter-leak-cutoff --slab-hunter' }, ['-e', 'console.log(1)'],
     `${bin}: --slab-hunter-leak-cutoff: missing value (the next argument '--slab-hunter' is an ` +
     'option; write --slab-hunter-leak-cutoff=--slab-hunter if that is the value)\n'],
    [{}, ['--slab-hunter-report=r%d.json', '-e', 'console.log(1)'],
     `${bin}: --slab-hunter-report: invalid value 'r%d.json' (expected a file name, or - for ` +
     'stderr; in the name, %p is the process id and %% is %)\n'],
    [{}, ['--slab-hunter-interval=2147483648', '-e', 'console.log(1)'],
     `${bin}: --slab-hunter-interval: invalid value '2147483648' (expected milliseconds, from 1 ` +
     'to 2147483647)\n'],
    [{}, ['--slab-hunter-report-signal=SIGFOO', '-e', 'console.log(1)'],
     `${bin}: --slab-hunter-report-signal: invalid value 'SIGFOO' (expected a signal name such as ` +
     'SIGUSR2; not SIGINT or SIGTERM, which end the run with the report, nor SIGKILL, SIGSTOP, ' +
     'SIGUSR1, SIGPROF, SIGCHLD, SIGPIPE or a fault signal, which Node or the system needs)\n'],
    [{}, ['--slab-hunter-report-signal=SIGINT', '-e', 'console.log(1)'],
     `${bin}: --slab-hunter-report-signal: invalid value 'SIGINT' (expected a signal name such as ` +
     'SIGUSR2; not SIGINT or SIGTERM, which end the run with the report, nor SIGKILL, SIGSTOP, ' +
     'SIGUSR1, SIGPROF, SIGCHLD, SIGPIPE or a fault signal, which Node or the system needs)\n'],
  ];
  for (const [env, args, message] of cases) {
    const result = run(args, { env, cwd: tmp });
    assert.strictEqual(result.stderr, message, `${JSON.stringify(env)} ${args}`);
    assert.strictEqual(result.status, kInvalidArgument);
    assert.strictEqual(result.stdout, '');
  }
  // Node refuses the same NODE_OPTIONS value with the same words (and its own extra newline).
  const node = run(['-e', '1'], { env: { NODE_OPTIONS: '--title "x' } });
  assert.strictEqual(node.status, kInvalidArgument);
  assert.strictEqual(node.stderr, `${bin}: invalid value for NODE_OPTIONS (unterminated string)\n\n`);
});

test('odd options that are fine: "-" alone, %% and %p in the report name, the largest interval', () => {
  const stderrReport = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-report', '-', '-e',
                            'globalThis.b = Buffer.allocUnsafe(40000)']);
  assert.strictEqual(stderrReport.status, 0, stderrReport.stderr);
  // "-" is the text report, which leads with the answer: the one site and what it holds.
  assert.match(stderrReport.stderr, /^slab-hunter-node: 1 site keeps memory the program may not need \(big buffers 40 kB, /);
  assert.match(stderrReport.stderr, /\n {2}40 kB {2}big buffers at \[eval\]:1:\d+\n/);

  const named = run(['--slab-hunter-report=100%%-%p-%%p.json', '-e',
                     'console.log(process.pid)'], { cwd: tmp });
  assert.strictEqual(named.status, 0, named.stderr);
  const pid = named.stdout.trim();
  const written = path.join(tmp, `100%-${pid}-%p.json`);
  assert.strictEqual(readReport(written).schema, 'slab-hunter-report');

  const slowest = run(['--slab-hunter-interval=2147483647', '-e', '1']);
  assert.strictEqual(slowest.status, 0);
  assert.strictEqual(slowest.stderr, '');
});

// The end of run comes after the program's own 'exit' listeners, from C++: nothing they do can
// lose the report or undo the budget verdict, and the program sees no listener of ours.
test('exit listeners cannot hide a budget: an exitCode of 0 set at exit still ends with 66', () => {
  const gate = ['--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-big=1000'];
  const held = 'globalThis.held = Buffer.alloc(100000);';
  // What mocha does after a passing run.
  const mocha = run([...gate, '-e', `${held} process.on('exit', () => { process.exitCode = 0; });`]);
  assert.strictEqual(mocha.status, kBudgetExceeded, mocha.stderr);
  const exited = run([...gate, '-e', `${held} process.on('exit', () => {}); process.exit(0);`]);
  assert.strictEqual(exited.status, kBudgetExceeded, exited.stderr);
  // The program's own failure is kept: an exit listener that throws ends with 1, as in Node.
  const thrown = run([...gate, '-e', `${held} process.on('exit', () => { throw new Error('boom'); });`]);
  assert.strictEqual(thrown.status, 1, thrown.stderr);
});

test('the report is written even when the program removes every exit listener, and it sees none of ours', () => {
  const file = reportFile('no-listeners');
  const result = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-big=1000',
                      `--slab-hunter-report=${file}`, '-e',
                      `globalThis.held = Buffer.alloc(100000);
                       console.log(process.listenerCount('exit'));
                       process.removeAllListeners('exit');`]);
  assert.strictEqual(result.stdout, '0\n');
  assert.strictEqual(result.status, kBudgetExceeded, result.stderr);
  assert.strictEqual(readReport(file).totals.bigBufferLeaks, 100000);
});

// Node 18 freezes the intrinsics before the embedder's start-up code can replace the Buffer
// APIs; Node 24 runs the preload callback that installs them first, so they are frozen tracked.
if (process.versions.node.startsWith('18.')) {
  test('--frozen-intrinsics with the flags on 18: one line and status 9, as a bad flag value', () => {
    const result = run(['--frozen-intrinsics', '--slab-hunter', '-e', 'console.log("ran")']);
    assert.strictEqual(result.status, kInvalidArgument);
    assert.strictEqual(result.stdout, '');
    assert.strictEqual(result.stderr,
                       `${process.execPath}: --slab-hunter: Invalid state: node:slab_hunter cannot ` +
                       'track Buffers: subarray has been frozen or replaced by an accessor (as ' +
                       '--frozen-intrinsics does)\n');
  });
} else {
  test('--frozen-intrinsics with the flags on 24: the program runs tracked', () => {
    const file = reportFile('frozen');
    const result = run(['--frozen-intrinsics', '--slab-hunter-leak-cutoff=0',
                        '--slab-hunter-fail-on-big=1000', `--slab-hunter-report=${file}`, '-e',
                        `globalThis.kept = Buffer.allocUnsafe(200000).subarray(0, 10);
                         console.log(Object.isFrozen(Uint8Array.prototype));`]);
    assert.strictEqual(result.stdout, 'true\n');
    assert.strictEqual(result.status, kBudgetExceeded, result.stderr);
    const report = readReport(file);
    assert.strictEqual(report.totals.bigBufferLeaks, 200000);
    assert.strictEqual(report.totals.unreferencedBytes, 199990);
  });
}
