// codepulse-gen-codex-corpus: writes a synthetic Codex CLI rollout tree and its expected totals.
//
//   codepulse-gen-codex-corpus --out CODEX_HOME --bytes N[M|G] [--seed S] [--forks]
//                              [--canary STR] [--truth FILE]
//
// Rollouts go to CODEX_HOME/sessions/YYYY/MM/DD/; point CODEX_HOME at it.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>

#include "tests/corpus/codex_corpus.hpp"

namespace {

// "200M", "1G", "4096": bytes, or 0 when malformed.
uint64_t size_arg(const std::string& s) {
  char* end = nullptr;
  const unsigned long long n = std::strtoull(s.c_str(), &end, 10);
  if (end == s.c_str()) return 0;
  const std::string unit(end);
  if (unit.empty()) return n;
  if (unit == "K" || unit == "k") return n << 10;
  if (unit == "M" || unit == "m") return n << 20;
  if (unit == "G" || unit == "g") return n << 30;
  return 0;
}

std::string truth_json(const codepulse::bench::CodexCorpusTruth& t) {
  std::string o = "{\"files\":" + std::to_string(t.files) +
                  ",\"bytes\":" + std::to_string(t.bytes) +
                  ",\"sessions\":" + std::to_string(t.sessions) +
                  ",\"forks\":" + std::to_string(t.forks) + ",\"by_day_model\":{";
  bool first = true;
  for (const auto& [key, d] : t.by_day_model) {
    o += (first ? "\"" : ",\"") + key + "\":{\"requests\":" + std::to_string(d.requests) +
         ",\"input\":" + std::to_string(d.input) +
         ",\"cache_read\":" + std::to_string(d.cache_read) +
         ",\"cache_write\":" + std::to_string(d.cache_write) +
         ",\"output\":" + std::to_string(d.output) +
         ",\"reasoning\":" + std::to_string(d.reasoning) + "}";
    first = false;
  }
  return o + "}}\n";
}

}  // namespace

int main(int argc, char** argv) {
  codepulse::bench::CodexCorpusOptions opts;
  opts.target_bytes = 0;
  std::string truth_path;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--out" && has_value) {
      opts.root = argv[++i];
    } else if (a == "--bytes" && has_value) {
      opts.target_bytes = size_arg(argv[++i]);
    } else if (a == "--seed" && has_value) {
      opts.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--canary" && has_value) {
      opts.canary = argv[++i];
    } else if (a == "--truth" && has_value) {
      truth_path = argv[++i];
    } else if (a == "--forks") {
      opts.forks = true;
    } else {
      std::fprintf(stderr,
                   "usage: codepulse-gen-codex-corpus --out CODEX_HOME --bytes N[M|G] "
                   "[--seed S] [--forks] [--canary STR] [--truth FILE]\n");
      return 2;
    }
  }
  if (opts.root.empty() || opts.target_bytes == 0) {
    std::fprintf(stderr, "codepulse-gen-codex-corpus: --out and --bytes are required\n");
    return 2;
  }
  try {
    const auto truth = codepulse::bench::generate_codex_corpus(opts);
    const std::string json = truth_json(truth);
    if (!truth_path.empty()) {
      std::ofstream(truth_path) << json;
    }
    std::printf("wrote %lld files, %lld bytes, %lld sessions (%lld forks) to %s\n",
                static_cast<long long>(truth.files), static_cast<long long>(truth.bytes),
                static_cast<long long>(truth.sessions), static_cast<long long>(truth.forks),
                opts.root.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "codepulse-gen-codex-corpus: %s\n", e.what());
    return 1;
  }
  return 0;
}
