'use strict';

// --slab-hunter-report by extension: one run writes each report named (.json, .txt, - for the
// text on stderr); the text leads with the answer; Node's own module constants are one line.

const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');
const { spawn, spawnSync } = require('node:child_process');
const { fixtures, run, siteLine, entriesAt } = require('./helpers.js');

const fixture = path.join(fixtures, 'module-constants.js');
// node:tls's socket code: node:_tls_wrap on Node 18, node:internal/tls/wrap on Node 24.
const tlsWrap = process.versions.node.startsWith('18.') ? '_tls_wrap' : 'internal/tls/wrap';
const greetingLine = siteLine('module-constants.js', 'greeting');
const chunkLine = siteLine('module-constants.js', 'chunk');

test('one run writes every report named, each in the format its name asks for', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-'));
  const result = run(['--slab-hunter-leak-cutoff=0', `--slab-hunter-report=${dir}/r.json`,
                      `--slab-hunter-report=${dir}/r.txt`, '--slab-hunter-report=-',
                      `--slab-hunter-report=${dir}/r-%p`, fixture]);
  assert.strictEqual(result.status, 0, result.stderr);
  const json = JSON.parse(fs.readFileSync(`${dir}/r.json`, 'utf8'));
  const chunk = entriesAt(json.bigBufferLeaks, 'module-constants.js', chunkLine);
  assert.deepStrictEqual(chunk.map((e) => [e.amount, e.totalSize, e.nodeInternal]),
                         [[1, 50000, false]]);
  // A name without a known extension is JSON, as every report was before.
  const [other] = fs.readdirSync(dir).filter((name) => name.startsWith('r-'));
  assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(dir, other), 'utf8')).totals,
                         json.totals);
  // The text file and stderr are the same report, which leads with the answer.
  const text = fs.readFileSync(`${dir}/r.txt`, 'utf8');
  assert.strictEqual(result.stderr, text);
  assert.match(text, /^slab-hunter-node: 2 sites keep memory the program may not need \(big buffers 50 kB, /);
  const answer = text.slice(0, text.indexOf('\nBig buffer potential leaks:'));
  assert.match(answer, new RegExp(`\\n {2}50 kB {2}.*big buffers at ${fixture}:${chunkLine}:\\d+\\n`));
  assert.match(answer, new RegExp(`slab retainers at ${fixture}:${greetingLine}:\\d+\\n`));
});

test("Node's own module constants are one line; the program's stay listed", () => {
  const folded = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-report=-', fixture]);
  assert.strictEqual(folded.status, 0, folded.stderr);
  // Their sites are not listed (a slab of the program's may still name them among its retainers).
  assert.doesNotMatch(folded.stderr, new RegExp(`(^|\\n|\\) )at node:(_http_server|${tlsWrap}):`));
  assert.match(folded.stderr, /\n {2}Node internals: \d+ sites, [\d.]+ kB \(module constants of Node's own modules; --slab-hunter-show-internals lists them\)\n/);
  assert.match(folded.stderr, new RegExp(`normalised against retainers\\) at ${fixture}:${greetingLine}:\\d+\\n`));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-'));
  const listed = run(['--slab-hunter-leak-cutoff=0', '--slab-hunter-show-internals',
                      '--slab-hunter-report=-', `--slab-hunter-report=${dir}/r.json`, fixture]);
  assert.strictEqual(listed.status, 0, listed.stderr);
  assert.match(listed.stderr, /at node:_http_server:\d+:\d+\n/);
  assert.match(listed.stderr, new RegExp(`at node:${tlsWrap}:\\d+:\\d+\\n`));
  assert.doesNotMatch(listed.stderr, /Node internals:/);
  const json = JSON.parse(fs.readFileSync(`${dir}/r.json`, 'utf8'));
  const internal = json.slabLeaks.filter((e) => e.nodeInternal);
  const modules = new Set(internal.map((e) => e.frames[0].file));
  assert.ok(modules.has('node:_http_server') && modules.has(`node:${tlsWrap}`), [...modules].join());
  assert.ok(internal.every((e) => e.frames.every((f) => f.file.startsWith('node:'))));
  const greeting = entriesAt(json.slabLeaks, 'module-constants.js', greetingLine);
  assert.deepStrictEqual(greeting.map((e) => [e.amount, e.nodeInternal]), [[1, false]]);
  // The folded line counts exactly the entries marked as Node's.
  const count = Number(/Node internals: (\d+) sites/.exec(folded.stderr)[1]);
  const internalBig = json.bigBufferLeaks.filter((e) => e.nodeInternal);
  assert.strictEqual(count, internal.length + internalBig.length);
});

test('the heap check shows its progress on a terminal, and nothing elsewhere', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-'));
  const args = ['--slab-hunter-leak-cutoff=0', '--slab-hunter-verify-heap',
                `--slab-hunter-report=${dir}/r.json`, fixture];
  const piped = run(args);
  assert.strictEqual(piped.status, 0, piped.stderr);
  assert.strictEqual(piped.stderr, '');
  // util-linux's script(1) runs the binary on a terminal of its own (Debian's essential bsdutils).
  const command = [process.execPath, ...args].map((arg) => `'${arg}'`).join(' ');
  const onTerminal = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 60000 });
  assert.strictEqual(onTerminal.status, 0, onTerminal.stdout);
  assert.match(onTerminal.stdout, /\r\x1b\[Kslab-hunter-node: heap check: taking a heap snapshot 100%/);
  assert.match(onTerminal.stdout, /\r\x1b\[Kslab-hunter-node: heap check: finding views 0%/);
  // The line is cleared at the end: nothing of it stays before what comes next.
  assert.ok(onTerminal.stdout.endsWith('\r\x1b[K'), JSON.stringify(onTerminal.stdout.slice(-80)));
  const json = JSON.parse(fs.readFileSync(`${dir}/r.json`, 'utf8'));
  const chunk = entriesAt(json.bigBufferLeaks, 'module-constants.js', chunkLine);
  assert.deepStrictEqual(chunk.map((e) => e.heapViews.length), [1]);
});

test('a signal that ends the program gives up a long heap check; the report is still written', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-'));
  // Three million objects: V8's heap snapshot of them takes over half a minute on either line
  // (the 18 line's far more); given up, the run ends within seconds even on a loaded machine.
  const script = `
    const objects = globalThis.objects = [];
    for (let i = 0; i < 3e6; i++) objects.push({ i, s: 'x' + i });
    globalThis.kept = Buffer.alloc(50000);
    console.log('built');`;
  const child = spawn(process.execPath, ['--slab-hunter-leak-cutoff=0', '--slab-hunter-verify-heap',
                                         `--slab-hunter-report=${dir}/r.json`, '-e', script]);
  let stderr = '';
  child.stderr.on('data', (data) => { stderr += data; });
  let signalledAt;
  child.stdout.on('data', () => {
    // The program is done: the end of run is collecting, then taking the snapshot.
    setTimeout(() => { signalledAt = Date.now(); child.kill('SIGTERM'); }, 500);
  });
  const [code, signal] = await new Promise((resolve) => child.on('exit', (...args) => resolve(args)));
  assert.deepStrictEqual([code, signal], [null, 'SIGTERM'], stderr);
  assert.ok(Date.now() - signalledAt < 15000, `${Date.now() - signalledAt} ms after the signal`);
  assert.match(stderr, /^slab-hunter-node: the heap check was given up for a signal that ends the program: the report has no heapViews\n/);
  const json = JSON.parse(fs.readFileSync(`${dir}/r.json`, 'utf8'));
  const kept = json.bigBufferLeaks.filter((e) => e.location.startsWith('at [eval]'));
  assert.deepStrictEqual(kept.map((e) => [e.amount, e.totalSize, 'heapViews' in e]), [[1, 50000, false]]);
});
