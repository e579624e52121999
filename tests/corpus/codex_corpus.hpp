// Deterministic generator of Codex CLI rollout trees (a CODEX_HOME's
// sessions/YYYY/MM/DD/rollout-*.jsonl) with their known totals, for the
// tests and the benchmarks.
//
// Sessions mix 0.169.0's shape (a token_usage_record and a token_count row
// per response) and the older one (token_count rows only), with reasoning
// items, exec_command / shell calls, apply_patch patches, their outputs and
// answers, and token_count rows written again unchanged (as Codex does). The
// truth counts every response once, on the UTC day of its usage line:
// input = input - cached - cache writes, cache_read = cached, cache_write =
// cache_write_input_tokens, output with reasoning; the model as the reader
// names it (codex-auto-review mapped by day).
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace codepulse::bench {

struct CodexCorpusOptions {
  uint64_t seed = 1;
  uint64_t target_bytes = 4 << 20;   // approximate total size to write
  std::string root;                  // the CODEX_HOME written into
  int64_t start_ms = 1781308800000;  // 2026-06-13T00:00:00Z; sessions spread over ~60 days
  int legacy_percent = 25;           // sessions in the older shape
  // Some sessions are followed by a fork or a spawned subagent: a file that
  // copies the parent's history after a second session_meta, then works on.
  bool forks = false;
  // Lines nothing counts that are broken: a torn line, invalid UTF-8 in a
  // message's text.
  bool bad_lines = false;
  // If non-empty, every prompt, answer, reasoning summary, instruction,
  // command, output and patch line holds this string and "-<n>".
  std::string canary;
};

struct CodexDayModel {
  int64_t requests = 0, input = 0, cache_read = 0, cache_write = 0, output = 0, reasoning = 0;
};

struct CodexCorpusTruth {
  std::map<std::string, CodexDayModel> by_day_model;  // "YYYY-MM-DD|model"
  // bad_lines: torn lines (a fork copies its parent's), each reported as malformed.
  int64_t files = 0, bytes = 0, lines = 0, sessions = 0, forks = 0, bad_lines = 0;
};

// Throws std::runtime_error on an I/O failure.
CodexCorpusTruth generate_codex_corpus(const CodexCorpusOptions& opts);

}  // namespace codepulse::bench
