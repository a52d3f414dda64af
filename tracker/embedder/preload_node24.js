'use strict';

// Node 24: runs as LoadEnvironment's preload callback on the main thread and in every Worker
// (preload_node24.cc gives a Worker its own session first), after Node has set up
// its module loaders and before it loads the -r preloads and starts the main script itself:
// registers node:slab_hunter, then loads the preloads the embedder took off Node's command line
// (command_line.h), at the point where Node would load its own.
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

function registerBuiltin() {
  const mod = new BuiltinModule(kBuiltinId);
  const bindings = (name) => (name === kBuiltinId ? slabHunterBinding : internalBinding(name));
  slabHunterModule(mod.exports, require, mod, process, bindings, loadPrimordials());
  mod.loaded = true;
  BuiltinModule.map.set(kBuiltinId, mod);

  // Prefix-only, like node:test: `require('slab_hunter')` keeps meaning a package.
  const { canBeRequiredByUsers, canBeRequiredWithoutScheme, getSchemeOnlyModuleNames } =
    BuiltinModule;
  BuiltinModule.canBeRequiredByUsers = (id) => id === kBuiltinId || canBeRequiredByUsers(id);
  BuiltinModule.canBeRequiredWithoutScheme =
    (id) => id !== kBuiltinId && canBeRequiredWithoutScheme(id);
  BuiltinModule.getSchemeOnlyModuleNames = () => [...getSchemeOnlyModuleNames(), kBuiltinId];
}

function loadPreloads() {
  // Node shows its own preload list here (pre_execution.js addReadOnlyProcessAlias), which no
  // longer has them.
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

registerBuiltin();
loadPreloads();
