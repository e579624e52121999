// Deterministic generator of Gemini CLI 0.61.0 session trees (a .gemini
// folder: projects.json, tmp/<project>/.project_root and
// tmp/<project>/chats/...), for the benchmarks and for tests that need many
// sessions with known totals. The truth is computed while writing.
//
// Contents (gemini_lines.hpp shapes): main sessions (header, the
// session_context checkpoint, prompts, gemini messages written once with
// their tokens and again with their tool calls, tool responses, $set
// lastUpdated after each message), messages first written with tokens null,
// thoughts, cached and tool-use prompt tokens, write_file / replace /
// read_file / run_shell_command (git commits among them) / web search calls,
// subagent sessions in chats/<parent>/, checkpoints restating the whole
// conversation, $rewindTo lines, legacy session-*.json documents, and .json
// sessions resumed into a .jsonl copy of their messages.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace codepulse::bench::gemini {

struct CorpusOptions {
  uint64_t seed = 1;
  uint64_t target_bytes = 4 << 20;  // approximate total size to write
  std::string root;                 // the .gemini folder to write
  int projects = 6;
  int64_t start_ms = 1796083200000;  // 2026-12-01T00:00:00Z; sessions spread over ~20 days
  // Legacy .json sessions, some resumed into .jsonl: the resumed ones are
  // counted once by codepulse and twice by ccusage.
  bool legacy_sessions = true;
  // If non-empty, every prompt, answer, thought, tool argument and output,
  // file content and summary holds it followed by "-<n>"; paths never do.
  std::string canary;
};

struct DayModel {
  int64_t requests = 0, input = 0, output = 0, cache_read = 0, reasoning = 0;
};

struct CorpusTruth {
  // "YYYY-MM-DD|model" (UTC day of the message's timestamp).
  // codepulse: one request per message id; input uncached + tool-use
  // prompt, output with thoughts, reasoning the thoughts.
  std::map<std::string, DayModel> by_day_model;
  // ccusage 20.0.24 on the same files: output without thoughts; a message
  // both in a .json session and in its resumed .jsonl counted twice.
  std::map<std::string, DayModel> ccusage_by_day_model;
  int64_t bytes = 0, files = 0, sessions = 0, subagents = 0, legacy = 0, resumed = 0;
  int64_t commits = 0;  // git commits run through run_shell_command
};

// Throws std::runtime_error when it cannot write.
CorpusTruth write_corpus(const CorpusOptions& options);
// {"codepulse": {"<day>|<model>": {requests, input, output, cache_read,
// reasoning}}, "ccusage": {...}, "files": n, ...}
std::string truth_json(const CorpusTruth& truth);

}  // namespace codepulse::bench::gemini
