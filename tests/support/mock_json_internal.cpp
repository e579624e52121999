// The shared JSON and stream pieces of the mock model APIs.
#include "tests/support/mock_json_internal.hpp"

#include <simdjson.h>

#include <algorithm>
#include <stdexcept>

namespace codepulse::test::mock_json {

std::string array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items)
    out += (out.size() > 1 ? "," : "") + item;
  return out + "]";
}

bool is_json_object(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(simdjson::padded_string(text)).get(doc)) return false;
  return doc.type() == simdjson::dom::element_type::OBJECT;
}

void require_object(const std::string& what, std::string_view text) {
  if (!is_json_object(text))
    throw std::invalid_argument(what + " is not a JSON object: " + std::string(text));
}

std::vector<std::string_view> pieces(std::string_view text, size_t parts) {
  std::vector<std::string_view> out;
  const size_t step = std::max<size_t>(1, text.size() / parts);
  size_t from = 0;
  while (from < text.size()) {
    size_t to = std::min(text.size(), from + step);
    while (to < text.size() && (static_cast<unsigned char>(text[to]) & 0xC0) == 0x80)
      ++to;
    if (out.size() + 1 == parts) to = text.size();
    out.push_back(text.substr(from, to - from));
    from = to;
  }
  return out;
}

std::string sse_event(std::string_view name, std::string_view data) {
  return "event: " + std::string(name) + "\ndata: " + std::string(data) + "\n\n";
}

}  // namespace codepulse::test::mock_json
