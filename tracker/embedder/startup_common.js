'use strict';

// The first part of both lines' start-up scripts (tools/embed_js.bzl puts start_execution.js,
// 18, or preload_node24.js, 24, after it): node:slab_hunter as one of Node's builtins, the
// serialized errors Node reads, and the -r preloads the embedder took off Node's command line
// (command_line.h).
//
// Parameters: process, require (Node's internal require), slabHunterModule (the builtin's
// compiled function), slabHunterBinding (its native side), preloads (array of strings).

const { BuiltinModule, internalBinding } = require('internal/bootstrap/realm');

const kBuiltinId = 'slab_hunter';

// Node's internal scripts take its primordials; the one module that hands them out also warns
// that it is for Node's own tests, which would be noise here.
function loadPrimordials() {
  const { emitWarning } = process;
  process.emitWarning = () => {};
  try {
    return require('internal/test/binding').primordials;
  } finally {
    process.emitWarning = emitWarning;
  }
}

// The module, run and in Node's builtin map; which names user code may require it by is the
// line's to say.
function addBuiltinModule(primordials) {
  const mod = new BuiltinModule(kBuiltinId);
  const bindings = (name) => (name === kBuiltinId ? slabHunterBinding : internalBinding(name));
  slabHunterModule(mod.exports, require, mod, process, bindings, primordials);
  mod.loaded = true;
  BuiltinModule.map.set(kBuiltinId, mod);
}

// Node hands a thread another thread's uncaught error (a Worker's) serialized, in a store of
// the receiving thread's that only Node's code reads, to turn it back into an error: the
// tracker is told which store, so that no report blames the program for it
// (serialized_errors.h). Every such error is read through internal/error_serdes, whose readers
// (internal/worker among them) take the function when they load, after this.
function noteSerializedErrors() {
  const serdes = require('internal/error_serdes');
  const { deserializeError } = serdes;
  const { noteSerializedError } = slabHunterBinding;
  serdes.deserializeError = (serialized) => {
    noteSerializedError(serialized);
    return deserializeError(serialized);
  };
}

function loadPreloads() {
  // Node exposes its preload list here (pre_execution.js addReadOnlyProcessAlias); the list it
  // has no longer holds them.
  Object.defineProperty(process, '_preload_modules', {
    __proto__: null,
    writable: false,
    configurable: true,
    enumerable: true,
    value: [...preloads],
  });
  if (preloads.length === 0) return;
  const { Module } = require('internal/modules/cjs/loader');
  Module._preloadModules(preloads);
}
