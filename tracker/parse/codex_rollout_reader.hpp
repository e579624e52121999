// parse: the reader of OpenAI Codex CLI rollouts ($CODEX_HOME/sessions/
// YYYY/MM/DD/rollout-*.jsonl, archived_sessions/), assistant "codex".
//
// A request is one model response. Newer Codex (0.16x) writes each twice: a
// token_usage_record line (its own usage, with its response_id) and an
// event_msg token_count row (the thread's running total). The record counts;
// once a file has records, token_count rows only move the running total.
// Older files have token_count rows only: each row whose totals grew counts
// the growth (codex_usage.hpp). A fork or spawned subagent copies its
// parent's history after a second session_meta: nothing in that copy
// counts, until the child's own turn starts (a turn id, a UUIDv7, from after
// the child's thread began). Tool calls (response_item lines) join the next
// request counted: the response that made them.
#pragma once

#include <simdjson.h>

#include "tracker/parse/assistant_log.hpp"
#include "tracker/parse/codex_line_fields.hpp"
#include "tracker/parse/codex_state.hpp"
#include "tracker/parse/codex_tools.hpp"

namespace codepulse::tracker {

class CodexRolloutReader : public JsonlLogReader {
 public:
  bool begin_file(const std::string& path, std::string_view carried) override;
  std::string carried() const override;
  bool wants(std::string_view line) const override;
  LogLineResult parse(std::string_view line, size_t capacity,
                      std::vector<RequestLine>& out) override;
  // Line provenance: apply_patch's added lines fingerprinted with `fp`.
  void set_fingerprinter(LineFingerprinter* fp) override { tools_.set_fingerprinter(fp); }
  void set_fingerprint_since(int64_t ms) override { tools_.set_fingerprint_since(ms); }

 private:
  LogLineResult parse_document(const char* data, size_t len, size_t capacity,
                               std::vector<RequestLine>& out);
  LogLineResult apply(const CodexLineFields& f, std::vector<RequestLine>& out);
  void on_meta(const CodexLineFields& f, int64_t ts);
  void on_turn(std::string_view turn_id, int64_t ts, std::string_view cwd, std::string_view model);
  bool own_turn(std::string_view turn_id, int64_t ts) const;
  LogLineResult on_token_count(const CodexLineFields& f, int64_t ts, std::vector<RequestLine>& out);
  LogLineResult on_record(const CodexLineFields& f, int64_t ts, std::vector<RequestLine>& out);
  void emit(std::string message_id, std::string_view response_id, std::string_view turn_id,
            int64_t ts, const CodexUsage& usage, std::vector<RequestLine>& out);

  CodexState state_;
  std::string file_thread_;  // the thread id in the file's name, until session_meta names one
  simdjson::ondemand::parser parser_;
  CodexToolReader tools_;
  std::string repaired_;  // a copy with invalid UTF-8 replaced, when needed
};

}  // namespace codepulse::tracker
