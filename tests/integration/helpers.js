'use strict';

// Shared by the integration tests: run the binary under test on a fixture, find a fixture's
// marked source lines.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const fixtures = path.join(__dirname, 'fixtures');

// Node flags for every run, from the test's Bazel target (the GC-stress variants in BUILD).
const extraFlags = (process.env.SLAB_HUNTER_TEST_NODE_FLAGS || '').split(' ').filter(Boolean);

// process.execPath is the slab-hunter-node binary the tests run under. A run with
// --slab-hunter-verify-stacks must end with its stack-cache line, and with no mismatch.
function run(args, options = {}) {
  const allArgs = [...extraFlags, ...args];
  const result = spawnSync(process.execPath, allArgs, {
    encoding: 'utf8',
    timeout: 60000,
    ...options,
    env: { ...process.env, ...options.env },
  });
  if (result.error) throw result.error;
  if (allArgs.includes('--slab-hunter-verify-stacks')) {
    const stats = /stack cache: \d+ hits, \d+ full captures, \d+ hits verified, (\d+) mismatches[;\n]/
      .exec(result.stderr);
    if (stats === null || stats[1] !== '0') {
      throw new Error(`${allArgs.join(' ')}: the stack cache ` +
                      `${stats ? `had ${stats[1]} mismatches` : 'printed no stats'}:\n${result.stderr}`);
    }
  }
  return result;
}

// Runs fixtures/scenario.js and returns its parsed report.
function runScenario(name, { cutoffMs = 0, waitMs = 0, flags = [] } = {}) {
  const result = run([...flags, '--expose-gc', path.join(fixtures, 'scenario.js'), name,
                      String(cutoffMs), String(waitMs)]);
  if (result.status !== 0) {
    throw new Error(`scenario ${name} exited ${result.status}:\n${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

// The line of `file` (in fixtures/) carrying the comment `site:<site>`.
function siteLine(file, site) {
  const lines = fs.readFileSync(path.join(fixtures, file), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(`// site:${site}`));
  if (index < 0) throw new Error(`no site ${site} in ${file}`);
  return index + 1;
}

// The entries whose location's first frame is `file`:`line` (a path, or a file: URL for ESM).
function entriesAt(entries, file, line) {
  const fullPath = path.join(fixtures, file);
  const script = `(?:${escape(fullPath)}|${escape(pathToFileURL(fullPath).href)})`;
  const firstFrame = new RegExp(`^at (?:[^\\n(]+ \\()?${script}:${line}:\\d+\\)?\\n`);
  return entries.filter((entry) => firstFrame.test(entry.location + '\n'));
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

module.exports = { entriesAt, fixtures, run, runScenario, siteLine };
