// slab-hunter-node: Node (18.20.4 or 24) with the slab tracker built in. Setup, run, teardown,
// as Node's test/embedding/embedtest.cc, with the tracking allocator given to the isolate and
// node:slab_hunter registered before user code runs (what differs by line: node_line.h).

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "node.h"
#include "tracker/embedder/command_line.h"
#include "tracker/embedder/merge_reports.h"
#include "tracker/embedder/node_line.h"
#include "tracker/v8/end_of_run.h"
#include "tracker/v8/session.h"
#include "uv.h"

namespace {

int RunNodeInstance(node::MultiIsolatePlatform* platform, const std::vector<std::string>& args,
                    const std::vector<std::string>& exec_args,
                    const std::vector<std::string>& preloads) {
  slab_hunter::Session& session = slab_hunter::Session::Main();
  slab_hunter::Session::SetCurrent(&session);
  uv_loop_t loop;
  if (int error = uv_loop_init(&loop); error != 0) {
    fprintf(stderr, "%s: failed to initialize the event loop: %s\n", args[0].c_str(),
            uv_err_name(error));
    return 1;
  }
  std::shared_ptr<slab_hunter::TrackingAllocator> allocator =
      slab_hunter::node_line::NewTrackingAllocator(session);
  v8::Isolate* isolate = node::NewIsolate(allocator, &loop, platform);
  if (isolate == nullptr) {
    fprintf(stderr, "%s: failed to create the V8 isolate\n", args[0].c_str());
    return 1;
  }
  session.AttachIsolate(isolate);

  int exit_code = 1;
  {
    v8::Locker locker(isolate);
    v8::Isolate::Scope isolate_scope(isolate);
    std::unique_ptr<node::IsolateData, decltype(&node::FreeIsolateData)> isolate_data(
        node::CreateIsolateData(isolate, &loop, platform, allocator.get()),
        node::FreeIsolateData);
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = node::NewContext(isolate);
    if (context.IsEmpty()) {
      fprintf(stderr, "%s: failed to create the V8 context\n", args[0].c_str());
    } else {
      v8::Context::Scope context_scope(context);
      std::unique_ptr<node::Environment, decltype(&node::FreeEnvironment)> env(
          node::CreateEnvironment(isolate_data.get(), context, args, exec_args),
          node::FreeEnvironment);
      // As Node's own main: an exception thrown while starting is reported by Node, and the
      // event loop still runs (process 'exit' handlers, the exit code).
      slab_hunter::node_line::LoadEnvironment(env.get(), preloads);
      exit_code = node::SpinEventLoop(env.get()).FromMaybe(1);
      // The flags' end of run, after the program's 'exit' listeners.
      exit_code = slab_hunter::EndOfRunExitStatus(exit_code);
      node::Stop(env.get());
    }
  }

  platform->DrainTasks(isolate);
  session.AttachIsolate(nullptr);
  slab_hunter::node_line::DisposeIsolate(platform, isolate);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  argv = uv_setup_args(argc, argv);
  const std::vector<std::string> original_args(argv, argv + argc);
  // A merge of reports runs no program: Node is never started.
  if (slab_hunter::IsMergeCommandLine(original_args)) return slab_hunter::RunMerge(original_args);

  // Node must not see the preloads (see command_line.h). NODE_OPTIONS is restored right after
  // Node has read it, so the program and its children see the variable as it was.
  const char* node_options = std::getenv("NODE_OPTIONS");
  const slab_hunter::SplitCommandLine split =
      slab_hunter::SplitNodeCommandLine(original_args, node_options);
  if (auto error = slab_hunter::ReadHuntSettings(split, std::getenv("SLAB_HUNTER_OPTIONS"),
                                                 &slab_hunter::Session::settings())) {
    fprintf(stderr, "%s: %s\n", original_args[0].c_str(), error->c_str());
    return slab_hunter::kInvalidArgumentExitCode;
  }
  const std::string original_node_options = node_options != nullptr ? node_options : "";
  if (split.node_options) setenv("NODE_OPTIONS", split.node_options->c_str(), 1);
  // A unique_ptr on Node 18, a shared_ptr on 24.
  auto result = node::InitializeOncePerProcess(
      split.node_argv, {node::ProcessInitializationFlags::kNoInitializeV8,
                        node::ProcessInitializationFlags::kNoInitializeNodeV8Platform});
  if (split.node_options) setenv("NODE_OPTIONS", original_node_options.c_str(), 1);

  for (const std::string& error : result->errors()) {
    fprintf(stderr, "%s: %s\n", original_args[0].c_str(), error.c_str());
  }
  if (result->early_return() != 0) return result->exit_code();

  std::unique_ptr<node::MultiIsolatePlatform> platform = node::MultiIsolatePlatform::Create(4);
  v8::V8::InitializePlatform(platform.get());
  v8::V8::Initialize();

  const std::vector<std::string> exec_args =
      slab_hunter::OriginalExecArgs(original_args, split, result->exec_args().size());
  const int exit_code = RunNodeInstance(platform.get(), result->args(), exec_args, split.preloads);

  v8::V8::Dispose();
  v8::V8::DisposePlatform();
  node::TearDownOncePerProcess();
  return exit_code;
}
