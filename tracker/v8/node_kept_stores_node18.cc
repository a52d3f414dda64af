#include "tracker/v8/node_kept_stores.h"

namespace slab_hunter {

// Node 18 keeps no store of its own: it shrinks a socket read's store to the bytes read
// (BackingStore::Reallocate) and hands it to JS, and frees the store of an empty read.
std::vector<uintptr_t> StoresNodeKeeps(v8::Local<v8::Context>, const Tracker&) { return {}; }

}  // namespace slab_hunter
