// JSON and server-sent-event pieces the mock model APIs share: an object
// written field by field, a check that text is a JSON object, and text cut
// into the pieces a stream sends it in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_writer.hpp"

namespace codepulse::test::mock_json {

// A JSON object written field by field; values given as JSON text go in as
// they are.
class Object {
 public:
  Object& number(std::string_view k, int64_t v) { return raw(k, std::to_string(v)); }
  Object& string(std::string_view k, std::string_view v) {
    std::string quoted;
    append_json_string(quoted, v);
    return raw(k, quoted);
  }
  Object& raw(std::string_view k, std::string_view json) {
    out_ += first_ ? "" : ",";
    first_ = false;
    append_json_string(out_, k);
    out_ += ':';
    out_ += json;
    return *this;
  }
  std::string done() const { return out_ + "}"; }

 private:
  std::string out_ = "{";
  bool first_ = true;
};

// The error message of a request that finds the script served out.
inline constexpr std::string_view kScriptEnded =
    "the mock's script has no response left for this request";

// "[a,b,...]" of JSON texts.
std::string array(const std::vector<std::string>& items);

// True when `text` is one JSON object.
bool is_json_object(std::string_view text);
// Throws std::invalid_argument("<what> is not a JSON object: <text>") unless
// `text` is one: a scripted tool call's input checked when a mock is made.
void require_object(const std::string& what, std::string_view text);

// Up to `parts` pieces of `text`, cut only where a UTF-8 character starts
// (each piece is sent as its own JSON string), as the APIs stream text.
std::vector<std::string_view> pieces(std::string_view text, size_t parts);

// "event: NAME\ndata: DATA\n\n"
std::string sse_event(std::string_view name, std::string_view data);

}  // namespace codepulse::test::mock_json
