// The Codex scan fixture (codex_home.hpp).
#include "tests/support/codex_home.hpp"

#include <catch2/catch.hpp>

namespace codepulse::test {

CommandResult CodexHome::scan(const std::vector<std::string>& extra) const {
  std::vector<std::string> argv = {
      tracker_bin(), "scan", "--assistant", "codex",           "--assistant-dir", "codex=" + home,
      "--state",     state,  "--author",    "dev@example.com", "--json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run(argv, env());
}

std::map<std::string, DayModelRow> CodexHome::rows() const {
  auto r = run(
      {tracker_bin(), "report", "--state", state, "--group-by", "date,model", "--format", "csv"},
      env());
  REQUIRE(r.exit_code == 0);
  return parse_day_model_csv(r.out);
}

int64_t CodexHome::sql(const std::string& query) const {
  auto r = run({"sqlite3", "-readonly", state + "/tracker.db", query});
  if (r.exit_code != 0 || r.out.empty() || r.out == "\n") return -1;
  return std::stoll(r.out);
}

bench::CodexCorpusTruth CodexHome::generate(uint64_t seed, uint64_t bytes, bool forks,
                                            bool bad_lines, const std::string& canary) const {
  const bench::CodexCorpusOptions defaults;
  return bench::generate_codex_corpus({.seed = seed,
                                       .target_bytes = bytes,
                                       .root = home,
                                       .start_ms = defaults.start_ms,
                                       .legacy_percent = defaults.legacy_percent,
                                       .forks = forks,
                                       .bad_lines = bad_lines,
                                       .canary = canary});
}

std::string CodexHome::write(const std::string& rel, const std::string& text) const {
  write_file(home + "/" + rel, text);
  return home + "/" + rel;
}

int64_t json_number(const std::string& json, const std::string& key) {
  const std::string k = "\"" + key + "\":";
  const size_t at = json.find(k);
  if (at == std::string::npos) return -1;
  return std::stoll(json.substr(at + k.size()));
}

std::map<std::string, DayModelRow> truth_rows(const bench::CodexCorpusTruth& truth) {
  std::map<std::string, DayModelRow> rows;
  for (const auto& [key, t] : truth.by_day_model)
    rows[key] = {t.requests, t.input, t.output, t.cache_write, t.cache_read, ""};
  return rows;
}

void check_same_tokens(const std::map<std::string, DayModelRow>& got,
                       const std::map<std::string, DayModelRow>& want) {
  REQUIRE(got.size() == want.size());
  for (const auto& [key, w] : want) {
    INFO(key);
    REQUIRE(got.count(key) == 1);
    const DayModelRow& g = got.at(key);
    if (w.requests > 0) CHECK(g.requests == w.requests);
    CHECK(g.input == w.input);
    CHECK(g.output == w.output);
    CHECK(g.cache_create == w.cache_create);
    CHECK(g.cache_read == w.cache_read);
  }
}

}  // namespace codepulse::test
