// Values between V8 and the tracker: strings both ways. One place, so that every caller meets
// V8's limits the same way.
#ifndef SLAB_HUNTER_TRACKER_V8_V8_VALUES_H_
#define SLAB_HUNTER_TRACKER_V8_V8_VALUES_H_

#include <string>
#include <string_view>

#include "v8.h"

namespace slab_hunter {

// `text` (UTF-8) as a JS string. Past V8's string length limit: empty, with a RangeError thrown
// (as JS's own "Invalid string length"), so a caller only has to pass the failure on.
v8::MaybeLocal<v8::String> NewString(v8::Isolate* isolate, std::string_view text,
                                     v8::NewStringType type = v8::NewStringType::kNormal);

// `value` as UTF-8; "" for an empty handle.
std::string ToUtf8(v8::Isolate* isolate, v8::Local<v8::Value> value);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_V8_VALUES_H_
