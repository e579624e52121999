// A Gemini CLI home in a temporary folder (.gemini with projects.json and a
// project's tmp folder), sessions written into it line by line, and the
// real codepulse-tracker's scan and report over it (--assistant-dir
// gemini-cli=...).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/corpus/gemini_lines.hpp"
#include "tests/support/test_support.hpp"

namespace codepulse::test {

// Tokens of one day and model in a report (`report --group-by date,model`).
struct GeminiRow {
  int64_t records = 0, input = 0, output = 0, cache_read = 0;
  bool operator==(const GeminiRow&) const = default;
};
using GeminiRows = std::map<std::string, GeminiRow>;  // "YYYY-MM-DD|model"

// The names a report's JSON gives its days and models: an array `days` of
// objects naming their day under `day` and holding an array `models` of
// objects naming their model under `model`, with the counts under the other
// names (`records` "" when the report has none).
struct RowNames {
  const char *days, *day, *models, *model, *records, *input, *output, *cache_read;
};
inline constexpr RowNames kCodepulseRows = {"rows",    "key",   "children", "key",
                                            "records", "input", "output",   "cache_read"};
// `ccusage gemini daily --json`
inline constexpr RowNames kCcusageRows = {
    "daily", "date",        "modelBreakdowns", "modelName",
    "",      "inputTokens", "outputTokens",    "cacheReadTokens"};
GeminiRows parse_rows(const std::string& json, const RowNames& names);

struct GeminiTree {
  TempDir dir;
  std::string gemini = dir / "home/.gemini";
  std::string state = dir / "state";

  // A project: tmp/<slug>/ with its .project_root (when `root_file`) and an
  // entry in projects.json; returns its chats folder.
  std::string project(const std::string& slug, const std::string& cwd, bool root_file = true);
  // The scan's --json statistics; requires exit code 0.
  std::string scan(const std::vector<std::string>& extra = {});
  // report --group-by date,model --format json, as rows.
  GeminiRows rows(const std::vector<std::string>& extra = {});
  // The value of `"key":<int>` in a scan's --json statistics.
  static int64_t stat(const std::string& scan_json, const std::string& key);

 private:
  std::map<std::string, std::string> projects_;  // cwd -> slug
};

// The lines Gemini CLI appends for one billed message: the message with its
// tokens and a lastUpdated $set, then, when it has tool calls, the message
// again with them, the tools' responses and another $set.
std::string gemini_message_lines(const bench::gemini::GeminiMessage& m);
// A session's first lines: its header and the session_context checkpoint.
std::string gemini_session_start(const std::string& session_id, int64_t start_ms,
                                 const std::string& cwd);

// One request's tokens under codepulse's rule (tracker/parse/gemini_record.hpp).
GeminiRow gemini_row(const bench::gemini::Tokens& t);
void add_row(GeminiRow& into, const GeminiRow& r);

}  // namespace codepulse::test
