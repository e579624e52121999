#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/corpus/generator.hpp"

namespace {

namespace fs = std::filesystem;
using codepulse::bench::CorpusOptions;
using codepulse::bench::CorpusTruth;
using codepulse::bench::generate_corpus;
using codepulse::bench::truth_to_json;

// A fresh directory under the system temp dir, removed when the test ends.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() / ("codepulse-corpus-test-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(counter.fetch_add(1)));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& p) {
  std::string out;
  std::FILE* f = std::fopen(p.c_str(), "rb");
  if (f == nullptr) return out;
  char buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof(buf), f)) > 0;)
    out.append(buf, n);
  std::fclose(f);
  return out;
}

// relative path -> content, for every file under root
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), root).generic_string()] = read_file(e);
  }
  return out;
}

CorpusOptions small_options(const fs::path& root, uint64_t seed) {
  CorpusOptions o;
  o.seed = seed;
  o.target_bytes = 3 << 20;
  o.root = root.string();
  o.projects = 4;
  return o;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("corpus generation is deterministic for a seed", "[corpus]") {
  TempDir a, b, c;
  const CorpusTruth ta = generate_corpus(small_options(a.path(), 42));
  const CorpusTruth tb = generate_corpus(small_options(b.path(), 42));
  const auto sa = snapshot(a.path());
  const auto sb = snapshot(b.path());
  REQUIRE(sa.size() == sb.size());
  CHECK(sa == sb);  // same paths, same bytes
  CHECK(truth_to_json(ta) == truth_to_json(tb));

  const CorpusTruth tc = generate_corpus(small_options(c.path(), 43));
  CHECK(snapshot(c.path()) != sa);
  CHECK(truth_to_json(tc) != truth_to_json(ta));
}

TEST_CASE("corpus size follows the target and the truth counts the files", "[corpus]") {
  TempDir d;
  CorpusOptions o = small_options(d.path(), 7);
  o.target_bytes = 6 << 20;
  const CorpusTruth t = generate_corpus(o);
  CHECK(t.bytes >= static_cast<int64_t>(o.target_bytes) * 9 / 10);
  CHECK(t.bytes <= static_cast<int64_t>(o.target_bytes) * 5 / 4);

  int64_t files = 0, bytes = 0, lines = 0;
  for (const auto& [rel, content] : snapshot(d.path())) {
    ++files;
    bytes += static_cast<int64_t>(content.size());
    if (ends_with(rel, ".jsonl")) {
      lines += std::count(content.begin(), content.end(), '\n');
      CHECK((content.empty() || content.back() == '\n'));
    }
  }
  CHECK(files == t.files);
  CHECK(bytes == t.bytes);
  CHECK(lines == t.lines);
  CHECK(t.usage_lines > 0);
  CHECK(t.malformed_lines > 0);
  CHECK(!t.lines_by_file.empty());
  CHECK(!t.commit_shas.empty());

  std::set<std::string> models;
  int64_t requests = 0;
  for (const auto& [key, d2] : t.by_day_model) {
    models.insert(key.substr(key.find('|') + 1));
    requests += d2.requests;
    CHECK(d2.web_search == 0);
  }
  CHECK(models == std::set<std::string>{"claude-opus-4-6", "claude-sonnet-4-5-20250929",
                                        "claude-haiku-4-5-20251001", "claude-opus-4-1-20250805",
                                        "claude-sonnet-4-6"});
  CHECK(requests > 0);
  CHECK(t.usage_lines > requests);  // snapshots, mirrors and resumed copies are duplicates
}

TEST_CASE("corpus writes the Claude Code layout", "[corpus]") {
  TempDir d;
  const CorpusTruth t = generate_corpus(small_options(d.path(), 3));
  const fs::path projects = d.path() / "projects";
  REQUIRE(fs::is_directory(projects));
  CHECK(fs::is_directory(projects / "-home-dev-src-codepulse"));
  CHECK(fs::is_directory(projects / "-home-dev-work-my-app-v2"));  // '.' and '_' become '-'

  int sessions = 0, nested = 0, flat = 0, meta = 0, journals = 0, acompact = 0, btw = 0,
      tool_results = 0, workflow_agents = 0;
  std::map<std::string, int> line_files;  // line -> number of files holding it (main sessions)
  for (const auto& e : fs::recursive_directory_iterator(projects)) {
    if (!e.is_regular_file()) continue;
    const fs::path rel = fs::relative(e.path(), projects);
    const std::string name = rel.filename().string();
    const std::string parent = rel.parent_path().filename().string();
    const auto depth = std::distance(rel.begin(), rel.end());
    if (depth == 2 && ends_with(name, ".jsonl") && name.rfind("agent-", 0) != 0) {
      ++sessions;
      std::ifstream f(e.path(), std::ios::binary);
      std::set<std::string> seen;
      for (std::string line; std::getline(f, line);) {
        if (contains(line, "\"type\":\"assistant\"") && seen.insert(line).second) {
          ++line_files[line];
        }
      }
    }
    if (depth == 2 && name.rfind("agent-", 0) == 0 && ends_with(name, ".jsonl")) ++flat;
    if (parent == "subagents" && ends_with(name, ".meta.json")) ++meta;
    if (parent == "subagents" && name.rfind("agent-acompact-", 0) == 0) ++acompact;
    if (parent == "subagents" && name.rfind("agent-aside_question-", 0) == 0) ++btw;
    if (parent == "subagents" && name.rfind("agent-a", 0) == 0 && ends_with(name, ".jsonl")) {
      ++nested;
      const std::string content = read_file(e.path());
      CHECK(contains(content, "\"isSidechain\":true"));
      CHECK(!contains(content, "\"isSidechain\":false"));
    }
    if (name == "journal.jsonl") {
      ++journals;
      CHECK(contains(read_file(e.path()), "{\"type\":\"started\""));
    }
    if (name.rfind("agent-ag", 0) == 0 && contains(rel.generic_string(), "/workflows/")) {
      ++workflow_agents;
    }
    if (parent == "tool-results" && ends_with(name, ".txt")) ++tool_results;
  }
  CHECK(sessions >= 5);
  CHECK(nested >= 3);
  CHECK(flat >= 1);
  CHECK(meta >= 1);
  CHECK(journals >= 1);
  CHECK(workflow_agents >= 1);
  CHECK(acompact >= 1);
  CHECK(btw >= 1);
  CHECK(tool_results >= 1);
  // the resumed session repeats assistant lines of the session it continues, verbatim
  const bool resumed = std::any_of(line_files.begin(), line_files.end(),
                                   [](const auto& kv) { return kv.second >= 2; });
  CHECK(resumed);
  CHECK(t.files > sessions);

  // a second run into the same root is refused instead of mixing two corpora
  CHECK_THROWS_AS(generate_corpus(small_options(d.path(), 3)), std::runtime_error);
}

TEST_CASE("corpus canary appears in the content when set", "[corpus]") {
  const std::string canary = "CANARY_c0rpus_\xE2\x9C\x93";  // non-ASCII on purpose
  TempDir with, without;
  CorpusOptions o = small_options(with.path(), 5);
  o.canary = canary;
  o.include_bad_lines = false;
  const CorpusTruth t = generate_corpus(o);
  CHECK(t.malformed_lines == 0);
  int64_t occurrences = 0;
  int sessions = 0;
  for (const auto& [rel, content] : snapshot(with.path())) {
    size_t n = 0;
    for (size_t pos = content.find(canary); pos != std::string::npos;
         pos = content.find(canary, pos + 1)) {
      ++n;
    }
    occurrences += static_cast<int64_t>(n);
    const fs::path p(rel);
    if (p.extension() == ".jsonl" && std::distance(p.begin(), p.end()) == 3 &&
        p.filename().string().rfind("agent-", 0) != 0) {
      ++sessions;
      CHECK(n > 10);                           // every main session carries it many times
      CHECK(contains(content, canary + "-"));  // with the per-occurrence suffix
    }
  }
  CHECK(sessions >= 5);
  CHECK(occurrences > 1000);
  CorpusOptions plain = small_options(without.path(), 5);
  generate_corpus(plain);
  for (const auto& [rel, content] : snapshot(without.path())) {
    INFO(rel);
    CHECK(!contains(content, canary));
  }
}

// Largest input + cache_creation + cache_read of any usage object written under root.
static int64_t max_context(const fs::path& root) {
  const std::string start = "\"usage\":{\"input_tokens\":";
  auto number_after = [](const std::string& s, size_t from, size_t to, const std::string& key) {
    const size_t p = s.find(key, from);
    int64_t v = 0;
    if (p == std::string::npos || p > to) return v;
    for (size_t i = p + key.size(); i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int64_t best = 0;
  for (const auto& [rel, content] : snapshot(root)) {
    if (!ends_with(rel, ".jsonl")) continue;
    for (size_t pos = content.find(start); pos != std::string::npos;
         pos = content.find(start, pos + 1)) {
      const size_t end = std::min(content.size(), pos + 500);  // one usage object
      const int64_t total = number_after(content, pos, end, "\"input_tokens\":") +
                            number_after(content, pos, end, "\"cache_read_input_tokens\":") +
                            number_after(content, pos, end, "\"ephemeral_5m_input_tokens\":") +
                            number_after(content, pos, end, "\"ephemeral_1h_input_tokens\":");
      best = std::max(best, total);
    }
  }
  return best;
}

TEST_CASE("corpus options for long context and web search", "[corpus]") {
  TempDir d1, d2;
  CorpusOptions o = small_options(d1.path(), 9);
  const CorpusTruth plain = generate_corpus(o);
  int64_t ws = 0;
  for (const auto& [key, d] : plain.by_day_model)
    ws += d.web_search;
  CHECK(ws == 0);
  CHECK(max_context(d1.path()) <= 200'000);

  o = small_options(d2.path(), 9);
  o.include_web_search = true;
  o.include_long_context = true;
  const CorpusTruth rich = generate_corpus(o);
  ws = 0;
  for (const auto& [key, d] : rich.by_day_model)
    ws += d.web_search;
  CHECK(ws > 0);
  // long-context requests (Sonnet 4.5 with more than 200k tokens of context)
  CHECK(max_context(d2.path()) > 200'000);
}

TEST_CASE("a cap on tool results makes a corpus dense in requests", "[corpus]") {
  TempDir plain_dir, dense_dir;
  CorpusOptions plain = small_options(plain_dir.path(), 11);
  CorpusOptions dense = small_options(dense_dir.path(), 11);
  dense.max_read_bytes = 1000;
  const CorpusTruth tp = generate_corpus(plain);
  const CorpusTruth td = generate_corpus(dense);
  // Same size on disk, far more requests in it.
  CHECK(td.bytes >= static_cast<int64_t>(dense.target_bytes) * 9 / 10);
  const double plain_density = static_cast<double>(tp.usage_lines) / static_cast<double>(tp.bytes);
  const double dense_density = static_cast<double>(td.usage_lines) / static_cast<double>(td.bytes);
  CHECK(dense_density > 2 * plain_density);
  // No Read result line is much bigger than the cap plus its envelope.
  size_t longest_result = 0;
  for (const auto& [rel, content] : snapshot(dense_dir.path())) {
    if (!ends_with(rel, ".jsonl")) continue;
    size_t start = 0;
    while (start < content.size()) {
      size_t end = content.find('\n', start);
      if (end == std::string::npos) end = content.size();
      const std::string_view line(content.data() + start, end - start);
      if (line.find("\"tool_result\"") != std::string_view::npos &&
          line.find("\"filePath\"") != std::string_view::npos)
        longest_result = std::max(longest_result, line.size());
      start = end + 1;
    }
  }
  CHECK(longest_result > 0);
  CHECK(longest_result < 12'000);
}
