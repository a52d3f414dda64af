'use strict';

// A small message cache with the two classic Buffer-slab leaks, for slab-hunter-node to find.
//
// 1. Big-buffer leak: network-sized chunks (64 KiB) are parsed into records, and the cache keeps
//    each record's key as `chunk.subarray(...)` - 16 bytes that keep the whole chunk alive.
// 2. Slab leak: every record also gets a short id from Buffer.from(string), which lands in
//    Node's shared 8 KiB pool; keeping a few ids for long keeps their whole slabs alive.
//
// Run: slab-hunter-node examples/leaky-cache.js

const setupSlabHunter = require('node:slab_hunter');

// Count anything older than 200 ms, so the example finishes quickly.
const getLeakStats = setupSlabHunter(200);

const cache = new Map();

function receiveChunk() {
  const chunk = Buffer.allocUnsafe(64 * 1024);
  chunk.fill(7);
  return chunk;
}

function parseRecords(chunk, sequence) {
  for (let offset = 0; offset + 1024 <= chunk.length; offset += 1024) {
    const key = chunk.subarray(offset, offset + 16);
    const id = Buffer.from(`record-${sequence}-${offset}`);
    // Only one record in fifty is worth caching; the others are dropped at once.
    if ((offset / 1024 + sequence) % 50 === 0) cache.set(id.toString(), { key, id });
  }
}

for (let sequence = 0; sequence < 40; sequence++) parseRecords(receiveChunk(), sequence);

setTimeout(() => {
  // getLeakStats() runs one full collection first: only reachable Buffers are counted.
  console.log(`cache holds ${cache.size} records\n`);
  console.log(String(getLeakStats()));
}, 300);
