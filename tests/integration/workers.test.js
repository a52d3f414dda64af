'use strict';

// Worker threads on either line, as today: Workers get an allocator of Node's own and no
// node:slab_hunter, so their Buffers are untracked; the program runs as in node, and the main
// thread's report holds the main thread's Buffers only.

const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { fixtures, run } = require('./helpers');

for (const flags of [[], ['--slab-hunter', '--slab-hunter-leak-cutoff=0']]) {
  test(`a Worker's Buffers work, untracked (${flags.join(' ') || 'no flags'})`, () => {
    const result = run([...flags, path.join(fixtures, 'worker-buffers.js')]);
    assert.strictEqual(result.status, 0, result.stderr);
    const seen = JSON.parse(result.stdout.split('\n')[0]);
    assert.deepStrictEqual(seen, {
      worker: { builtin: 'ERR_UNKNOWN_BUILTIN_MODULE', bytes: 60000 + 100 + 6 },
      mainBig: [[1, 50000]],
    });
  });
}
