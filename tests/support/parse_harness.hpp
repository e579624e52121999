// Parsing one transcript line in a test the way the scanner does: classify,
// then parse what the classifier keeps, from a padded buffer.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "tracker/parse/line_classifier.hpp"
#include "tracker/parse/line_parser.hpp"

namespace codepulse::test {

struct ParseHarness {
  tracker::LineParser parser;
  PendingTools pending;
  std::string buf;
  tracker::ParsedLine skipped;

  const tracker::ParsedLine& parse(const std::string& line) {
    switch (tracker::classify_line(line, pending)) {
      case tracker::LineClass::kParse:
        break;
      case tracker::LineClass::kSkip:
        skipped.kind = tracker::LineKind::kIgnored;
        return skipped;
      default:
        skipped.kind = tracker::LineKind::kMalformed;
        return skipped;
    }
    buf = line;
    buf.append(simdjson::SIMDJSON_PADDING, '\0');
    return parser.parse(std::string_view(buf.data(), line.size()), buf.size(), pending);
  }
};

}  // namespace codepulse::test
