'use strict';
// The browser test's program: a log that keeps a small view of every packet (growing) and a
// cache that fills at once and stays that size (steady). tests/html/run.sh finds the lines by
// their `site:` comments. node:http's module constants are Node's own internals.
require('node:http');

const packetLog = globalThis.packetLog = [];
const cache = globalThis.cache = new Map();
let request = 0;

// Five seconds of requests, two every 20 ms.
function handleRequest(id) {
  // Each packet's 8-byte header keeps the whole 32 KiB packet alive: growing.
  const packet = Buffer.alloc(32 * 1024, id & 0xff);  // site:packet
  packetLog.push(packet.subarray(0, 8));  // site:header
  // At most 16 entries, each its own 32 KiB buffer: steady.
  if (!cache.has(id % 16)) cache.set(id % 16, Buffer.alloc(32 * 1024));  // site:cache
}

const timer = setInterval(() => {
  for (let i = 0; i < 2; i++) handleRequest(request++);
}, 20);
setTimeout(() => {
  clearInterval(timer);
  // `fixture.js free`: the log is dropped before the end, as a server closed first drops its own.
  if (process.argv[2] === 'free') packetLog.length = 0;
}, 5000);
