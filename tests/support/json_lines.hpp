// Reading the JSON logs the real assistant CLIs write, for tests: a JSONL
// file parsed line by line, and fields looked up by JSON pointer.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace codepulse::test {

class JsonLines {
 public:
  // Every non-empty line of the file; `bad` counts those that are not JSON.
  explicit JsonLines(const std::string& path);
  JsonLines(const JsonLines&) = delete;
  JsonLines& operator=(const JsonLines&) = delete;

  std::vector<simdjson::dom::element> lines;  // in file order, the parsed ones
  std::vector<std::string> text;              // the same lines as written
  size_t bad = 0;

 private:
  std::deque<simdjson::dom::parser> parsers_;  // one a line: each owns its document
};

// The value at a JSON pointer ("/payload/usage/input_tokens"): -1, "" or
// false when it is missing or of another type.
int64_t json_int(simdjson::dom::element e, std::string_view pointer);
std::string json_str(simdjson::dom::element e, std::string_view pointer);
bool json_has(simdjson::dom::element e, std::string_view pointer);

// Several counts at once, as "name=value name=value ...", so that one CHECK
// compares them all and names the one that differs: the integers at
// base + "/" + name (-1 when missing), and the same text for expected values.
std::string json_counts(simdjson::dom::element e, const std::string& base,
                        const std::vector<std::string>& names);
std::string counts_text(const std::vector<std::string>& names, const std::vector<int64_t>& values);

// `s` as a JSON string literal, quotes included.
std::string json_quote(const std::string& s);

// The JSON text of the value at a pointer; empty when missing.
std::string json_text(simdjson::dom::element e, std::string_view pointer);

}  // namespace codepulse::test
