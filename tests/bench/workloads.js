'use strict';

// One benchmark workload in one mode, timed from inside: prints {ms, ...} as JSON.
// Usage: BINARY workloads.js <alloc|mixed|server|stream|report<views>|memory<views>|pause<MB>>
//                            <untracked|ours|seed> [seed path]
// The tracker (ours or the seed) is set up before the timed part; what is timed is the
// program's own work, so the ratios are the cost a tracked program pays.

const [workload, mode, seedPath] = process.argv.slice(2);

let getLeakStats = null;
if (mode === 'ours') getLeakStats = require('node:slab_hunter')(0);
else if (mode === 'seed') getLeakStats = require(seedPath)(0);
else if (mode !== 'untracked') throw new Error(`unknown mode ${mode}`);

const now = () => Number(process.hrtime.bigint()) / 1e6;
const print = (result) => process.stdout.write(`${JSON.stringify(result)}\n`);
const kept = [];

// (a) Allocation-heavy: small (pooled) and big Buffer.allocUnsafe, 1% kept.
function alloc() {
  const start = now();
  for (let i = 0; i < 300000; i++) {
    const buf = Buffer.allocUnsafe(i % 10 === 0 ? 8000 : 64);
    buf[0] = i & 0xff;
    if (i % 100 === 0) kept.push(buf);
  }
  print({ ms: now() - start });
}

// A deterministic pseudo-random sequence (a 32-bit LCG, Numerical Recipes' constants), so that
// every run and every mode makes the same calls.
function lcg(seed) {
  let state = seed >>> 0;
  return (bound) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.floor((state / 0x100000000) * bound);
  };
}

// (m) Mixed sizes: mostly small Buffers of 1-512 bytes from Buffer.allocUnsafe, Buffer.from(string)
// and Buffer.alloc, and one in 200 of 16-256 KiB; 1% kept.
function mixed() {
  const random = lcg(11);
  const strings = Array.from({ length: 64 }, (_, i) => 'x'.repeat(1 + random(512)) + i);
  const start = now();
  for (let i = 0; i < 200000; i++) {
    let buf;
    if (random(200) === 0) {
      const size = (16 + random(241)) * 1024;
      buf = random(2) === 0 ? Buffer.allocUnsafe(size) : Buffer.alloc(size);
    } else {
      const kind = random(3);
      if (kind === 0) buf = Buffer.allocUnsafe(1 + random(512));
      else if (kind === 1) buf = Buffer.from(strings[random(strings.length)]);
      else buf = Buffer.alloc(1 + random(512));
    }
    buf[0] = i & 0xff;
    if (i % 100 === 0) kept.push(buf);
  }
  print({ ms: now() - start });
}

// (s) Server-like: 300 request handlers, each its own function at its own line of one generated
// script, allocating and slicing Buffers as a handler parsing a request and building a reply
// would, through shared helpers (so sites repeat under distinct call paths), called round-robin;
// one reply in 101 kept.
const kHandlers = 300;
function server() {
  const random = lcg(7);
  const handlers = [];
  for (let i = 0; i < kHandlers; i++) {
    const bodySize = 32 + random(480);
    const make = [`Buffer.allocUnsafe(${bodySize})`, `Buffer.alloc(${bodySize})`,
                  'Buffer.from(request.text)'][i % 3];
    handlers.push(`(function handler${i}(request, helpers) { ` +
                  `const body = ${make}; body.write(request.text, 0, 'latin1'); ` +
                  `const field = helpers.field(body, ${i % 16}); ` +
                  `return ${i % 4 === 0 ? 'helpers.reply(field, request.id)'
                                        : `body.subarray(0, ${8 + (i % 24)})`}; })`);
  }
  const table = require('node:vm').runInThisContext(`[\n${handlers.join(',\n')}\n]`,
                                                     { filename: 'server-handlers.js' });
  const helpers = {
    field: (body, index) => body.subarray(index, index + 8),
    reply: (field, id) => {
      const head = Buffer.allocUnsafe(12);
      head.writeUInt32BE(id, 0);
      head.writeUInt32BE(field.length, 4);
      return Buffer.concat([head, field]);
    },
  };
  const requests = Array.from({ length: 64 },
                              (_, id) => ({ id, text: `GET /item/${id} `.repeat(1 + (id % 8)) }));
  const start = now();
  for (let i = 0; i < 200000; i++) {
    const reply = table[i % kHandlers](requests[i % requests.length], helpers);
    if (i % 101 === 0) kept.push(reply);  // 101: prime to 300, so every handler has replies kept
  }
  print({ ms: now() - start });
}

// (b) A realistic stream: length-prefixed messages over a loopback socket, parsed with
// subarray, 1% kept.
function stream() {
  const net = require('node:net');
  const kMessages = 40000;
  const server = net.createServer((socket) => {
    let pending = null;
    let received = 0;
    socket.on('data', (chunk) => {
      let data = pending === null ? chunk : Buffer.concat([pending, chunk]);
      let offset = 0;
      while (data.length - offset >= 4) {
        const length = data.readUInt32BE(offset);
        if (data.length - offset - 4 < length) break;
        const message = data.subarray(offset + 4, offset + 4 + length);
        if (received % 100 === 0) kept.push(message);
        received++;
        offset += 4 + length;
      }
      pending = offset === data.length ? null : data.subarray(offset);
      if (received === kMessages) {
        print({ ms: now() - start });
        socket.destroy();
        server.close();
      }
    });
  });
  let start = 0;
  server.listen(0, '127.0.0.1', () => {
    const client = net.connect(server.address().port, '127.0.0.1', () => {
      start = now();
      for (let i = 0; i < kMessages; i++) {
        const body = Buffer.from(`message ${i} `.repeat(1 + (i % 20)));
        const header = Buffer.allocUnsafe(4);
        header.writeUInt32BE(body.length);
        client.write(header);
        client.write(body);
      }
      client.end();
    });
    client.on('error', () => {});
  });
}

// (c) Report cost: getLeakStats() with <views> live tracked views (median of 5 calls).
function report(views) {
  for (let i = 0; i < views; i++) kept.push(Buffer.allocUnsafe(16));
  setTimeout(() => {  // the seed tags a buffer only once its own timer has fired
    const times = [];
    let entries = 0;
    for (let i = 0; i < 5; i++) {
      const start = now();
      const overview = getLeakStats();
      times.push(now() - start);
      entries = overview.slabLeaks.reduce((sum, entry) => sum + entry.amount, 0);
    }
    times.sort((a, b) => a - b);
    print({ ms: times[2], trackedViews: entries });
  }, 50);
}

// (e) The pause a report's full collection adds, on a heap of <MB> megabytes of small linked
// objects (the worst case for marking): getLeakStats() with and without its collection.
function pause(megabytes) {
  const heap = [];
  let previous = null;
  while (process.memoryUsage().heapUsed < megabytes * 1e6) {
    for (let i = 0; i < 100000; i++) {
      previous = { id: i, name: `object ${i}`, previous };
      if (i % 100 === 0) { heap.push(previous); previous = null; }
    }
  }
  for (let i = 0; i < 1000; i++) kept.push(Buffer.allocUnsafe(16));
  const time = (options) => {
    const times = [];
    for (let i = 0; i < 3; i++) {
      const start = now();
      getLeakStats(options);
      times.push(now() - start);
    }
    return times.sort((a, b) => a - b)[1];
  };
  print({ ms: time(), withoutCollectionMs: time({ collect: false }),
          heapMB: Math.round(process.memoryUsage().heapUsed / 1e6), objects: heap.length * 100 });
}

// (d) Memory: `views` live small Buffers; the caller subtracts the untracked run's figure.
function memory(views) {
  gc();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < views; i++) kept.push(Buffer.allocUnsafe(16));
  // Time for V8's background threads to give back the pages the collection freed.
  setTimeout(() => {
    gc();
    setTimeout(() => print({ ms: 0, rssBytes: process.memoryUsage().rss - before, views: kept.length }),
               500);
  }, 50);
}

const sized = /^(pause|report|memory)(\d+)$/.exec(workload);
if (sized) ({ pause, report, memory })[sized[1]](Number(sized[2]));
else ({ alloc, mixed, server, stream })[workload]();
