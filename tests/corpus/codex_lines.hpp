// Codex CLI rollout lines as Codex writes them: 0.169.0's shape (observed
// against a mock, /work/notes/issue21-observed.md) and the older shape with
// token_count rows only. Shared by the reader tests and the Codex corpus.
#pragma once

#include <cstdint>
#include <string>

namespace codepulse::bench::codex {

// A usage object's counts: cached and cache_write are parts of input,
// reasoning a part of output (total_tokens = input + output).
struct Usage {
  int64_t input = 0, cached = 0, cache_write = 0, output = 0, reasoning = 0;
  Usage& operator+=(const Usage& o);
};

struct RolloutStyle {
  bool records = true;    // 0.16x: a token_usage_record line per response
  bool paginated = true;  // 0.16x: "ordinal" on each line, item_completed events, turn ids
  std::string cli_version = "0.169.0";
};

// "01a24408-734c-7342-bc28-78a6a839e135": a UUIDv7 of `ms`, its other bits from `bits`.
std::string uuid7(int64_t ms, uint64_t bits);
// "sessions/2026/12/05/rollout-2026-12-05T02-28-54-<thread>.jsonl" (UTC as local time).
std::string rollout_path(int64_t ms, const std::string& thread);

// Appends a rollout's lines to `text`, in the order the caller calls; keeps
// the thread's running totals for token_count rows. Every string argument is
// text Codex logs (prompts, answers, commands, outputs, patches): written
// escaped as it is.
class RolloutWriter {
 public:
  explicit RolloutWriter(std::string thread_id, RolloutStyle style = {});

  // session_meta; `source` is its JSON value ("\"exec\"", or {"subagent":...}
  // for a spawned thread); `extra` are more payload fields
  // ("\"forked_from_id\":\"...\"").
  void session_meta(int64_t ms, const std::string& cwd, const std::string& branch,
                    const std::string& instructions, const std::string& source = "\"exec\"",
                    const std::string& thread_source = "user", const std::string& extra = "");
  // A session_meta of another thread (a fork copies its parent's).
  void foreign_meta(int64_t ms, const std::string& thread, const std::string& cwd);
  // task_started, the developer and context messages, turn_context,
  // thread_settings_applied and the user's prompt.
  void turn_start(int64_t ms, const std::string& turn_id, const std::string& model,
                  const std::string& cwd, const std::string& prompt,
                  const std::string& developer_text);
  void reasoning(int64_t ms, const std::string& summary, const std::string& encrypted);
  void exec_call(int64_t ms, const std::string& call_id, const std::string& cmd);
  void exec_output(int64_t ms, const std::string& call_id, const std::string& cmd,
                   const std::string& output);
  void patch_call(int64_t ms, const std::string& call_id, const std::string& patch);
  void patch_output(int64_t ms, const std::string& call_id, const std::string& path,
                    const std::string& content);
  void answer(int64_t ms, const std::string& text);
  // The response's usage: a token_usage_record (with records), and the
  // running totals moved; token_count() then writes the row.
  void usage(int64_t ms, const std::string& response_id, const Usage& u);
  void token_count(int64_t ms);
  // A token_count row with the given totals (a stale or reset row).
  void token_count_raw(int64_t ms, const Usage& total, const Usage& last);
  void task_complete(int64_t ms, const std::string& last_message);

  const std::string& thread() const { return thread_; }
  const std::string& turn() const { return turn_; }
  const Usage& totals() const { return total_; }
  // A fork's running totals start from its parent's.
  void set_totals(const Usage& t) { total_ = t; }
  std::string text;

 private:
  void begin(int64_t ms, const char* type);
  void end();
  void item_completed(int64_t ms, const std::string& item);  // 0.16x's event of a finished item
  std::string usage_json(const Usage& u) const;

  std::string thread_, turn_;
  RolloutStyle style_;
  int64_t ordinal_ = 0;
  Usage total_, turn_total_, last_;
};

}  // namespace codepulse::bench::codex
