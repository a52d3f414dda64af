'use strict';

// slab-hunter-node is Node (18.20.4, or 24.21.0 on the 24 line) as users know it: every way of
// starting a program, argv, exit codes, preloads.

const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { fixtures, run } = require('./helpers');

const printProcess = path.join(fixtures, 'print-process.js');

// The Node and V8 versions of each line's libnode (Debian's libnode108 and libnode137).
const kVersions = { 18: '18.20.4 10.2.154.26-node.37', 24: '24.21.0 13.6.233.17-node.53' };

test('--version and -p report the Node of the line', () => {
  const line = process.versions.node.split('.')[0];
  const [node] = kVersions[line].split(' ');
  assert.strictEqual(run(['--version']).stdout, `v${node}\n`);
  assert.strictEqual(run(['-p', 'process.versions.node + " " + process.versions.v8']).stdout,
                     `${kVersions[line]}\n`);
});

test('--help prints Node\'s usage', () => {
  const result = run(['--help']);
  assert.strictEqual(result.status, 0);
  assert.match(result.stdout, /^Usage: node \[options\]/);
});

test('a script file sees argv as under node, with an absolute argv[1]', () => {
  const result = run([printProcess, 'a', '--flag'], { cwd: fixtures });
  assert.strictEqual(result.status, 0, result.stderr);
  const seen = JSON.parse(result.stdout);
  assert.deepStrictEqual(seen.argv, [process.execPath, printProcess, 'a', '--flag']);
  assert.deepStrictEqual(seen.execArgv, []);
  assert.strictEqual(seen.isMain, true);
});

test('a relative script path is resolved, as node does', () => {
  const result = run(['print-process.js'], { cwd: fixtures });
  assert.strictEqual(JSON.parse(result.stdout).argv[1], printProcess);
});

test('-r preloads run before the main script, can use the builtin, and stay in execArgv', () => {
  const preload = path.join(fixtures, 'preload.js');
  const result = run(['--no-warnings', '-r', preload, printProcess, '-r', 'x']);
  assert.strictEqual(result.status, 0, result.stderr);
  const seen = JSON.parse(result.stdout);
  assert.deepStrictEqual(seen.execArgv, ['--no-warnings', '-r', preload]);
  assert.deepStrictEqual(seen.argv.slice(2), ['-r', 'x']);
  assert.deepStrictEqual(seen.preloads, [preload]);
  assert.strictEqual(seen.hasPreloadedStats, true);
});

test('NODE_OPTIONS preloads come first and the variable is left as it was', () => {
  const preload = path.join(fixtures, 'preload.js');
  const nodeOptions = `--require "${preload}"`;
  const result = run(['--require=./print-process.js', '-e', 'console.log(JSON.stringify([process.env.NODE_OPTIONS, process._preload_modules]))'],
                     { cwd: fixtures, env: { NODE_OPTIONS: nodeOptions } });
  assert.strictEqual(result.status, 0, result.stderr);
  const lines = result.stdout;
  // print-process.js ran as a preload (it prints first), then the -e code.
  const [preloadOutput, evalOutput] = lines.split('\n');
  assert.strictEqual(JSON.parse(preloadOutput).hasPreloadedStats, true);
  assert.deepStrictEqual(JSON.parse(evalOutput), [nodeOptions, [preload, './print-process.js']]);
});

test('-e, -p and stdin run code', () => {
  assert.strictEqual(run(['-e', 'console.log(1 + 1)']).stdout, '2\n');
  assert.strictEqual(run(['-p', '[3, 4].join("-")']).stdout, '3-4\n');
  assert.strictEqual(run([], { input: 'console.log("from stdin")' }).stdout, 'from stdin\n');
  assert.strictEqual(run(['-'], { input: 'console.log(process.argv.length)' }).stdout, '2\n');
});

test('the REPL runs with -i', () => {
  const result = run(['-i'], { input: '6 * 7\n.exit\n' });
  assert.strictEqual(result.status, 0, result.stderr);
  // Not a terminal: no colours, the prompt as written, and Node's greeting.
  assert.strictEqual(result.stdout,
                     `Welcome to Node.js ${process.version}.\nType ".help" for more information.\n> 42\n> `);
});

test('--check, --test and ESM entry points behave as in node', () => {
  assert.strictEqual(run(['--check', path.join(fixtures, 'throws.js')]).status, 0);
  // TAP: Node 18's default for a pipe, Node 24's default is `spec` everywhere.
  const tested = run(['--test', '--test-reporter=tap', path.join(fixtures, 'sample.test.js')]);
  assert.strictEqual(tested.status, 0, tested.stdout + tested.stderr);
  // sample.test.js has one test, which passes.
  assert.match(tested.stdout, /^# tests 1\n# suites 0\n# pass 1\n# fail 0\n/m);
  const esm = run(['--input-type=module', '-e', 'import { sep } from "node:path"; console.log(sep)']);
  assert.strictEqual(esm.stdout, '/\n');
});

test('exit codes and uncaught exceptions are the program\'s own', () => {
  assert.strictEqual(run([path.join(fixtures, 'exit-code.js'), '7']).status, 7);
  assert.strictEqual(run(['-e', 'process.exit(3)']).status, 3);
  const thrown = run([path.join(fixtures, 'throws.js')]);
  assert.strictEqual(thrown.status, 1);
  assert.match(thrown.stderr, /Error: boom from fixture/);
  const rejected = run(['-e', 'Promise.reject(new Error("nope"))']);
  assert.strictEqual(rejected.status, 1);
  assert.match(rejected.stderr, /nope/);
});

test('signals end the program as they end node', () => {
  const result = run(['-e', 'process.kill(process.pid, "SIGTERM"); setTimeout(() => {}, 5000)']);
  assert.strictEqual(result.signal, 'SIGTERM');
});

test('child processes and fetch-free builtins work', () => {
  const result = run(['-e', `
    const { execFileSync } = require('node:child_process');
    console.log(execFileSync(process.execPath, ['-p', '40 + 2']).toString().trim());
    console.log(typeof fetch, require('node:zlib').gunzipSync(require('node:zlib').gzipSync('z')).toString());`]);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.strictEqual(result.stdout, '42\nfunction z\n');
});
