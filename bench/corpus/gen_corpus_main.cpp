// codepulse-gen-corpus: writes a synthetic Claude Code log tree and its expected totals.
//
//   codepulse-gen-corpus --out DIR --bytes N[K|M|G] [--seed S] [--projects N] [--canary STR]
//                        [--long-context] [--web-search] [--no-bad-lines] [--truth FILE]
//                        [--max-read-bytes N] [--gemini]
//
// The tree is written to DIR/projects/...; point CLAUDE_CONFIG_DIR (or HOME=X with DIR=X/.claude)
// at it. With --gemini, Gemini CLI sessions instead (tests/corpus/gemini_corpus.hpp): DIR is a
// .gemini folder (HOME=X with DIR=X/.gemini).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>
#include <string_view>

#include "tests/corpus/gemini_corpus.hpp"
#include "tests/corpus/generator.hpp"

namespace {

void usage(std::FILE* out) {
  std::fputs(
      "usage: codepulse-gen-corpus --out DIR --bytes N[K|M|G] [--seed S] [--projects N]\n"
      "                            [--canary STR] [--long-context] [--web-search]\n"
      "                            [--no-bad-lines] [--truth FILE] [--max-read-bytes N]\n"
      "                            [--gemini]\n"
      "  --max-read-bytes N  cap on a tool result's size (default: 8,000 to 220,000 by\n"
      "                      session); small caps make a corpus dense in requests\n"
      "  --gemini            Gemini CLI sessions in DIR, a .gemini folder (--bytes, --seed,\n"
      "                      --projects, --canary, --truth apply)\n",
      out);
}

bool parse_u64(std::string_view s, uint64_t& v) {
  if (s.empty()) return false;
  v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  return true;
}

bool parse_size(std::string_view s, uint64_t& v) {
  uint64_t mult = 1;
  if (!s.empty()) {
    switch (s.back()) {
      case 'k':
      case 'K':
        mult = 1ULL << 10;
        break;
      case 'm':
      case 'M':
        mult = 1ULL << 20;
        break;
      case 'g':
      case 'G':
        mult = 1ULL << 30;
        break;
      default:
        break;
    }
    if (mult != 1) s.remove_suffix(1);
  }
  if (!parse_u64(s, v) || v > UINT64_MAX / mult) return false;
  v *= mult;
  return true;
}

// Writes the truth to `path` ("" for none); false (and says so) when it cannot.
bool save_truth(const std::string& path, const std::string& json) {
  if (path.empty()) return true;
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << json;
  f.close();
  if (!f) std::fprintf(stderr, "codepulse-gen-corpus: cannot write %s\n", path.c_str());
  return static_cast<bool>(f);
}

template <class ByDayModel>
int64_t total_requests(const ByDayModel& by_day_model) {
  int64_t requests = 0;
  for (const auto& [key, d] : by_day_model)
    requests += d.requests;
  return requests;
}

// --gemini: a Gemini CLI corpus with the options that apply to it.
int write_gemini(const codepulse::bench::CorpusOptions& opts, const std::string& truth_path) {
  namespace gm = codepulse::bench::gemini;
  gm::CorpusOptions g;
  g.seed = opts.seed;
  g.target_bytes = opts.target_bytes;
  g.root = opts.root;
  g.projects = opts.projects;
  g.canary = opts.canary;
  try {
    const gm::CorpusTruth truth = gm::write_corpus(g);
    if (!save_truth(truth_path, gm::truth_json(truth))) return 1;
    const int64_t requests = total_requests(truth.by_day_model);
    std::fprintf(stderr,
                 "codepulse-gen-corpus: gemini: %lld files, %lld bytes, %lld sessions (%lld "
                 "subagents, %lld legacy .json, %lld resumed), %lld requests\n",
                 static_cast<long long>(truth.files), static_cast<long long>(truth.bytes),
                 static_cast<long long>(truth.sessions), static_cast<long long>(truth.subagents),
                 static_cast<long long>(truth.legacy), static_cast<long long>(truth.resumed),
                 static_cast<long long>(requests));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "codepulse-gen-corpus: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  codepulse::bench::CorpusOptions opts;
  std::string truth_path;
  bool have_out = false, have_bytes = false, gemini = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&](std::string_view& out) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "codepulse-gen-corpus: %s needs a value\n", argv[i]);
        return false;
      }
      out = argv[++i];
      return true;
    };
    std::string_view v;
    if (a == "--out") {
      if (!value(v)) return 2;
      opts.root = std::string(v);
      have_out = true;
    } else if (a == "--bytes") {
      if (!value(v)) return 2;
      if (!parse_size(v, opts.target_bytes)) {
        std::fprintf(stderr, "codepulse-gen-corpus: bad --bytes value\n");
        return 2;
      }
      have_bytes = true;
    } else if (a == "--seed") {
      if (!value(v) || !parse_u64(v, opts.seed)) {
        std::fprintf(stderr, "codepulse-gen-corpus: bad --seed value\n");
        return 2;
      }
    } else if (a == "--projects") {
      uint64_t n = 0;
      if (!value(v) || !parse_u64(v, n) || n == 0 || n > 1000) {
        std::fprintf(stderr, "codepulse-gen-corpus: bad --projects value (1..1000)\n");
        return 2;
      }
      opts.projects = static_cast<int>(n);
    } else if (a == "--canary") {
      if (!value(v)) return 2;
      opts.canary = std::string(v);
    } else if (a == "--long-context") {
      opts.include_long_context = true;
    } else if (a == "--web-search") {
      opts.include_web_search = true;
    } else if (a == "--no-bad-lines") {
      opts.include_bad_lines = false;
    } else if (a == "--max-read-bytes") {
      uint64_t n = 0;
      if (!value(v) || !parse_u64(v, n) || n < 1000 || n > 10'000'000) {
        std::fprintf(stderr, "codepulse-gen-corpus: bad --max-read-bytes value (1000..10000000)\n");
        return 2;
      }
      opts.max_read_bytes = static_cast<int64_t>(n);
    } else if (a == "--gemini") {
      gemini = true;
    } else if (a == "--truth") {
      if (!value(v)) return 2;
      truth_path = std::string(v);
    } else if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "codepulse-gen-corpus: unknown argument '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  if (!have_out || !have_bytes) {
    usage(stderr);
    return 2;
  }
  if (gemini) return write_gemini(opts, truth_path);
  try {
    const auto t0 = std::chrono::steady_clock::now();
    const codepulse::bench::CorpusTruth truth = codepulse::bench::generate_corpus(opts);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!save_truth(truth_path, codepulse::bench::truth_to_json(truth))) return 1;
    const int64_t requests = total_requests(truth.by_day_model);
    std::fprintf(stderr,
                 "codepulse-gen-corpus: %lld files, %lld bytes, %lld lines (%lld usage, %lld "
                 "malformed), %lld requests in %.2fs (%.0f MiB/s)\n",
                 static_cast<long long>(truth.files), static_cast<long long>(truth.bytes),
                 static_cast<long long>(truth.lines), static_cast<long long>(truth.usage_lines),
                 static_cast<long long>(truth.malformed_lines), static_cast<long long>(requests),
                 secs, secs > 0 ? static_cast<double>(truth.bytes) / (1 << 20) / secs : 0.0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "codepulse-gen-corpus: %s\n", e.what());
    return 1;
  }
  return 0;
}
