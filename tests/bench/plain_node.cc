// plain-node: Node (18.20.4 or 24) from the same libnode, embedded the canonical way (Node's own
// allocator, Node's own choice of main script) with no tracker at all: the benchmarks'
// baseline for "slab-hunter-node with tracking off costs nothing".

#include <memory>
#include <string>
#include <vector>

#include "node.h"
#include "uv.h"

int main(int argc, char** argv) {
  argv = uv_setup_args(argc, argv);
  const std::vector<std::string> args(argv, argv + argc);
  // A unique_ptr on Node 18, a shared_ptr on 24.
  auto result = node::InitializeOncePerProcess(
      args, {node::ProcessInitializationFlags::kNoInitializeV8,
             node::ProcessInitializationFlags::kNoInitializeNodeV8Platform});
  for (const std::string& error : result->errors()) fprintf(stderr, "%s: %s\n", argv[0], error.c_str());
  if (result->early_return() != 0) return result->exit_code();

  std::unique_ptr<node::MultiIsolatePlatform> platform = node::MultiIsolatePlatform::Create(4);
  v8::V8::InitializePlatform(platform.get());
  v8::V8::Initialize();

  int exit_code = 1;
  {
    std::vector<std::string> errors;
    std::unique_ptr<node::CommonEnvironmentSetup> setup = node::CommonEnvironmentSetup::Create(
        platform.get(), &errors, result->args(), result->exec_args());
    if (setup) {
      v8::Locker locker(setup->isolate());
      v8::Isolate::Scope isolate_scope(setup->isolate());
      v8::HandleScope handle_scope(setup->isolate());
      v8::Context::Scope context_scope(setup->context());
      node::LoadEnvironment(setup->env(), node::StartExecutionCallback{});
      exit_code = node::SpinEventLoop(setup->env()).FromMaybe(1);
      node::Stop(setup->env());
    } else {
      for (const std::string& error : errors) fprintf(stderr, "%s: %s\n", argv[0], error.c_str());
    }
  }

  v8::V8::Dispose();
  v8::V8::DisposePlatform();
  node::TearDownOncePerProcess();
  return exit_code;
}
