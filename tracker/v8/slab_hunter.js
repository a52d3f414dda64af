'use strict';

// node:slab_hunter: the API of npm slab-hunter 1.2.1 on the C++ tracker. Compiled as Node
// compiles its own builtins (exports, require, module, process, internalBinding, primordials);
// the tracker's native side is internalBinding('slab_hunter').
//
// No JS of ours is on the allocation path: the Buffer APIs are replaced by C++ stand-ins
// (tracker/v8/wrappers.h) that mark the call, run the original and track the Buffer it
// returns. Everything else happens in C++, and analysis only when a report is asked for.

const {
  ArrayPrototypeIndexOf,
  ArrayPrototypePush,
  FunctionPrototype,
  ObjectDefineProperty,
  ObjectGetOwnPropertyDescriptor,
  ReflectConstruct,
  SymbolFor,
  TypedArrayPrototype,
} = primordials;

const { Buffer } = require('buffer');
const { validateBoolean, validateNumber, validateObject } = require('internal/validators');
const { ERR_INVALID_STATE } = require('internal/errors').codes;

const binding = internalBinding('slab_hunter');

const kDefaultLeakCutoffMs = 60 * 1000;
const kDefaultBigBufferCutoff = 4000;
const kNoOptions = { __proto__: null };
const kUncollectedNote = '\n(made without a full collection first: it may count Buffers that ' +
  'are no longer reachable)';

// [object, property, tracked receivers]: each function is replaced by a C++ stand-in. The
// property is the Buffer API's name as the tracker knows it (ViewApi in
// tracker/core/records.h), or toString: Function.prototype.toString's stand-in gives each
// original's source text for its stand-in. With tracked receivers, only calls on a Uint8Array
// inheriting from that object are tracked: Uint8Array.prototype.subarray.call(buffer) makes a
// Buffer too (Buffer[Symbol.species]), other typed arrays pass straight through.
const hooks = [
  [Buffer, 'allocUnsafe'],
  [Buffer, 'allocUnsafeSlow'],
  [Buffer, 'alloc'],
  [Buffer, 'from'],
  [Buffer, 'concat'],
  [Buffer.prototype, 'subarray'],
  [Buffer.prototype, 'slice'],
  [TypedArrayPrototype, 'subarray', Buffer.prototype],
  [FunctionPrototype, 'toString'],
];

let hooksInstalled = false;

// Replaces each hooked function by its stand-in, keeping name, length and property attributes;
// all or nothing, so a program whose functions cannot be replaced is left exactly as it was.
function installHooks() {
  if (hooksInstalled) return;
  const descriptors = [];
  const originals = [];
  const names = [];
  const trackedReceivers = [];
  for (let i = 0; i < hooks.length; i++) {
    const { 0: target, 1: name, 2: receivers } = hooks[i];
    const descriptor = ObjectGetOwnPropertyDescriptor(target, name);
    if (typeof descriptor?.value !== 'function' ||
        !(descriptor.configurable || descriptor.writable)) {
      throw new ERR_INVALID_STATE(
        `node:slab_hunter cannot track Buffers: ${name} has been frozen or replaced by an ` +
        'accessor (as --frozen-intrinsics does)');
    }
    ArrayPrototypePush(descriptors, descriptor);
    ArrayPrototypePush(originals, descriptor.value);
    ArrayPrototypePush(names, name);
    ArrayPrototypePush(trackedReceivers, receivers);
  }
  const standIns = binding.makeWrappers(originals, names, trackedReceivers, ReflectConstruct);
  for (let i = 0; i < hooks.length; i++) {
    const { 0: target, 1: name } = hooks[i];
    const original = originals[i];
    const standIn = standIns[i];
    ObjectDefineProperty(standIn, 'length', { __proto__: null, value: original.length });
    ObjectDefineProperty(standIn, 'name', { __proto__: null, value: original.name });
    if (descriptors[i].configurable) {
      ObjectDefineProperty(target, name, { __proto__: null, ...descriptors[i], value: standIn });
    } else {
      target[name] = standIn;
    }
  }
  hooksInstalled = true;
}

class LeakOverview {
  // Declared as fields, so they are defined as own properties: an assignment would run a
  // setter a program put on Object.prototype.
  bigBufferLeaks;
  slabLeaks;
  #text;
  #totalBigBufferLeaks;
  #totalSlabLeaks;
  #totalUnreferencedBytes;
  #interval95;
  #sampleIntervalBytes;
  #sampleSeed;

  constructor(analysis) {
    // The seed's documentation calls a big entry's total `totalSize`, its code
    // `totalLeakedBytes`: programs written against either keep working. The alias is not
    // enumerable, so the entries' fields are the documented ones. (An index loop: for-of would
    // call Array.prototype[Symbol.iterator], which a program can replace.)
    const big = analysis.bigBufferLeaks;
    for (let i = 0; i < big.length; i++) {
      ObjectDefineProperty(big[i], 'totalLeakedBytes', {
        __proto__: null, value: big[i].totalSize, enumerable: false,
      });
    }
    this.bigBufferLeaks = big;
    this.slabLeaks = analysis.slabLeaks;
    this.#text = analysis.text;
    this.#totalBigBufferLeaks = analysis.totalBigBufferLeaks;
    this.#totalSlabLeaks = analysis.totalSlabLeaks;
    this.#totalUnreferencedBytes = analysis.totalUnreferencedBytes;
    this.#interval95 = analysis.interval95 ?? null;
    this.#sampleIntervalBytes = analysis.sampleIntervalBytes ?? null;
    this.#sampleSeed = analysis.sampleSeed ?? null;
  }

  // Sampled (--slab-hunter-sample-bytes): the mean interval, the seed (a string of digits) and
  // the totals' 95% confidence intervals ({ totalBigBufferLeaks: [low, high], ... }); every
  // entry then has its own `interval95`. Null when every Buffer is tracked.
  get sampleIntervalBytes() {
    return this.#sampleIntervalBytes;
  }

  get sampleSeed() {
    return this.#sampleSeed;
  }

  get interval95() {
    return this.#interval95;
  }

  get totalBigBufferLeaks() {
    return this.#totalBigBufferLeaks;
  }

  get totalSlabLeaks() {
    return this.#totalSlabLeaks;
  }

  // Bytes of the reported backing stores that no live view covers, each byte counted once
  // (the two totals above can count a byte twice).
  get totalUnreferencedBytes() {
    return this.#totalUnreferencedBytes;
  }

  toString() {
    return this.#text;
  }

  [SymbolFor('nodejs.util.inspect.custom')]() {
    return this.#text;
  }
}

// The timeline: every timelineMs, what each site holds (no collection first), so that reports
// can say each site's peak and growth. Started once, by the flags or the first setup, with
// their cut-offs; its timer never keeps the program alive.
function startTimeline(leakCutoffMs, bigBufferCutoff, since) {
  const ms = binding.settings.timelineMs;
  if (ms > 0 && binding.startTimeline(leakCutoffMs, bigBufferCutoff, since)) {
    setInterval(binding.timelineTick, ms).unref();
  }
}

function setupSlabHunter(msLeakCutoff = kDefaultLeakCutoffMs,
                         bigBufferCutoff = kDefaultBigBufferCutoff) {
  validateNumber(msLeakCutoff, 'msLeakCutoff', 0);
  validateNumber(bigBufferCutoff, 'bigBufferCutoff', 0);
  installHooks();
  const since = binding.start();
  startTimeline(msLeakCutoff, bigBufferCutoff, since);
  // { verify: true } adds each entry's `heapViews`, found in a V8 heap snapshot.
  return function getLeakStats(options = kNoOptions) {
    validateObject(options, 'options');
    const { verify = false, collect = true } = options;
    validateBoolean(verify, 'options.verify');
    validateBoolean(collect, 'options.collect');
    // One full collection first, so that only reachable Buffers are counted.
    if (collect) binding.collectGarbage();
    const analysis = binding.analyze(msLeakCutoff, bigBufferCutoff, since, verify, collect);
    if (!collect) analysis.text += kUncollectedNote;
    return new LeakOverview(analysis);
  };
}

// Hunting from the flags (slab-hunter-node --slab-hunter...): tracking from the start, before
// any user code; the overview on stderr every interval and on the report signal; at the end of
// the run - its exit, or SIGINT/SIGTERM it has no listener for, even in a synchronous loop - a
// full GC, the JSON report and the leak budgets (all in C++: end_of_run.h). A Worker only
// tracks: the main thread's report takes what it holds when it ends (worker_sessions.h).
function huntFromFlags(settings) {
  installHooks();
  const since = binding.start();
  if (!settings.mainThread) return;
  startTimeline(settings.leakCutoffMs, settings.bigBufferCutoff, since);
  const signalListeners = binding.watchEnding(since);
  if (settings.intervalMs > 0) setInterval(binding.printOverview, settings.intervalMs).unref();

  // A signal the program listens for is its own: it ends (and reports) as the program decides.
  const endingSignals = ['SIGINT', 'SIGTERM'];
  process.on('newListener', (event) => {
    const index = ArrayPrototypeIndexOf(endingSignals, event);
    if (index !== -1) signalListeners[index] = process.listenerCount(event) + 1;
  });
  process.on('removeListener', (event) => {
    const index = ArrayPrototypeIndexOf(endingSignals, event);
    if (index !== -1) signalListeners[index] = process.listenerCount(event);
  });
}

if (binding.settings.trackFromStart) {
  try {
    huntFromFlags(binding.settings);
  } catch (error) {
    // As a bad flag value: one line and Node's status for invalid arguments, before any user
    // code (on 18, --frozen-intrinsics has frozen the Buffer APIs before this runs; 24 runs it
    // first).
    process.stderr.write(`${process.argv0}: --slab-hunter: ${error.message}\n`);
    process.reallyExit(binding.settings.invalidArgumentExitCode);
  }
}

module.exports = setupSlabHunter;
// Named exports, for `import { setupSlabHunter } from 'node:slab_hunter'`.
setupSlabHunter.setupSlabHunter = setupSlabHunter;
setupSlabHunter.LeakOverview = LeakOverview;
