// Minimal streaming JSON writer: objects, arrays and values appended to a string in order;
// keys are written verbatim (they are ASCII identifiers).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tests/corpus/json_text.hpp"

namespace codepulse::bench::corpus {

class Json {
 public:
  explicit Json(std::string& out) : o_(out) {}
  Json& obj() {
    prefix();
    o_ += '{';
    stack_.push_back('}');
    first_.push_back(true);
    return *this;
  }
  Json& arr() {
    prefix();
    o_ += '[';
    stack_.push_back(']');
    first_.push_back(true);
    return *this;
  }
  Json& end() {
    o_ += stack_.back();
    stack_.pop_back();
    first_.pop_back();
    return *this;
  }
  Json& k(std::string_view key) {
    sep();
    o_ += '"';
    o_.append(key);
    o_ += "\":";
    after_key_ = true;
    return *this;
  }
  Json& s(std::string_view v) {
    prefix();
    o_ += '"';
    escape_into(o_, v);
    o_ += '"';
    return *this;
  }
  Json& n(int64_t v) {
    prefix();
    append_int(o_, v);
    return *this;
  }
  Json& b(bool v) {
    prefix();
    o_ += v ? "true" : "false";
    return *this;
  }
  Json& null() {
    prefix();
    o_ += "null";
    return *this;
  }
  Json& raw(std::string_view json) {
    prefix();
    o_.append(json);
    return *this;
  }
  Json& ts(int64_t ms) {
    prefix();
    o_ += '"';
    append_ts(o_, ms);
    o_ += '"';
    return *this;
  }
  // Opens a string value; append escaped text to out() and call str_end().
  Json& str_begin() {
    prefix();
    o_ += '"';
    return *this;
  }
  Json& str_end() {
    o_ += '"';
    return *this;
  }
  std::string& out() { return o_; }

 private:
  void sep() {
    if (!first_.empty()) {
      if (!first_.back()) o_ += ',';
      first_.back() = false;
    }
  }
  void prefix() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    sep();
  }
  std::string& o_;
  std::vector<char> stack_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace codepulse::bench::corpus
