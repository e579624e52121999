// JSONL logs read for tests (json_lines.hpp).
#include "tests/support/json_lines.hpp"

#include <algorithm>

#include "common/json_writer.hpp"
#include "tests/support/test_support.hpp"

namespace codepulse::test {

JsonLines::JsonLines(const std::string& path) {
  const std::string all = read_file(path);
  for (size_t pos = 0; pos < all.size();) {
    const size_t end = std::min(all.find('\n', pos), all.size());
    std::string line = all.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    simdjson::dom::element doc;
    if (parsers_.emplace_back().parse(line).get(doc)) {
      ++bad;
      continue;
    }
    lines.push_back(doc);
    text.push_back(std::move(line));
  }
}

int64_t json_int(simdjson::dom::element e, std::string_view pointer) {
  int64_t v = -1;
  if (e.at_pointer(pointer).get_int64().get(v)) return -1;
  return v;
}

std::string json_str(simdjson::dom::element e, std::string_view pointer) {
  std::string_view v;
  if (e.at_pointer(pointer).get_string().get(v)) return "";
  return std::string(v);
}

bool json_has(simdjson::dom::element e, std::string_view pointer) {
  return !e.at_pointer(pointer).error();
}

std::string json_counts(simdjson::dom::element e, const std::string& base,
                        const std::vector<std::string>& names) {
  std::vector<int64_t> values;
  for (const std::string& name : names)
    values.push_back(json_int(e, base + "/" + name));
  return counts_text(names, values);
}

std::string counts_text(const std::vector<std::string>& names, const std::vector<int64_t>& values) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i ? " " : "") + names[i] + "=" + (i < values.size() ? std::to_string(values[i]) : "?");
  return out;
}

std::string json_quote(const std::string& s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string json_text(simdjson::dom::element e, std::string_view pointer) {
  simdjson::dom::element v;
  if (e.at_pointer(pointer).get(v)) return "";
  return simdjson::minify(v);
}

}  // namespace codepulse::test
