'use strict';

// Worker threads leak as the main thread does (Node 24 line): each of two Workers receives
// 64 KiB packets and keeps the 16-byte header of every tenth one in a cache of its own, as
// `packet.subarray(0, 16)` - which keeps the whole packet alive.
//
// Run: slab-hunter-node --slab-hunter-leak-cutoff=0 --slab-hunter-stack-depth=1 examples/worker-pool.js

const { Worker, isMainThread, parentPort } = require('node:worker_threads');

if (isMainThread) {
  const workers = [new Worker(__filename), new Worker(__filename)];
  let done = 0;
  for (const worker of workers) {
    worker.on('message', () => {
      if (++done === workers.length) for (const w of workers) w.terminate();
    });
  }
} else {
  const headers = new Map();
  // The Worker answers lookups from its cache until it is terminated.
  parentPort.on('message', (id) => parentPort.postMessage(headers.get(id)));
  for (let i = 0; i < 100; i++) {
    const packet = Buffer.alloc(64 * 1024, i);
    if (i % 10 === 0) headers.set(i, packet.subarray(0, 16));
  }
  parentPort.postMessage('parsed');
}
