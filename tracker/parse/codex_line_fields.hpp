// parse: the fields of one Codex rollout line the reader needs, read in one
// pass whatever their order ({"timestamp","type","payload"}; the payload's
// keys of every line type at once, as no two types give one key different
// meanings). Views point into the parser's buffer: valid for this line only.
#pragma once

#include <simdjson.h>

#include <string_view>

#include "tracker/parse/codex_state.hpp"
#include "tracker/parse/codex_tools.hpp"

namespace codepulse::tracker {

struct CodexLineFields {
  std::string_view type;          // session_meta, turn_context, event_msg, token_usage_record, ...
  std::string_view timestamp;     // the line's own (UTC)
  std::string_view payload_type;  // event_msg, response_item: what the payload is
  bool has_payload = false;
  // session_meta
  std::string_view id, meta_timestamp, cwd, cli_version, branch, parent_thread, thread_source;
  bool subagent_source = false;  // source: {"subagent": ...}
  // turn_context, task_started, token_usage_record; thread_settings_applied
  std::string_view turn_id, model, settings_model;
  // token_count: info (null on a rate-limit-only row)
  bool has_total = false, has_last = false;
  CodexUsage total, last;
  // token_usage_record
  std::string_view thread_id, response_id;
  bool has_usage = false;
  CodexUsage usage;
  // response_item: a tool call
  CodexCallItem call;
  bool usage_broken = false;  // a usage object with a count that is not one
};

// Reads a line's top-level object into `f`; returns what is broken, or nullptr.
const char* read_codex_line(simdjson::ondemand::object top, CodexLineFields& f);

}  // namespace codepulse::tracker
