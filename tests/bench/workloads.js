'use strict';

// One benchmark workload in one mode, timed from inside: prints {ms, ...} as JSON.
// Usage: BINARY workloads.js <alloc|stream|report|memory|pause<MB>> <untracked|ours|seed> [seed path]
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

// (c) Report cost: getLeakStats() with 100,000 live tracked views (median of 5 calls).
function report() {
  for (let i = 0; i < 100000; i++) kept.push(Buffer.allocUnsafe(16));
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

// (d) Memory: 300,000 live small Buffers; the caller subtracts the untracked run's figure.
function memory() {
  gc();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < 300000; i++) kept.push(Buffer.allocUnsafe(16));
  setTimeout(() => {
    gc();
    print({ ms: 0, rssBytes: process.memoryUsage().rss - before, views: kept.length });
  }, 50);
}

if (workload.startsWith('pause')) pause(Number(workload.slice('pause'.length)));
else ({ alloc, stream, report, memory })[workload]();
