// The wire format's field reader and identifier rule, shared by the decoders
// of usage records (wire_batch.cpp) and commits (wire_commits.cpp). Internal
// to proto/.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "proto/wire_strings.hpp"

namespace codepulse::proto::detail {

namespace dom = simdjson::dom;

// Reads one field; absent optional fields keep their default. A string
// holding a control character is refused (wire_strings.hpp).
class Fields {
 public:
  explicit Fields(dom::object o) : o_(o) {}
  bool str(const char* key, std::string& out, bool required, std::string& why,
           size_t max_len = 512) {
    dom::element e;
    if (o_[key].get(e)) return absent(key, required, why);
    std::string_view s;
    if (e.get_string().get(s)) return wrong(key, "a string", why);
    if (s.size() > max_len) return wrong(key, "at most " + std::to_string(max_len) + " bytes", why);
    if (std::string problem = string_problem(key, s); !problem.empty()) {
      why = std::move(problem);
      return false;
    }
    out.assign(s);
    return true;
  }
  bool count(const char* key, int64_t& out, bool required, std::string& why) {
    dom::element e;
    if (o_[key].get(e)) return absent(key, required, why);
    int64_t v = 0;
    if (e.get_int64().get(v) || v < 0) return wrong(key, "a non-negative integer", why);
    out = v;
    return true;
  }
  // Whether the field is present (never fails; `why` is untouched).
  bool has(const char* key, bool& out, std::string&) {
    dom::element e;
    out = !o_[key].get(e);
    return true;
  }
  bool flag(const char* key, bool& out, std::string& why) {
    dom::element e;
    if (o_[key].get(e)) return true;
    bool v = false;
    if (e.get_bool().get(v)) return wrong(key, "true or false", why);
    out = v;
    return true;
  }

 private:
  static bool absent(const char* key, bool required, std::string& why) {
    if (!required) return true;
    why = std::string("missing required field '") + key + "'";
    return false;
  }
  static bool wrong(const char* key, const std::string& want, std::string& why) {
    why = std::string("field '") + key + "' must be " + want;
    return false;
  }
  dom::object o_;
};

// Model ids and record uids are identifiers: letters, digits and . _ - : @ / +.
inline bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == ':' || c == '@' || c == '/' ||
                    c == '+';
    if (!ok) return false;
  }
  return true;
}

}  // namespace codepulse::proto::detail
