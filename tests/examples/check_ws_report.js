'use strict';

// Checks one run of examples/ws-server/server.js against what the example does (run by the
// binary under test, from tests/examples/run.sh):
//   node check_ws_report.js subarray|parsed SERVER_JS REPORT_JSON STDERR_FILE GATE_BYTES_PER_MIN

const assert = require('node:assert');
const fs = require('node:fs');

// server.js's lines: the audit's `subarray` of every message (the leak) and the copy each
// cached payload is (the cache); its constants: 50 cached payloads of 32 KiB.
const kLeakLine = 45;
const kCacheLine = 54;
const kCachedPayloads = 50;
const kPayloadBytes = 32 * 1024;

const [mode, serverJs, reportFile, stderrFile, gateArg] = process.argv.slice(2);
const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
const stderr = fs.readFileSync(stderrFile, 'utf8');
const gateBytesPerMinute = Number(gateArg);

const sources = fs.readFileSync(serverJs, 'utf8').split('\n');
assert.match(sources[kLeakLine - 1], /\.subarray\(0, kHeaderBytes\)/,
             `${serverJs}:${kLeakLine} should be the audit's subarray: update kLeakLine`);
assert.match(sources[kCacheLine - 1], /Buffer\.from\(/,
             `${serverJs}:${kCacheLine} should be the cache's copy: update kCacheLine`);

// Every site of the report, wherever it is listed: held at the end, or at its peak only.
const listed = (list, kind) => report[list].map((entry) => ({ kind, ...entry, list }));
const sites = [
  ...listed('bigBufferLeaks', 'bigBuffer'),
  ...listed('slabLeaks', 'slab'),
  ...listed('peakOnlySites'),
];
const describe = (site) => `${site.list} ${site.kind} ${site.location.split('\n')[0]} ` +
  `${JSON.stringify(site.growth)} peak ${site.peakBytes}`;
const all = sites.map(describe).join('\n');
// A store no JS was running for (`at <native>`: the socket's reads) has no frames.
const inServerJs = (site) => site.frames.length > 0 && site.frames[0].file === serverJs;
const at = (line) => sites.filter((site) => inServerJs(site) && site.frames[0].line === line);
const growing = sites.filter((site) => site.growth.verdict === 'growing');

// The cache: its 50 payloads once full, never more (it evicts before it adds), and gone with
// the server at the end.
const cache = at(kCacheLine);
assert.strictEqual(cache.length, 1, all);
assert.strictEqual(cache[0].kind, 'bigBuffer', all);
assert.strictEqual(cache[0].list, 'peakOnlySites', all);
assert.strictEqual(cache[0].peakBytes, kCachedPayloads * kPayloadBytes, all);
assert.deepStrictEqual(cache[0].growth, { verdict: 'steady', bytesPerMinute: 0 }, all);

if (mode === 'subarray') {
  // The leak: the views the audit keeps, one site at the subarray's line, growing faster than
  // the gate allows, and gone from the end-of-run totals (the server closed first).
  const leak = at(kLeakLine);
  assert.strictEqual(leak.length, 1, all);
  assert.strictEqual(leak[0].kind, 'slab', all);
  assert.strictEqual(leak[0].list, 'peakOnlySites', all);
  const series = report.timeline.sites.find((site) => site.kind === 'slab' &&
                                                      site.location === leak[0].location);
  assert.strictEqual(leak[0].growth.verdict, 'growing',
                     `${all}\nthe leak's points: ${JSON.stringify(series && series.bytes)} at ` +
                     `${JSON.stringify(report.timeline.atMs)} ms`);
  assert.ok(leak[0].growth.bytesPerMinute > gateBytesPerMinute, all);
  // The audit keeps every message, the cache 50 of them.
  assert.ok(leak[0].peakBytes > cache[0].peakBytes, all);
  // No other line of the example grows (what grows beside it is the stores its views keep:
  // the socket's reads, ws's joined messages).
  assert.deepStrictEqual(growing.filter(inServerJs), leak, all);
  // The gate's text names the leak's line, never the cache's.
  const gateLine = 'slab-hunter-node: growth budget exceeded ' +
    `(${gateBytesPerMinute} bytes per minute): growing sites:\n`;
  const message = stderr.slice(stderr.indexOf(gateLine));
  assert.ok(message.startsWith(gateLine), stderr);
  assert.match(message, new RegExp(`\n  \\+[\\d.]+ \\w+/min slab retainers at .*` +
                                   `${escape(serverJs)}:${kLeakLine}:\\d+\\)?\n`), stderr);
  assert.ok(!message.includes(`${serverJs}:${kCacheLine}:`), stderr);
} else if (mode === 'parsed') {
  // No Buffer kept per message: nothing grows, no site at the subarray's line.
  assert.deepStrictEqual(growing, [], all);
  assert.deepStrictEqual(at(kLeakLine), [], all);
  assert.ok(!stderr.includes('growth budget exceeded'), stderr);
} else {
  throw new Error(`unknown mode '${mode}' (expected subarray or parsed)`);
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
