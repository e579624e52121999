// An OpenCode database written as opencode-ai 1.18.33 writes it (opencode_db.hpp).
#include "tests/support/opencode_db.hpp"

#include <chrono>
#include <functional>
#include <stdexcept>

namespace codepulse::test {

namespace {

// The DDL opencode-ai 1.18.33 ran (its migrations; observed in its database).
constexpr const char* kTables = R"sql(
CREATE TABLE `session` (
  `id` text PRIMARY KEY,
  `project_id` text NOT NULL,
  `workspace_id` text,
  `parent_id` text,
  `slug` text NOT NULL,
  `directory` text NOT NULL,
  `path` text,
  `title` text NOT NULL,
  `version` text NOT NULL,
  `share_url` text,
  `summary_additions` integer,
  `summary_deletions` integer,
  `summary_files` integer,
  `summary_diffs` text,
  `metadata` text,
  `cost` real DEFAULT 0 NOT NULL,
  `tokens_input` integer DEFAULT 0 NOT NULL,
  `tokens_output` integer DEFAULT 0 NOT NULL,
  `tokens_reasoning` integer DEFAULT 0 NOT NULL,
  `tokens_cache_read` integer DEFAULT 0 NOT NULL,
  `tokens_cache_write` integer DEFAULT 0 NOT NULL,
  `revert` text,
  `permission` text,
  `agent` text,
  `model` text,
  `time_created` integer NOT NULL,
  `time_updated` integer NOT NULL,
  `time_compacting` integer,
  `time_archived` integer
);
CREATE INDEX `session_project_idx` ON `session` (`project_id`);
CREATE INDEX `session_workspace_idx` ON `session` (`workspace_id`);
CREATE INDEX `session_parent_idx` ON `session` (`parent_id`);
CREATE TABLE `message` (
  `id` text PRIMARY KEY,
  `session_id` text NOT NULL,
  `time_created` integer NOT NULL,
  `time_updated` integer NOT NULL,
  `data` text NOT NULL,
  CONSTRAINT `fk_message_session_id_session_id_fk` FOREIGN KEY (`session_id`) REFERENCES `session`(`id`) ON DELETE CASCADE
);
CREATE INDEX `message_session_time_created_id_idx` ON `message` (`session_id`,`time_created`,`id`);
CREATE TABLE `part` (
  `id` text PRIMARY KEY,
  `message_id` text NOT NULL,
  `session_id` text NOT NULL,
  `time_created` integer NOT NULL,
  `time_updated` integer NOT NULL,
  `data` text NOT NULL,
  CONSTRAINT `fk_part_message_id_message_id_fk` FOREIGN KEY (`message_id`) REFERENCES `message`(`id`) ON DELETE CASCADE
);
CREATE INDEX `part_message_id_id_idx` ON `part` (`message_id`,`id`);
CREATE INDEX `part_session_idx` ON `part` (`session_id`);
)sql";

constexpr const char* kEventTables = R"sql(
CREATE TABLE `event_sequence` (
  `aggregate_id` text PRIMARY KEY,
  `seq` integer NOT NULL,
  `owner_id` text
);
CREATE TABLE `event` (
  `id` text PRIMARY KEY,
  `aggregate_id` text NOT NULL,
  `seq` integer NOT NULL,
  `type` text NOT NULL,
  `data` text NOT NULL,
  CONSTRAINT `fk_event_aggregate_id_event_sequence_aggregate_id_fk` FOREIGN KEY (`aggregate_id`) REFERENCES `event_sequence`(`aggregate_id`) ON DELETE CASCADE
);
CREATE UNIQUE INDEX `event_aggregate_seq_idx` ON `event` (`aggregate_id`,`seq`);
CREATE INDEX `event_aggregate_type_seq_idx` ON `event` (`aggregate_id`,`type`,`seq`);
)sql";

// Not Catch's REQUIRE: a writer thread uses these too.
void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("opencode test database: " + what);
}

template <typename T>
T value_of(Result<T> r) {
  check(static_cast<bool>(r), r ? std::string() : r.error().message);
  return std::move(r).value();
}

void run(sql::Statement& st) {
  const Status s = st.run();
  check(static_cast<bool>(s), s ? std::string() : s.error().message);
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string oc_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

std::string oc_tokens(const OcTokens& t) {
  std::string out = "{";
  if (t.with_total) out += "\"total\":" + std::to_string(t.sum()) + ",";
  out += "\"input\":" + std::to_string(t.input) + ",\"output\":" + std::to_string(t.output) +
         ",\"reasoning\":" + std::to_string(t.reasoning) +
         ",\"cache\":{\"write\":" + std::to_string(t.cache_write) +
         ",\"read\":" + std::to_string(t.cache_read) + "}}";
  return out;
}

std::string oc_user_message(int64_t created, const std::string& system_text,
                            const std::string& diff_text) {
  return "{\"role\":\"user\",\"time\":{\"created\":" + std::to_string(created) +
         "},\"agent\":\"build\",\"model\":{\"providerID\":\"anthropic\",\"modelID\":\"claude-"
         "sonnet-4-5\"},\"system\":" +
         oc_quote(system_text) +
         ",\"summary\":{\"diffs\":[{\"file\":\"notes.md\",\"patch\":" + oc_quote(diff_text) +
         ",\"additions\":1,\"deletions\":0,\"status\":\"added\"}]}}";
}

std::string oc_assistant_message(const std::string& parent_id, int64_t created,
                                 const std::string& cwd, const OcTokens& tokens,
                                 const std::string& model, const std::string& provider,
                                 bool completed) {
  std::string out = "{\"parentID\":" + oc_quote(parent_id) +
                    ",\"role\":\"assistant\",\"mode\":\"build\",\"agent\":\"build\","
                    "\"path\":{\"cwd\":" +
                    oc_quote(cwd) + ",\"root\":" + oc_quote(cwd) +
                    "},\"cost\":0.00852,\"tokens\":" + oc_tokens(tokens) +
                    ",\"modelID\":" + oc_quote(model) + ",\"providerID\":" + oc_quote(provider) +
                    ",\"time\":{\"created\":" + std::to_string(created);
  if (completed) out += ",\"completed\":" + std::to_string(created + 500);
  out += "}";
  if (completed) out += ",\"finish\":\"stop\"";
  return out + "}";
}

std::string oc_text_part(const std::string& text) {
  return "{\"type\":\"text\",\"text\":" + oc_quote(text) + ",\"time\":{\"start\":1,\"end\":2}}";
}

std::string oc_reasoning_part(const std::string& text) {
  return "{\"type\":\"reasoning\",\"text\":" + oc_quote(text) +
         ",\"time\":{\"start\":1,\"end\":2},\"metadata\":{\"anthropic\":{\"signature\":\"sig\"}}}";
}

std::string oc_step_start() {
  return "{\"snapshot\":\"4b825dc642cb6eb9a060e54bf8d69288fbee4904\",\"type\":\"step-start\"}";
}

std::string oc_step_finish(const OcTokens& tokens) {
  return "{\"reason\":\"tool-calls\",\"snapshot\":\"20d1d5066f9273f3d00e2f49002a527d637ed38e\","
         "\"type\":\"step-finish\",\"tokens\":" +
         oc_tokens(tokens) + ",\"cost\":0.00852}";
}

std::string oc_tool_part(const std::string& tool, const std::string& call_id,
                         const std::string& status, const std::string& input_json,
                         const std::string& output, const std::string& metadata_json) {
  return "{\"type\":\"tool\",\"tool\":" + oc_quote(tool) + ",\"callID\":" + oc_quote(call_id) +
         ",\"state\":{\"status\":" + oc_quote(status) + ",\"input\":" + input_json +
         ",\"output\":" + oc_quote(output) + ",\"metadata\":" + metadata_json +
         ",\"title\":\"t\",\"time\":{\"start\":1,\"end\":2}}}";
}

std::string oc_patch_part(const std::string& file) {
  return "{\"type\":\"patch\",\"hash\":\"4b825dc642cb6eb9a060e54bf8d69288fbee4904\",\"files\":[" +
         oc_quote(file) + "]}";
}

OpenCodeDb::OpenCodeDb(const std::string& path, bool event_log)
    : path_(path), db_(value_of(sql::Database::open(path))), event_log_(event_log) {
  exec("PRAGMA journal_mode = WAL");
  exec("PRAGMA synchronous = NORMAL");
  if (value_of(db_.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'message'")) > 0) {
    event_log_ =
        value_of(db_.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'event'")) > 0;
    return;  // made before
  }
  exec(kTables);
  if (event_log_) exec(kEventTables);
}

void OpenCodeDb::exec(const std::string& sql) {
  const Status s = db_.exec(sql.c_str());
  check(static_cast<bool>(s), s ? std::string() : s.error().message);
}

int64_t OpenCodeDb::stamp(int64_t updated) {
  if (updated != 0) return updated;
  clock_ = std::max(clock_ + 1, now_ms());
  return clock_;
}

// As OpenCode's sync events do: the next seq of the session, and the event
// row with the change's whole JSON, in the change's transaction.
void OpenCodeDb::event(const std::string& session_id, const char* type, const std::string& data) {
  if (!event_log_) return;
  ++events_;
  auto up = db_.prepare(
      "INSERT INTO event_sequence (aggregate_id, seq) VALUES (?1, 0) ON CONFLICT(aggregate_id) "
      "DO UPDATE SET seq = seq + 1");
  check(static_cast<bool>(up), "cannot prepare");
  run(up->bind(1, session_id));
  auto ev = db_.prepare(
      "INSERT INTO event (id, aggregate_id, seq, type, data) VALUES (?1, ?2, (SELECT seq FROM "
      "event_sequence WHERE aggregate_id = ?2), ?3, ?4)");
  check(static_cast<bool>(ev), "cannot prepare");
  char id[32];
  std::snprintf(id, sizeof id, "evt_%012lld", static_cast<long long>(events_ + clock_ * 1000));
  const std::string id_text = id;
  run(ev->bind(1, id_text).bind(2, session_id).bind(3, std::string_view(type)).bind(4, data));
}

// One change in its own transaction, with its event: `bind` fills `sql`.
void OpenCodeDb::write(const char* sql, const std::function<void(sql::Statement&)>& bind,
                       const std::string& session_id, const char* type,
                       const std::string& event_data) {
  exec("BEGIN IMMEDIATE");
  auto st = db_.prepare(sql);
  check(static_cast<bool>(st), "cannot prepare");
  bind(*st);
  run(*st);
  event(session_id, type, event_data);
  exec("COMMIT");
}

void OpenCodeDb::session(const std::string& id, const std::string& directory,
                         const std::string& parent_id, const std::string& title) {
  const int64_t t = stamp(0);
  const std::string diffs = "[{\"patch\":" + oc_quote(title) + "}]";
  write(
      "INSERT INTO session (id, project_id, parent_id, slug, directory, path, title, version, "
      "summary_diffs, time_created, time_updated) VALUES (?1, 'global', ?2, 'crisp-meadow', ?3, "
      "?3, ?4, '1.18.33', ?5, ?6, ?6)",
      [&](sql::Statement& st) {
        st.bind(1, id).bind(3, directory).bind(4, title).bind(5, diffs).bind(6, t);
        if (parent_id.empty())
          st.bind_null(2);
        else
          st.bind(2, parent_id);
      },
      id, "session.created.1",
      "{\"info\":{\"id\":" + oc_quote(id) + ",\"title\":" + oc_quote(title) + "}}");
}

void OpenCodeDb::message(const std::string& session_id, const std::string& id, int64_t created,
                         const std::string& data, int64_t updated) {
  const int64_t t = stamp(updated);
  write(
      "INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES (?1, ?2, "
      "?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET time_updated = excluded.time_updated, data = "
      "excluded.data",
      [&](sql::Statement& st) {
        st.bind(1, id).bind(2, session_id).bind(3, created).bind(4, t).bind(5, data);
      },
      session_id, "message.updated.1",
      "{\"sessionID\":" + oc_quote(session_id) + ",\"info\":" + data + "}");
}

void OpenCodeDb::part(const std::string& session_id, const std::string& message_id,
                      const std::string& id, int64_t created, const std::string& data,
                      int64_t updated) {
  const int64_t t = stamp(updated);
  write(
      "INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id) DO UPDATE SET time_updated = "
      "excluded.time_updated, data = excluded.data",
      [&](sql::Statement& st) {
        st.bind(1, id)
            .bind(2, message_id)
            .bind(3, session_id)
            .bind(4, created)
            .bind(5, t)
            .bind(6, data);
      },
      session_id, "message.part.updated.1",
      "{\"sessionID\":" + oc_quote(session_id) + ",\"part\":" + data + "}");
}

void OpenCodeDb::drop_events(const std::string& session_id) {
  auto st = db_.prepare("DELETE FROM event WHERE aggregate_id = ?1");
  check(static_cast<bool>(st), "cannot prepare");
  run(st->bind(1, session_id));
}

}  // namespace codepulse::test
