// parse: what a Codex rollout carries from one line to the next (the thread,
// the model in force, the last cumulative totals, a fork's replay, the tool
// calls waiting for their response), and its compact text form, saved with
// the file's offset (codex_rollout_reader.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tracker/parse/line_parser.hpp"

namespace codepulse::tracker {

// One usage object as Codex writes it (TokenUsage): cached_input_tokens and
// cache_write_input_tokens are parts of input_tokens, reasoning_output_tokens
// is a part of output_tokens.
struct CodexUsage {
  int64_t input = 0, cached = 0, cache_write = 0, output = 0, reasoning = 0, total = 0;
  bool operator==(const CodexUsage&) const = default;
};

struct CodexState {
  std::string thread_id;      // the file's own thread: its first session_meta's id
  std::string parent_thread;  // a subagent's parent thread, when logged
  bool subagent = false;
  int64_t created_ms = 0;  // when the thread began: its UUIDv7 id, else session_meta's time
  std::string cwd, branch, version, model, turn_id;
  int model_source = 0;    // 0 none, 1 thread_settings_applied, 2 turn_context
  int metas = 0;           // session_meta lines seen (counted up to 2)
  bool replay = false;     // inside the parent's history a fork or subagent copies
  bool inherited = false;  // totals are the copied history's: the next row may restart
  bool records = false;    // the file has token_usage_record lines
  bool has_totals = false;
  CodexUsage totals;            // the last cumulative total_token_usage
  std::vector<ToolCall> tools;  // calls made since the last counted usage
};

// No more tool calls wait for one response than this (later ones are dropped).
inline constexpr size_t kMaxCodexPendingTools = 256;

std::string encode_codex_state(const CodexState& s);
// False (and `s` unspecified) for anything encode_codex_state did not write.
bool decode_codex_state(std::string_view text, CodexState& s);

}  // namespace codepulse::tracker
