'use strict';

// Leak = growth, in a real WebSocket server (npm `ws`, installed by tools/setup_examples.sh).
// The server keeps an audit log of every message's 16-byte header as a subarray of the message,
// which keeps the whole 32 KiB message alive (the leak), and a cache of the last 50 payloads,
// copied (it fills, then stays flat). Four clients in this process send for seven seconds, then
// everything closes and the program ends: by then the audit log is garbage, so the end-of-run
// totals miss the leak, and only the timeline (peaks, growth) shows it:
//
//   bash tools/setup_examples.sh
//   slab-hunter-node --slab-hunter-leak-cutoff=0 --slab-hunter-timeline=100 \
//     --slab-hunter-fail-on-growth=10MB --slab-hunter-stack-depth=1 examples/ws-server/server.js
//
// Which line the report names: the leak's memory is what the socket read (`at <native>`: no JS
// runs when Node reads) or, for a message split over two reads, the Buffer ws's receiver joins
// it into (node_modules/ws/lib/receiver.js); neither is this file. The views that keep that
// memory are: the audit's `subarray` below, a slab-retainer site whose first frame is its line
// at any stack depth. --slab-hunter-stack-depth=1 keeps the text to that line, and the site one
// whatever path led to it (a site is a whole stack, and ws can deliver a message at once or
// from a setImmediate).
//
// `server.js parsed` keeps what the header says rather than the header itself: no Buffer is
// kept per message, nothing grows.

const { WebSocket, WebSocketServer } = require('ws');

const kHeaderBytes = 16;
// At least 32 KiB, so that the cache's copies are never pooled, on either Node line.
const kPayloadBytes = 32 * 1024;
const kCachedPayloads = 50;
const kClients = 4;
const kSendEveryMs = 25;
const kLoadMs = 7000;

const auditMode = process.argv[2] || 'subarray';
if (auditMode !== 'subarray' && auditMode !== 'parsed') {
  throw new Error(`unknown audit mode '${auditMode}' (expected subarray or parsed)`);
}

function startServer() {
  const auditLog = [];
  const recentPayloads = new Map();  // insertion order: the first key is the oldest

  function onMessage(message) {
    const header = message.subarray(0, kHeaderBytes);
    const client = header.readUInt32BE(0);
    const sequence = header.readUInt32BE(4);
    if (auditMode === 'subarray') auditLog.push(header);
    else auditLog.push({ client, sequence });
    if (recentPayloads.size === kCachedPayloads) {
      recentPayloads.delete(recentPayloads.keys().next().value);
    }
    const payload = message.subarray(kHeaderBytes);
    recentPayloads.set(`${client}:${sequence}`, Buffer.from(payload));
  }

  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => socket.on('message', onMessage));
  return server;
}

function startClient(url, clientId) {
  const socket = new WebSocket(url);
  let sequence = 0;
  let timer;
  socket.on('open', () => {
    timer = setInterval(() => {
      const message = Buffer.alloc(kHeaderBytes + kPayloadBytes, clientId);
      message.writeUInt32BE(clientId, 0);
      message.writeUInt32BE(sequence++, 4);
      socket.send(message);
    }, kSendEveryMs);
  });
  return () => {
    clearInterval(timer);
    socket.close();
  };
}

const server = startServer();
server.on('listening', () => {
  const url = `ws://127.0.0.1:${server.address().port}`;
  const stopClients = [];
  for (let id = 1; id <= kClients; id++) stopClients.push(startClient(url, id));
  setTimeout(() => {
    for (const stop of stopClients) stop();
    server.close();
  }, kLoadMs);
});
