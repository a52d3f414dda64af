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

ObjectBuilder::ObjectBuilder(v8::Local<v8::Context> context)
    : context_(context), object_(v8::Object::New(context->GetIsolate())) {}

ObjectBuilder& ObjectBuilder::Set(const char* key, v8::Local<v8::Value> value) {
  if (!ok_) return *this;
  v8::Local<v8::String> name;
  ok_ = NewString(context_->GetIsolate(), key, v8::NewStringType::kInternalized).ToLocal(&name) &&
        object_->CreateDataProperty(context_, name, value).FromMaybe(false);
  return *this;
}

ObjectBuilder& ObjectBuilder::SetNumber(const char* key, double value) {
  return Set(key, v8::Number::New(context_->GetIsolate(), value));
}

ObjectBuilder& ObjectBuilder::SetBoolean(const char* key, bool value) {
  return Set(key, v8::Boolean::New(context_->GetIsolate(), value));
}

ObjectBuilder& ObjectBuilder::SetString(const char* key, std::string_view value) {
  if (!ok_) return *this;
  return Set(key, NewString(context_->GetIsolate(), value));
}

v8::MaybeLocal<v8::Object> ObjectBuilder::Build() {
  if (!ok_) return {};
  return object_;
}

v8::Local<v8::Array> NewArray(v8::Isolate* isolate, std::vector<v8::Local<v8::Value>>& elements) {
  return v8::Array::New(isolate, elements.data(), elements.size());
}

}  // namespace slab_hunter
