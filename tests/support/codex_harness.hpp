// Feeding Codex rollout text to the Codex reader in a test the way the
// scanner does: line by line, the reader's prefilter first, from a padded
// buffer; the requests and the problems collected.
#pragma once

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tracker/parse/codex_rollout_reader.hpp"

namespace codepulse::test {

inline const std::string kCodexThread = "01a24408-734c-7342-bc28-78a6a839e135";

struct CodexHarness {
  tracker::CodexRolloutReader reader;
  std::string path =
      "/home/dev/.codex/sessions/2026/12/05/rollout-2026-12-05T02-28-54-" + kCodexThread + ".jsonl";
  std::vector<tracker::RequestLine> requests;
  std::vector<std::string> errors;  // "malformed: ..." / "invalid: ..."
  int skipped = 0;                  // lines the prefilter did not want
  std::string buf;

  explicit CodexHarness(const std::string& carried = "") {
    REQUIRE(reader.begin_file(path, carried));
  }

  tracker::LogLineKind line(const std::string& l) {
    if (!reader.wants(l)) {
      ++skipped;
      return tracker::LogLineKind::kIgnored;
    }
    buf = l;
    buf.append(simdjson::SIMDJSON_PADDING, '\0');
    const auto r = reader.parse(std::string_view(buf.data(), l.size()), buf.size(), requests);
    if (r.kind == tracker::LogLineKind::kMalformed) errors.push_back("malformed: " + r.error);
    if (r.kind == tracker::LogLineKind::kInvalid) errors.push_back("invalid: " + r.error);
    return r.kind;
  }
  // Every complete line of `text`.
  void feed(const std::string& text) {
    size_t pos = 0;
    while (pos < text.size()) {
      const size_t eol = text.find('\n', pos);
      if (eol == std::string::npos) break;
      line(text.substr(pos, eol - pos));
      pos = eol + 1;
    }
  }
};

}  // namespace codepulse::test
