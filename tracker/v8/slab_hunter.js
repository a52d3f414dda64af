'use strict';

// node:slab_hunter: the API of npm slab-hunter 1.2.1 on the C++ tracker. Compiled as Node
// compiles its own builtins (exports, require, module, process, internalBinding, primordials);
// the tracker's native side is internalBinding('slab_hunter').
//
// The wrappers below are the only JS on the allocation path: they mark a Buffer call in a
// shared counter (so the allocator knows a store belongs to it) and hand the result to
// trackView. Everything else happens in C++, and analysis only when a report is asked for.

const {
  ObjectDefineProperty,
  ObjectGetOwnPropertyDescriptor,
  ReflectApply,
  SymbolFor,
  TypedArrayPrototype,
} = primordials;

const { Buffer } = require('buffer');
const { validateNumber } = require('internal/validators');

const binding = internalBinding('slab_hunter');
const { callDepth, trackView, trackedCallFailed } = binding;

// Must match ViewApi in tracker/core/records.h.
const kAllocUnsafe = 0;
const kAllocUnsafeSlow = 1;
const kAlloc = 2;
const kFrom = 3;
const kConcat = 4;
const kSubarray = 5;
const kSlice = 6;

const kDefaultLeakCutoffMs = 60 * 1000;
const kDefaultBigBufferCutoff = 4000;

function isBuffer(value) {
  return value instanceof Buffer;
}

// Calls `original` as a tracked Buffer call. Only the outermost call is tracked: Buffer APIs
// call each other (slice -> subarray, concat -> allocUnsafe) and the user's call is the one
// that matters.
function callTracked(original, receiver, args, api) {
  if (callDepth[0] !== 0) return ReflectApply(original, receiver, args);
  callDepth[0] = 1;
  let result;
  try {
    result = ReflectApply(original, receiver, args);
  } catch (error) {
    callDepth[0] = 0;
    trackedCallFailed();
    throw error;
  }
  callDepth[0] = 0;
  trackView(result, api);
  return result;
}

// Replaces target[name] by a wrapper with the same name, length and property attributes.
function replaceMethod(target, name, makeWrapper) {
  const descriptor = ObjectGetOwnPropertyDescriptor(target, name);
  const original = descriptor.value;
  const wrapper = makeWrapper(original);
  ObjectDefineProperty(wrapper, 'name', { __proto__: null, value: original.name });
  ObjectDefineProperty(wrapper, 'length', { __proto__: null, value: original.length });
  ObjectDefineProperty(target, name, { __proto__: null, ...descriptor, value: wrapper });
}

// Buffer's own functions are plain functions (constructible, with a prototype); so are these.
function wrapBufferFunction(target, name, api) {
  replaceMethod(target, name, (original) => function() {
    return callTracked(original, this, arguments, api);
  });
}

let hooksInstalled = false;

function installHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  wrapBufferFunction(Buffer, 'allocUnsafe', kAllocUnsafe);
  wrapBufferFunction(Buffer, 'allocUnsafeSlow', kAllocUnsafeSlow);
  wrapBufferFunction(Buffer, 'alloc', kAlloc);
  wrapBufferFunction(Buffer, 'from', kFrom);
  wrapBufferFunction(Buffer, 'concat', kConcat);
  wrapBufferFunction(Buffer.prototype, 'subarray', kSubarray);
  wrapBufferFunction(Buffer.prototype, 'slice', kSlice);
  // Uint8Array.prototype.subarray.call(buffer) makes a Buffer too (Buffer[Symbol.species]).
  // The builtin is a method (no prototype, not a constructor), so the wrapper is one as well.
  replaceMethod(TypedArrayPrototype, 'subarray', (original) => ({
    subarray(start, end) {
      if (!isBuffer(this)) return ReflectApply(original, this, arguments);
      return callTracked(original, this, arguments, kSubarray);
    },
  }).subarray);
}

class LeakOverview {
  #text;
  #totalBigBufferLeaks;
  #totalSlabLeaks;

  constructor(analysis) {
    this.bigBufferLeaks = analysis.bigBufferLeaks;
    this.slabLeaks = analysis.slabLeaks;
    this.#text = analysis.text;
    this.#totalBigBufferLeaks = analysis.totalBigBufferLeaks;
    this.#totalSlabLeaks = analysis.totalSlabLeaks;
  }

  get totalBigBufferLeaks() {
    return this.#totalBigBufferLeaks;
  }

  get totalSlabLeaks() {
    return this.#totalSlabLeaks;
  }

  toString() {
    return this.#text;
  }

  [SymbolFor('nodejs.util.inspect.custom')]() {
    return this.#text;
  }
}

function setupSlabHunter(msLeakCutoff = kDefaultLeakCutoffMs,
                         bigBufferCutoff = kDefaultBigBufferCutoff) {
  validateNumber(msLeakCutoff, 'msLeakCutoff', 0);
  validateNumber(bigBufferCutoff, 'bigBufferCutoff', 0);
  installHooks();
  const since = binding.start();
  return function getLeakStats() {
    return new LeakOverview(binding.analyze(msLeakCutoff, bigBufferCutoff, since));
  };
}

module.exports = setupSlabHunter;
// Named exports, for `import { setupSlabHunter } from 'node:slab_hunter'`.
setupSlabHunter.setupSlabHunter = setupSlabHunter;
setupSlabHunter.LeakOverview = LeakOverview;
