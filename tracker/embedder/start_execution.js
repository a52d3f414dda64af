// Runs as the embedder's StartExecutionCallback, after Node has prepared the main thread
// (internal/main/environment) and before any user code: registers node:slab_hunter, loads the
// -r preloads (taken off Node's command line so that they can require it), then picks the
// program's main exactly as Node's own StartExecution (src/node.cc) would: the same
// internal/main/* script, with its preparation step reduced to what is not done yet.
// (startup_common.js comes before this.)

const { getOptionValue } = require('internal/options');

const primordials = loadPrimordials();

function registerBuiltin() {
  addBuiltinModule(primordials);
  BuiltinModule.allowRequireByUsers(kBuiltinId);

  // Prefix-only, like node:test: `require('slab_hunter')` keeps meaning a package.
  const withoutScheme = BuiltinModule.canBeRequiredWithoutScheme;
  BuiltinModule.canBeRequiredWithoutScheme = (id) => id !== kBuiltinId && withoutScheme(id);
  const withoutSchemeList = BuiltinModule.getCanBeRequiredByUsersWithoutSchemeList;
  BuiltinModule.getCanBeRequiredByUsersWithoutSchemeList =
    () => withoutSchemeList().filter((id) => id !== kBuiltinId);
  const schemeOnly = BuiltinModule.getSchemeOnlyModuleNames;
  BuiltinModule.getSchemeOnlyModuleNames = () => [...schemeOnly(), kBuiltinId];
}

// src/node.cc StartExecution, for the main thread of a non-snapshot build.
function selectMain() {
  const firstArgv = process.argv[1];
  if (firstArgv === 'inspect') return 'internal/main/inspect';
  if (getOptionValue('--build-snapshot')) return 'internal/main/mksnapshot';
  if (getOptionValue('--help')) return 'internal/main/print_help';
  if (getOptionValue('--prof-process')) return 'internal/main/prof_process';
  if (getOptionValue('[has_eval_string]') && !getOptionValue('--interactive')) {
    return 'internal/main/eval_string';
  }
  if (getOptionValue('--check')) return 'internal/main/check_syntax';
  if (getOptionValue('--test')) return 'internal/main/test_runner';
  if (getOptionValue('--watch')) return 'internal/main/watch_mode';
  if (firstArgv && firstArgv !== '-') return 'internal/main/run_main_module';
  if (getOptionValue('--interactive') || internalBinding('util').guessHandleType(0) === 'TTY') {
    return 'internal/main/repl';
  }
  return 'internal/main/eval_stdin';
}

// Main scripts that do not load user modules in Node (the watch-mode supervisor, snapshot
// building) must not get the preloads either.
const kMainsWithoutUserModules = ['internal/main/watch_mode', 'internal/main/mksnapshot'];

// internal/process/pre_execution as the main script sees it: the preparation already ran in
// internal/main/environment, all but expanding process.argv[1] into the entry point's path.
function preparedExecution() {
  const preExecution = require('internal/process/pre_execution');
  return {
    __proto__: null,
    ...preExecution,
    prepareMainThreadExecution(expandArgv1 = false) {
      let mainEntry;
      if (expandArgv1 && process.argv[1] && !process.argv[1].startsWith('-')) {
        try {
          mainEntry = require('path').resolve(process.argv[1]);
          process.argv[1] = mainEntry;
        } catch {
          // As Node: continue regardless.
        }
      }
      return mainEntry;
    },
    markBootstrapComplete() {},
  };
}

// The main script and its arguments; the embedder calls it, so that no frame of this script
// sits under the program's own frames in its stack traces.
function prepareMain(mainId) {
  const preExecution = preparedExecution();
  const mainRequire = (id) => (id === 'internal/process/pre_execution' ? preExecution : require(id));
  const main = internalBinding('builtins').compileFunction(mainId);
  return [main, process, mainRequire, internalBinding, primordials];
}

noteSerializedErrors();
registerBuiltin();
const mainId = selectMain();
if (!kMainsWithoutUserModules.includes(mainId)) loadPreloads();
return prepareMain(mainId);
