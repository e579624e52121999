// The usage record: the only shape in which an assistant's model request is
// stored, queued or sent. Every field is listed here; nothing else exists to leak.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace codepulse {

enum class FileAction : uint8_t { kRead = 1, kChange = 2 };

// One tool call of the request, reduced to its allowlisted facts.
struct ToolUse {
  std::string tool_use_id;  // Anthropic's opaque "toolu_..." id, for dedupe
  std::string name;         // "Edit", "mcp:server/tool", "skill:name"
  std::string path;  // repo-relative (or cwd-relative, "(outside)", or keyed hash); may be empty
  std::optional<FileAction> action;
  bool git_commit = false;
  // From the tool's result, when it has been seen (counts only, never lines).
  bool result_seen = false;
  int64_t lines_added = 0, lines_removed = 0;
  std::string commit_sha;
  // The result said the call failed (Claude Code's tool_result is_error):
  // the flag only, never the error's text. False when no result was seen.
  bool error = false;

  bool wants_result() const { return git_commit || action == FileAction::kChange; }
};

struct UsageRecord {
  // Claude Code: message.id "\x1f" requestId (or message.id alone); other
  // assistants: "<assistant>\x1f" and the id their reader names.
  std::string dedupe_key;
  std::string assistant{"claude-code"};  // common/record/assistant.hpp
  std::string message_id;
  std::string request_id;  // may be empty
  int64_t timestamp_ms = 0;
  std::string session_id;
  bool sidechain = false;
  std::string agent_id;
  std::string model;
  // Disjoint: input is the uncached input, cache_create_* the cache writes,
  // cache_read the cache reads; output includes reasoning (thinking) tokens.
  int64_t input = 0, output = 0, cache_create_5m = 0, cache_create_1h = 0, cache_read = 0;
  int64_t reasoning = 0;  // of output: reasoning / thinking tokens, as logged
  int64_t web_search_requests = 0, web_fetch_requests = 0;
  bool fast = false;
  std::string inference_geo;  // usage.inference_geo: "", "global", "us", ...
  // 0: the request itself; n: its n-th advisor call (usage.iterations[] entry
  // of type advisor_message), a request of its own under the advisor's model.
  int64_t iteration = 0;
  // The tracker's list cost with its book, for its own report and older
  // collectors; the collector prices every record itself (docs/PRICING.md).
  std::optional<int64_t> cost_nanos;  // nullopt: model without a known price
  bool long_context = false;
  std::string price_version;
  std::string cc_version;
  std::string author;
  std::string repo;       // "github.com/acme/api" or "local/<folder>"
  std::string branch;     // may be a keyed hash
  std::string task_keys;  // comma-separated keys found in the branch name
  std::string turn_id;    // uuid of the user prompt line that started the turn
  std::vector<ToolUse> tools;

  int64_t token_total() const {
    return input + output + cache_create_5m + cache_create_1h + cache_read;
  }
};

}  // namespace codepulse
