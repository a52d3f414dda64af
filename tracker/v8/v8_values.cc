#include "tracker/v8/v8_values.h"

namespace slab_hunter {

v8::MaybeLocal<v8::String> NewString(v8::Isolate* isolate, std::string_view text,
                                     v8::NewStringType type) {
  if (text.size() <= static_cast<size_t>(v8::String::kMaxLength)) {
    v8::Local<v8::String> string;
    if (v8::String::NewFromUtf8(isolate, text.data(), type, static_cast<int>(text.size()))
            .ToLocal(&string)) {
      return string;
    }
  }
  // V8 gives up on too long a string without an exception; the caller's caller needs one.
  isolate->ThrowException(
      v8::Exception::RangeError(v8::String::NewFromUtf8Literal(isolate, "Invalid string length")));
  return {};
}

std::string ToUtf8(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (value.IsEmpty()) return std::string();
  v8::String::Utf8Value utf8(isolate, value);
  return *utf8 == nullptr ? std::string() : std::string(*utf8, utf8.length());
}

}  // namespace slab_hunter
