'use strict';

// Zero-code-change hunting: the --slab-hunter* flags and SLAB_HUNTER_OPTIONS, the end-of-run
// report on every way a program ends, the JSON report, and the leak-budget gate.

const test = require('node:test');
const { after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { entriesAt, fixtures, run, siteLine } = require('./helpers');

const kBudgetExceeded = 66;
const gate = (name) => path.join(fixtures, 'gate', name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slab-hunter-flags-'));
const reportFile = (name) => path.join(tmp, `${name}.json`);
const readReport = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
// The column V8 gives a call at `site`: that of `callee`'s name on the site's line, from 1.
const siteColumn = (file, site, callee) =>
  fs.readFileSync(path.join(fixtures, file), 'utf8').split('\n')[siteLine(file, site) - 1]
    .indexOf(callee) + 1;
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('the gate fails a leaky program with its own status and names the leaking lines', () => {
  const result = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-big=50000', gate('leaky.js')]);
  assert.strictEqual(result.status, kBudgetExceeded, result.stderr);
  assert.match(result.stderr, /leak budget exceeded \(big-buffer leaks 327680 bytes, budget 50000 bytes/);
  assert.ok(result.stderr.includes(`${gate('leaky.js')}:${siteLine('gate/leaky.js', 'gate-big')}:`),
            result.stderr);
});

test('the gate passes a clean program', () => {
  const result = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-big=50000',
                      '--slab-hunter-fail-on-slab=1kB', gate('clean.js')]);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.strictEqual(result.stderr, '');
});

test('the slab budget, sizes with suffixes, and budgets not exceeded', () => {
  const over = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-slab=10KiB', gate('leaky.js')]);
  assert.strictEqual(over.status, kBudgetExceeded);
  assert.ok(over.stderr.includes(`${gate('leaky.js')}:${siteLine('gate/leaky.js', 'gate-slab')}:`));
  const under = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-fail-on-big=1MiB',
                     '--slab-hunter-fail-on-slab=1MB', gate('leaky.js')]);
  assert.strictEqual(under.status, 0, under.stderr);
});

test('the JSON report holds the same entries as the overview, with structured frames', () => {
  const file = reportFile('leaky');
  const result = run(['--slab-hunter-leak-cutoff=0', `--slab-hunter-report=${file}`,
                      '--slab-hunter-fail-on-big=50000', '--slab-hunter-stack-depth=3', gate('leaky.js')]);
  assert.strictEqual(result.status, kBudgetExceeded);
  const report = readReport(file);
  assert.strictEqual(report.schema, 'slab-hunter-report');
  assert.strictEqual(report.version, 2);
  assert.deepStrictEqual(report.settings, { leakCutoffMs: 0, bigBufferCutoff: 4000, stackDepth: 3,
                                            sampleIntervalBytes: null });
  assert.deepStrictEqual(report.budgets, { bigBufferLeaks: 50000, slabLeaks: null,
                                           growthBytesPerMinute: null, exceeded: true });
  const big = entriesAt(report.bigBufferLeaks, 'gate/leaky.js', siteLine('gate/leaky.js', 'gate-big'));
  assert.strictEqual(big.length, 1);
  assert.strictEqual(big[0].amount, 5);
  assert.strictEqual(big[0].totalSize, 5 * 64 * 1024);
  assert.strictEqual(big[0].frames.length, 3);
  assert.deepStrictEqual(big[0].frames[0], {
    function: '', file: gate('leaky.js'), line: siteLine('gate/leaky.js', 'gate-big'),
    column: siteColumn('gate/leaky.js', 'gate-big', 'allocUnsafe('),
  });
  assert.strictEqual(report.totals.bigBufferLeaks, 5 * 64 * 1024);
  // Every entry's text location is in the printed overview.
  for (const entry of [...report.bigBufferLeaks, ...report.slabLeaks]) {
    assert.ok(result.stderr.includes(entry.location), entry.location);
  }
  assert.strictEqual(report.slabLeaks.reduce((sum, e) => sum + e.normalisedTotalLeakedBytes, 0),
                     report.totals.slabLeaks);
});

test('the report is written on every ending, keeping the program\'s status', () => {
  const endings = [
    [['dry'], 0], [['exit', '0'], 0], [['exit', '5'], 5], [['throw'], 1], [['reject'], 1],
  ];
  for (const [args, status] of endings) {
    const file = reportFile(`ending-${args.join('-')}`);
    // The budget is exceeded in each: only a program that succeeded gets the gate's status.
    const result = run(['--slab-hunter-leak-cutoff=0', `--slab-hunter-report=${file}`,
                        '--slab-hunter-fail-on-big=1000', gate('endings.js'), ...args]);
    assert.strictEqual(result.status, status === 0 ? kBudgetExceeded : status, `${args}: ${result.stderr}`);
    const big = entriesAt(readReport(file).bigBufferLeaks, 'gate/endings.js',
                          siteLine('gate/endings.js', 'endings-big'));
    assert.strictEqual(big.length, 1, `${args}`);
    assert.strictEqual(big[0].totalSize, 100000);
  }
});

function startAndWaitReady(args, env = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data) => { stdout += data; });
  child.stderr.on('data', (data) => { stderr += data; });
  const ready = new Promise((resolve) => child.stdout.on('data', () => {
    if (stdout.includes('ready\n')) resolve();
  }));
  const done = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, ready, done, stderr: () => stderr };
}

test('SIGINT and SIGTERM write the report and still end the program by the signal', async () => {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    const file = reportFile(`signal-${signal}`);
    const started = startAndWaitReady(['--slab-hunter-leak-cutoff=0', `--slab-hunter-report=${file}`, gate('signal.js')]);
    await started.ready;
    started.child.kill(signal);
    const { code, signal: ended } = await started.done;
    assert.strictEqual(code, null);
    assert.strictEqual(ended, signal);
    const big = entriesAt(readReport(file).bigBufferLeaks, 'gate/signal.js', siteLine('gate/signal.js', 'signal-big'));
    assert.strictEqual(big[0].totalSize, 100000);
  }
});

// The report signal and the interval's repeated overviews: endings.test.js.

// The interval timer never keeps a program alive.
test('the interval does not keep the program alive', () => {
  const started = Date.now();
  const result = run(['--slab-hunter-interval=60000', '-e', '1']);
  assert.strictEqual(result.status, 0);
  assert.ok(Date.now() - started < 10000);
});

test('SLAB_HUNTER_OPTIONS is read too (so children inherit it), the command line wins', () => {
  const file = reportFile('env');
  const result = run([gate('leaky.js')], {
    env: { SLAB_HUNTER_OPTIONS: `--slab-hunter-leak-cutoff=0 --slab-hunter-report=${file} --slab-hunter-fail-on-big=50000` },
  });
  assert.strictEqual(result.status, kBudgetExceeded);
  assert.strictEqual(readReport(file).settings.leakCutoffMs, 0);
  const overridden = run(['--slab-hunter-leak-cutoff=60000', gate('leaky.js')], {
    env: { SLAB_HUNTER_OPTIONS: '--slab-hunter-leak-cutoff=0 --slab-hunter-fail-on-big=50000' },
  });
  assert.strictEqual(overridden.status, 0, overridden.stderr);
});

test('--slab-hunter tracks from the start: preloads and program are tracked without code', () => {
  const result = run(['--slab-hunter', '--slab-hunter-leak-cutoff=0', '--slab-hunter-report=/dev/stderr',
                      '-e', 'globalThis.b = Buffer.allocUnsafe(40000); console.log(JSON.stringify(process.execArgv))']);
  assert.strictEqual(result.status, 0, result.stderr);
  // The flags are the embedder's: Node never sees them, nor does process.execArgv (so forked
  // children do not write over the parent's report).
  assert.deepStrictEqual(JSON.parse(result.stdout), ['-e', 'globalThis.b = Buffer.allocUnsafe(40000); console.log(JSON.stringify(process.execArgv))']);
  const atEval = JSON.parse(result.stderr).bigBufferLeaks
    .filter((e) => e.location.startsWith('at [eval]:1:'));
  assert.deepStrictEqual(atEval.map((e) => [e.amount, e.totalSize]), [[1, 40000]]);

  const preloaded = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-report=/dev/stderr',
                         '-r', path.join(fixtures, 'preload-alloc.js'), '-e', '1']);
  assert.strictEqual(preloaded.status, 0, preloaded.stderr);
  const big = entriesAt(JSON.parse(preloaded.stderr).bigBufferLeaks, 'preload-alloc.js',
                        siteLine('preload-alloc.js', 'preload-big'));
  assert.strictEqual(big[0].totalSize, 35000);
});

test('flags after the script are the script\'s own', () => {
  const result = run([path.join(fixtures, 'print-process.js'), '--slab-hunter-fail-on-big=1']);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.deepStrictEqual(JSON.parse(result.stdout).argv.slice(2), ['--slab-hunter-fail-on-big=1']);
});

test('bad values stop the run before user code with status 9, naming flag and value', () => {
  const cases = [
    ['--slab-hunter-leak-cutoff=abc', /--slab-hunter-leak-cutoff: invalid value 'abc'/],
    ['--slab-hunter-leak-cutoff=-5', /--slab-hunter-leak-cutoff: invalid value '-5'/],
    ['--slab-hunter-big-cutoff=12XB', /--slab-hunter-big-cutoff: invalid value '12XB'/],
    ['--slab-hunter-stack-depth=0', /--slab-hunter-stack-depth: invalid value '0'/],
    ['--slab-hunter-interval=0', /--slab-hunter-interval: invalid value '0'/],
    ['--slab-hunter-fail-on-big=lots', /--slab-hunter-fail-on-big: invalid value 'lots'/],
    ['--slab-hunter-fail-on-slab=', /--slab-hunter-fail-on-slab: invalid value ''/],
    ['--slab-hunter-fail-on-growth=fast', /--slab-hunter-fail-on-growth: invalid value 'fast'/],
    ['--slab-hunter-timeline=0.5', /--slab-hunter-timeline: invalid value '0.5'/],
    ['--slab-hunter-report=/nonexistent-dir/r.json', /--slab-hunter-report: cannot create '\/nonexistent-dir\/r.json'/],
    ['--slab-hunter=yes', /--slab-hunter: takes no value/],
    ['--slab-hunter-colour=red', /--slab-hunter-colour: unknown option/],
  ];
  for (const [flag, message] of cases) {
    const result = run([flag, '-e', 'console.log("user code ran")']);
    assert.strictEqual(result.status, 9, flag);
    assert.match(result.stderr, message);
    assert.strictEqual(result.stdout, '', flag);
  }
  const env = run(['-e', '1'], { env: { SLAB_HUNTER_OPTIONS: '--inspect' } });
  assert.strictEqual(env.status, 9);
  assert.match(env.stderr, /SLAB_HUNTER_OPTIONS: '--inspect' is not a --slab-hunter option/);
});

test('--slab-hunter-verify-heap adds the views a heap snapshot finds to the JSON report', () => {
  const script = 'globalThis.dv = new DataView(Buffer.allocUnsafe(40000).buffer, 0, 8)';
  const plain = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-report=/dev/stderr', '-e', script]);
  const entryOf = (result) => JSON.parse(result.stderr).bigBufferLeaks
    .find((e) => e.location.startsWith('at [eval]:1:') && e.totalSize === 40000);
  assert.strictEqual(plain.status, 0, plain.stderr);
  assert.strictEqual(entryOf(plain).heapViews, undefined);
  const verified = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-report=/dev/stderr',
                        '--slab-hunter-verify-heap', '-e', script]);
  assert.strictEqual(verified.status, 0, verified.stderr);
  assert.deepStrictEqual(entryOf(verified).heapViews, [{ type: 'DataView', retainerPath: 'global / dv' }]);
});
