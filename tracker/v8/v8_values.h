// Values between V8 and the tracker: strings both ways, and the plain JS objects and arrays the
// binding hands out. One place, so that every result is built the same safe way.
#ifndef SLAB_HUNTER_TRACKER_V8_V8_VALUES_H_
#define SLAB_HUNTER_TRACKER_V8_V8_VALUES_H_

#include <string>
#include <string_view>
#include <vector>

#include "v8.h"

namespace slab_hunter {

// `text` (UTF-8) as a JS string. Past V8's string length limit: empty, with a RangeError thrown
// (as JS's own "Invalid string length"), so a caller only has to pass the failure on.
v8::MaybeLocal<v8::String> NewString(v8::Isolate* isolate, std::string_view text,
                                     v8::NewStringType type = v8::NewStringType::kNormal);

// `value` as UTF-8; "" for an empty handle.
std::string ToUtf8(v8::Isolate* isolate, v8::Local<v8::Value> value);

// A plain object of own data properties, as an object literal makes it: accessors a program has
// put on Object.prototype are never called. The first failure (a value that could not be made)
// leaves its exception pending, and Build() is then empty.
class ObjectBuilder {
 public:
  explicit ObjectBuilder(v8::Local<v8::Context> context);

  ObjectBuilder& Set(const char* key, v8::Local<v8::Value> value);
  // An empty `value` is a failure made before: its exception is pending.
  template <typename T>
  ObjectBuilder& Set(const char* key, v8::MaybeLocal<T> value) {
    v8::Local<T> local;
    if (!value.ToLocal(&local)) ok_ = false;
    return ok_ ? Set(key, v8::Local<v8::Value>(local)) : *this;
  }
  ObjectBuilder& SetNumber(const char* key, double value);
  ObjectBuilder& SetBoolean(const char* key, bool value);
  ObjectBuilder& SetString(const char* key, std::string_view value);

  v8::MaybeLocal<v8::Object> Build();

 private:
  v8::Local<v8::Context> context_;
  v8::Local<v8::Object> object_;
  bool ok_ = true;
};

// A packed array of `elements`; never calls accessors on Array.prototype.
v8::Local<v8::Array> NewArray(v8::Isolate* isolate, std::vector<v8::Local<v8::Value>>& elements);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_V8_VALUES_H_
