// Node 24: runs as LoadEnvironment's preload callback on the main thread and in every Worker
// (preload_node24.cc gives a Worker its own session first), after Node has set up
// its module loaders and before it loads the -r preloads and starts the main script itself:
// registers node:slab_hunter, then loads the preloads the embedder took off Node's command line
// (command_line.h), at the point where Node would load its own.
// (startup_common.js comes before this.)

function registerBuiltin() {
  addBuiltinModule(loadPrimordials());

  // Prefix-only, like node:test: `require('slab_hunter')` keeps meaning a package.
  const { canBeRequiredByUsers, canBeRequiredWithoutScheme, getSchemeOnlyModuleNames } =
    BuiltinModule;
  BuiltinModule.canBeRequiredByUsers = (id) => id === kBuiltinId || canBeRequiredByUsers(id);
  BuiltinModule.canBeRequiredWithoutScheme =
    (id) => id !== kBuiltinId && canBeRequiredWithoutScheme(id);
  BuiltinModule.getSchemeOnlyModuleNames = () => [...getSchemeOnlyModuleNames(), kBuiltinId];
}

noteSerializedErrors();
registerBuiltin();
loadPreloads();
