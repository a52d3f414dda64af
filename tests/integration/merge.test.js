'use strict';

// --slab-hunter-merge: a fixture run in 3 processes at once (as a test runner's workers), each
// writing its report under a %p name, then merged: entries of one site summed, each process's
// timeline kept under its pid, the budgets and the growth gate applied to the merge.

const assert = require('node:assert');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');
const { entriesAt, fixtures, run, siteLine } = require('./helpers.js');

const kBudgetExceeded = 66;
const kInvalidArgument = 9;
const kProcesses = 3;
const kChunk = 65536;
const kCacheChunks = 5;  // growth.js's cache: 5 Buffers of 64 KiB, filled in the first steps
const kSteps = 60;       // enough timeline points for a growth verdict (growth.test.js)
const fixture = path.join(fixtures, 'growth.js');

// Runs growth.js `mode` in kProcesses processes at once; returns their pids and reports.
async function runProcesses(mode) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-'));
  const env = {
    ...process.env,
    SLAB_HUNTER_OPTIONS: `--slab-hunter-report=${dir}/r-%p.json --slab-hunter-leak-cutoff=0 ` +
                         '--slab-hunter-timeline=20',
  };
  const runs = Array.from({ length: kProcesses }, () => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, mode, String(kSteps)], { env });
    let stderr = '';
    child.stderr.on('data', (data) => { stderr += data; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ pid: child.pid, status, stderr }));
  }));
  const children = await Promise.all(runs);
  for (const child of children) assert.strictEqual(child.status, 0, child.stderr);
  const pids = children.map((child) => child.pid).sort((a, b) => a - b);
  return { dir, pids, files: pids.map((pid) => path.join(dir, `r-${pid}.json`)) };
}

function merge(args) {
  return run(['--slab-hunter-merge', ...args]);
}

test('the processes\' entries of one site are one entry, their timelines kept per process',
     async () => {
  const { dir, pids, files } = await runProcesses('cache');
  const out = path.join(dir, 'merged.json');
  const html = path.join(dir, 'merged.html');
  const result = merge([`--slab-hunter-report=${out}`, `--slab-hunter-report=${html}`, ...files]);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.strictEqual(result.stdout, '');
  const jsonText = fs.readFileSync(out, 'utf8');
  const json = JSON.parse(jsonText);
  // The HTML page holds the same merged report, each '<' escaped.
  assert.ok(fs.readFileSync(html, 'utf8').includes(jsonText.trim().replace(/</g, '\\u003c')));
  assert.strictEqual(json.schema, 'slab-hunter-report');
  assert.strictEqual(json.version, 2);
  assert.strictEqual(json.pid, null);
  assert.strictEqual(json.timeline, null);
  const cache = entriesAt(json.bigBufferLeaks, 'growth.js', siteLine('growth.js', 'cache'));
  assert.strictEqual(cache.length, 1);
  assert.strictEqual(cache[0].amount, kProcesses * kCacheChunks);
  assert.strictEqual(cache[0].totalSize, kProcesses * kCacheChunks * kChunk);
  // Each process's own peak (its whole cache), summed.
  assert.strictEqual(cache[0].peakBytes, kProcesses * kCacheChunks * kChunk);
  assert.deepStrictEqual(cache[0].growth, { verdict: 'steady', bytesPerMinute: 0 });
  // The views on the cache's stores are the Buffers themselves: one retainer site.
  assert.deepStrictEqual(cache[0].retainers.map((r) => [r.amount, r.bytes]),
                         [[kProcesses * kCacheChunks, kProcesses * kCacheChunks * kChunk]]);

  assert.deepStrictEqual(json.processes.map((p) => [p.pid, p.file]),
                         pids.map((pid, i) => [pid, files[i]]));
  for (const [i, p] of json.processes.entries()) {
    assert.deepStrictEqual(p.threads, [{ threadId: 0, state: 'running' }]);
    // Kept as the process's own report has it, field order included.
    const own = JSON.parse(fs.readFileSync(files[i], 'utf8'));
    assert.strictEqual(own.pid, pids[i]);
    assert.strictEqual(JSON.stringify(p.timeline), JSON.stringify(own.timeline));
    assert.strictEqual(p.timeline.threadId, 0);
    const series = p.timeline.sites.find((s) => s.location.includes(
      `${fixture}:${siteLine('growth.js', 'cache')}:`));
    assert.strictEqual(series.bytes.length, p.timeline.atMs.length);
    assert.strictEqual(series.bytes.at(-1), kCacheChunks * kChunk);
  }

  // A process's report given twice would count it twice.
  const twice = merge([files[0], files[1], files[0]]);
  assert.strictEqual(twice.status, 1);
  assert.strictEqual(twice.stderr, `slab-hunter-node: --slab-hunter-merge: ${files[0]} and ` +
                     `${files[0]} are both process ${pids[0]}'s report\n`);

  // Without a report named, the text goes to stdout, naming the processes first.
  const text = merge(files);
  assert.strictEqual(text.status, 0, text.stderr);
  assert.ok(text.stdout.startsWith(`Merged reports of ${kProcesses} processes:\n` +
                                   files.map((f, i) => `  ${f} (pid ${pids[i]})\n`).join('')),
            text.stdout);
  assert.match(text.stdout, new RegExp(
    `\\n${kProcesses * kCacheChunks} leaks of big buffers of avg size 65.5 kB \\(total: 983 kB\\) ` +
    `at fillCache \\(${fixture.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:` +
    `${siteLine('growth.js', 'cache')}:`));

  // The budgets apply to the sums: 15 chunks are over 14 chunks' budget, not over 15's.
  const over = merge([`--slab-hunter-fail-on-big=${(kProcesses * kCacheChunks - 1) * kChunk}`,
                      '--slab-hunter-fail-on-growth=1kB', ...files]);
  assert.strictEqual(over.status, kBudgetExceeded, over.stderr);
  assert.match(over.stderr, new RegExp('^slab-hunter-node: leak budget exceeded \\(big-buffer ' +
                                       `leaks ${kProcesses * kCacheChunks * kChunk} bytes, ` +
                                       `budget ${(kProcesses * kCacheChunks - 1) * kChunk} bytes`));
  const within = merge([`--slab-hunter-fail-on-big=${kProcesses * kCacheChunks * kChunk}`,
                        '--slab-hunter-fail-on-growth=1kB', ...files]);
  assert.strictEqual(within.status, 0, within.stderr);
  assert.doesNotMatch(within.stderr, /exceeded/);
});

test('a site growing in the processes trips the growth gate of the merge', async () => {
  const { files } = await runProcesses('grow');
  const result = merge(['--slab-hunter-fail-on-growth=1kB', '--slab-hunter-report=-', ...files]);
  assert.strictEqual(result.status, kBudgetExceeded, result.stderr);
  assert.match(result.stderr, new RegExp(
    '\\nslab-hunter-node: growth budget exceeded \\(1000 bytes per minute\\): growing sites:\\n' +
    `  \\+[\\d.]+ [kM]B/min big buffers at grow \\(${fixture.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:` +
    `${siteLine('growth.js', 'grow')}:\\d+\\)\\n`));
  const merged = JSON.parse(merge(['--slab-hunter-report=/dev/stdout', ...files]).stdout);
  const [grow] = entriesAt(merged.bigBufferLeaks, 'growth.js', siteLine('growth.js', 'grow'));
  assert.strictEqual(grow.amount, kProcesses * kSteps);
  assert.strictEqual(grow.totalSize, kProcesses * kSteps * kChunk);
  assert.strictEqual(grow.growth.verdict, 'growing');
});

test('an unreadable or invalid report stops the merge with status 1, a bad flag with 9', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-bad-'));
  const truncated = path.join(dir, 'cut.json');
  fs.writeFileSync(truncated, '{"schema":"slab-hunter-report","version":2,"pid":1,');
  const missing = path.join(dir, 'none.json');
  let result = merge([truncated]);
  assert.strictEqual(result.status, 1);
  assert.strictEqual(result.stderr, `slab-hunter-node: --slab-hunter-merge: ${truncated}: not ` +
                     'JSON (parse error at line 1, column 52: syntax error while parsing object ' +
                     "key - unexpected end of input; expected string literal)\n");
  result = merge([missing]);
  assert.strictEqual(result.status, 1);
  assert.strictEqual(result.stderr,
                     `slab-hunter-node: --slab-hunter-merge: ${missing}: cannot read: No such ` +
                     'file or directory\n');
  result = merge(['--slab-hunter-fail-on-growth=fast', missing]);
  assert.strictEqual(result.status, kInvalidArgument);
  assert.match(result.stderr, /^slab-hunter-node: --slab-hunter-fail-on-growth: invalid value 'fast'/);
  result = merge([]);
  assert.strictEqual(result.status, kInvalidArgument);
  assert.match(result.stderr, /^slab-hunter-node: --slab-hunter-merge: no report to merge \(usage: /);
});
