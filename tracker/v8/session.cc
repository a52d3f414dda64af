#include "tracker/v8/session.h"

namespace slab_hunter {

Session& Session::Get() {
  // Never destroyed: the allocator may still free backing stores during process teardown.
  static Session* session = new Session();
  return *session;
}

}  // namespace slab_hunter
