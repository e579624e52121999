// A CODEX_HOME and a tracker state folder in a temporary directory, read by
// the real `codepulse-tracker scan --assistant codex`, with the store's
// records and report rows to check.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/corpus/codex_corpus.hpp"
#include "tests/support/test_support.hpp"

namespace codepulse::test {

struct CodexHome {
  TempDir dir;
  std::string home = dir / "codex";  // a CODEX_HOME
  std::string state = dir / "state";

  std::vector<std::string> env() const { return {"HOME=" + dir.path()}; }
  // `scan --json` over `home` only (and the extra arguments).
  CommandResult scan(const std::vector<std::string>& extra = {}) const;
  // `report --group-by date,model` rows, keyed "YYYY-MM-DD|model".
  std::map<std::string, DayModelRow> rows() const;
  // One number from the tracker's database (sqlite3 -readonly); -1 if none.
  int64_t sql(const std::string& query) const;
  // A generated corpus in `home` (tests/corpus/codex_corpus.hpp).
  bench::CodexCorpusTruth generate(uint64_t seed, uint64_t bytes, bool forks,
                                   bool bad_lines = false, const std::string& canary = "") const;
  // Writes `text` to home/rel; returns the path.
  std::string write(const std::string& rel, const std::string& text) const;
};

// The number `"key":N` in a `scan --json` output (-1 when absent).
int64_t json_number(const std::string& json, const std::string& key);

// A generated corpus's truth as report rows (cache writes as cache_create).
std::map<std::string, DayModelRow> truth_rows(const bench::CodexCorpusTruth& truth);
// The same keys, each with the same input, output, cache writes and cache
// reads (and requests, where `want` counts them).
void check_same_tokens(const std::map<std::string, DayModelRow>& got,
                       const std::map<std::string, DayModelRow>& want);

}  // namespace codepulse::test
