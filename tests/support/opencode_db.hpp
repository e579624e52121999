// An OpenCode database for tests, made with the DDL opencode-ai 1.18.33 runs
// (session, message, part, event, event_sequence) and written to as OpenCode
// writes it: WAL mode, rows upserted in place, and every change of a
// session's rows committed with an event row naming the session. The JSON
// builders give rows the shapes the real tool writes (text fields settable,
// for privacy canaries).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/sqlite.hpp"

namespace codepulse::test {

// tokens{total, input, output, reasoning, cache{write, read}}: disjoint, as
// OpenCode 1.18.33 writes them (input without the cache, output without
// reasoning; total their sum).
struct OcTokens {
  int64_t input = 0, output = 0, reasoning = 0, cache_read = 0, cache_write = 0;
  bool with_total = true;
  int64_t sum() const { return input + output + reasoning + cache_read + cache_write; }
};

// JSON of the rows' data column.
std::string oc_tokens(const OcTokens& t);
std::string oc_user_message(int64_t created, const std::string& system_text = "be brief",
                            const std::string& diff_text = "+a line");
std::string oc_assistant_message(const std::string& parent_id, int64_t created,
                                 const std::string& cwd, const OcTokens& tokens,
                                 const std::string& model = "claude-sonnet-4-5",
                                 const std::string& provider = "anthropic", bool completed = true);
std::string oc_text_part(const std::string& text);
std::string oc_reasoning_part(const std::string& text);
std::string oc_step_start();
std::string oc_step_finish(const OcTokens& tokens);
// state{status, input, output, metadata, title, time}; input and metadata
// are JSON objects.
std::string oc_tool_part(const std::string& tool, const std::string& call_id,
                         const std::string& status, const std::string& input_json,
                         const std::string& output = "done",
                         const std::string& metadata_json = "{}");
std::string oc_patch_part(const std::string& file);
// A JSON string literal.
std::string oc_quote(const std::string& s);

class OpenCodeDb {
 public:
  // Creates the database at `path` (its folder must exist). Without the
  // event log it has the tables OpenCode versions before it had.
  explicit OpenCodeDb(const std::string& path, bool event_log = true);

  void session(const std::string& id, const std::string& directory,
               const std::string& parent_id = "", const std::string& title = "a session");
  // Insert or update in place, with time_updated = `updated` (0: now).
  void message(const std::string& session_id, const std::string& id, int64_t created,
               const std::string& data, int64_t updated = 0);
  void part(const std::string& session_id, const std::string& message_id, const std::string& id,
            int64_t created, const std::string& data, int64_t updated = 0);
  // Deletes a session's events (as OpenCode does when it deletes a session).
  void drop_events(const std::string& session_id);

  sql::Database& db() { return db_; }
  const std::string& path() const { return path_; }

 private:
  void exec(const std::string& sql);
  void write(const char* sql, const std::function<void(sql::Statement&)>& bind,
             const std::string& session_id, const char* type, const std::string& event_data);
  void event(const std::string& session_id, const char* type, const std::string& data);
  int64_t stamp(int64_t updated);

  std::string path_;
  sql::Database db_;
  bool event_log_;
  int64_t events_ = 0;
  int64_t clock_ = 0;  // time_updated of writes that name none
};

}  // namespace codepulse::test
