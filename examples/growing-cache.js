'use strict';

// Leak = growth: a session table that fills once and stays the same size (a cache), and an
// audit log that keeps a 16-byte subarray of every request's 64 KiB body (a leak), over three
// seconds of simulated requests. Run with a timeline and a growth gate:
//
//   slab-hunter-node --slab-hunter-leak-cutoff=0 --slab-hunter-timeline=100 \
//     --slab-hunter-fail-on-growth=1MB --slab-hunter-stack-depth=1 examples/growing-cache.js

const sessions = globalThis.sessions = new Map();
const auditLog = globalThis.auditLog = [];

function handleRequest(id) {
  const body = Buffer.alloc(64 * 1024, id & 0xff);
  // At most 20 sessions, each holding its own copy of its first request's body.
  if (!sessions.has(id % 20)) sessions.set(id % 20, Buffer.from(body));
  // Every tenth request is audited: the 16-byte header keeps the whole body alive.
  if (id % 10 === 0) auditLog.push(body.subarray(0, 16));
}

let id = 0;
const timer = setInterval(() => {
  for (let i = 0; i < 10; i++) handleRequest(id++);
}, 20);
setTimeout(() => clearInterval(timer), 3000);
