// Reading OpenCode's database (opencode_database.hpp).
//
// A read has two steps, each in short read transactions (the writer's WAL
// can be checkpointed between them). The plan finds which messages to read:
// every one the first time; later those with a row (the message's or a
// part's) added since (a rowid above the greatest seen) or updated since (a
// time_updated at or after the greatest seen, less kLookbackMs). The rows
// updated are looked for in the sessions named by the events since the last
// read when OpenCode keeps its event log (1.18 does: every change of a
// session's rows commits with an `event` row naming the session); otherwise
// in every row (the tables have no index on time_updated). Then each such
// message is read with all its parts and made into requests again: their
// keys meet the records of the earlier reads.
#include "tracker/parse/opencode_database.hpp"

#include <algorithm>

namespace codepulse::tracker::opencode {

namespace {

enum class Mode { kAll, kSessions, kChangedRows };

int64_t since(int64_t watermark) {
  return std::max<int64_t>(0, watermark - DatabaseReader::kLookbackMs);
}

// BEGIN on a read-only connection: a snapshot from the first read until
// end() (or the destructor: ROLLBACK).
class ReadTransaction {
 public:
  explicit ReadTransaction(sql::Database& db) : db_(db) {}
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction() {
    if (open_) (void)db_.exec("ROLLBACK");
  }
  Status begin() {
    if (auto s = db_.exec("BEGIN"); !s) return s;
    open_ = true;
    return {};
  }
  Status end() {
    open_ = false;
    return db_.exec("COMMIT");
  }

 private:
  sql::Database& db_;
  bool open_ = false;
};

}  // namespace

struct DatabaseReader::Pass {
  Mode mode = Mode::kAll;
  bool has_events = false;
  int64_t event_max = 0;
  std::string event_max_id;
  int64_t message_rowid = 0, part_rowid = 0;  // the greatest when the read began
  std::vector<std::string> ids;               // the messages to read (all of them in kAll)
  int64_t message_updated = 0, part_updated = 0;
  std::map<std::string, SessionFacts> sessions;
  std::optional<sql::Statement> session_row;
  const std::function<void(const std::string&)>* bad_row = nullptr;
  DatabaseRead* stats = nullptr;
};

Status DatabaseReader::read(const std::string& path, Cursor& cursor, const Sink& sink,
                            const std::function<void(const std::string&)>& bad_row,
                            DatabaseRead& stats) {
  auto db = sql::Database::open_read_only(path, kBusyTimeoutMs);
  if (!db) return db.error();
  Pass pass;
  pass.bad_row = &bad_row;
  pass.stats = &stats;
  pass.message_updated = cursor.message_updated;
  pass.part_updated = cursor.part_updated;
  if (auto s = plan(*db, cursor, pass); !s) return s;
  auto row = db->prepare("SELECT parent_id, directory, version FROM session WHERE id = ?1");
  if (!row) return row.error();
  pass.session_row = std::move(row).value();
  stats.whole = pass.mode == Mode::kAll;
  requests_.clear();
  const Status read =
      pass.mode == Mode::kAll ? read_all(*db, pass, sink) : read_ids(*db, pass, sink);
  if (!read) return read;
  cursor.started = true;
  if (pass.has_events) {
    cursor.event_rowid = pass.event_max;
    cursor.event_id = pass.event_max_id;
  } else {
    cursor.event_rowid = 0;
    cursor.event_id.clear();
  }
  cursor.message_updated = pass.message_updated;
  cursor.part_updated = pass.part_updated;
  cursor.message_rowid = pass.message_rowid;
  cursor.part_rowid = pass.part_rowid;
  return {};
}

Status DatabaseReader::plan(sql::Database& db, const Cursor& cursor, Pass& pass) {
  ReadTransaction tx(db);
  if (auto s = tx.begin(); !s) return s;
  bool message = false, part = false;
  {
    auto st = db.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('message', 'part', "
        "'event')");
    if (!st) return st.error();
    while (true) {
      auto row = st->step();
      if (!row) return row.error();
      if (!*row) break;
      const std::string_view name = st->text(0);
      message |= name == "message";
      part |= name == "part";
      pass.has_events |= name == "event";
    }
  }
  if (!message || !part) return make_error("not an OpenCode database: no message and part tables");
  auto message_rowid = db.scalar("SELECT max(rowid) FROM message");
  if (!message_rowid) return message_rowid.error();
  auto part_rowid = db.scalar("SELECT max(rowid) FROM part");
  if (!part_rowid) return part_rowid.error();
  pass.message_rowid = *message_rowid;
  pass.part_rowid = *part_rowid;
  if (pass.has_events) {
    auto st = db.prepare("SELECT rowid, id FROM event ORDER BY rowid DESC LIMIT 1");
    if (!st) return st.error();
    auto row = st->step();
    if (!row) return row.error();
    if (*row) {
      pass.event_max = st->int64(0);
      pass.event_max_id = std::string(st->text(1));
    }
  }
  if (!cursor.started) {
    pass.mode = Mode::kAll;
    return tx.end();
  }
  // The event log can be followed from where the last read left it when
  // that row is still there (rows at the end deleted, or renumbered by a
  // VACUUM, would let later events take numbers already seen).
  bool follow = pass.has_events && cursor.event_rowid <= pass.event_max &&
                pass.event_max - cursor.event_rowid <= kMaxEventsToFollow;
  if (follow && cursor.event_rowid > 0) {
    auto st = db.prepare("SELECT id FROM event WHERE rowid = ?1");
    if (!st) return st.error();
    st->bind(1, cursor.event_rowid);
    auto row = st->step();
    if (!row) return row.error();
    follow = *row && st->text(0) == cursor.event_id;
  }
  // Rows at the end deleted since: new rows may take numbers already seen.
  if (pass.message_rowid < cursor.message_rowid || pass.part_rowid < cursor.part_rowid)
    follow = false;
  pass.mode = follow ? Mode::kSessions : Mode::kChangedRows;
  auto changed = db.prepare(
      follow ? "SELECT id FROM message WHERE session_id = ?3 AND time_updated >= ?1 UNION "
               "SELECT message_id FROM part WHERE session_id = ?3 AND time_updated >= ?2"
             : "SELECT id FROM message WHERE time_updated >= ?1 UNION "
               "SELECT message_id FROM part WHERE time_updated >= ?2");
  if (!changed) return changed.error();
  auto collect = [&](std::string_view session) -> Status {
    changed->bind(1, since(cursor.message_updated)).bind(2, since(cursor.part_updated));
    if (follow) changed->bind(3, session);
    while (true) {
      auto row = changed->step();
      if (!row) return row.error();
      if (!*row) break;
      pass.ids.emplace_back(changed->text(0));
    }
    changed->reset();
    return {};
  };
  // Rows added since, whatever their time_updated says (a clock set back).
  auto added = db.prepare(
      "SELECT id FROM message WHERE rowid > ?1 UNION SELECT message_id FROM part WHERE rowid > ?2");
  if (!added) return added.error();
  added->bind(1, cursor.message_rowid).bind(2, cursor.part_rowid);
  while (true) {
    auto row = added->step();
    if (!row) return row.error();
    if (!*row) break;
    pass.ids.emplace_back(added->text(0));
  }
  if (!follow) {
    if (auto s = collect({}); !s) return s;
  } else {
    auto st =
        db.prepare("SELECT DISTINCT aggregate_id FROM event WHERE rowid > ?1 AND rowid <= ?2");
    if (!st) return st.error();
    st->bind(1, cursor.event_rowid).bind(2, pass.event_max);
    std::vector<std::string> sessions;
    while (true) {
      auto row = st->step();
      if (!row) return row.error();
      if (!*row) break;
      sessions.emplace_back(st->text(0));
    }
    for (const std::string& s : sessions)
      if (auto c = collect(s); !c) return c;
  }
  std::sort(pass.ids.begin(), pass.ids.end());
  pass.ids.erase(std::unique(pass.ids.begin(), pass.ids.end()), pass.ids.end());
  return tx.end();
}

// Every message in id order, a transaction for each kMessagesPerTransaction,
// with their parts from one range of the part table's (message_id, id) index.
Status DatabaseReader::read_all(sql::Database& db, Pass& pass, const Sink& sink) {
  auto messages = db.prepare(
      "SELECT id, session_id, time_updated, data FROM message WHERE id > ?1 ORDER BY id LIMIT ?2");
  if (!messages) return messages.error();
  auto parts = db.prepare(
      "SELECT message_id, id, time_created, time_updated, data FROM part "
      "WHERE message_id >= ?1 AND message_id <= ?2 ORDER BY message_id, id");
  if (!parts) return parts.error();
  struct Row {
    std::string id, session;
    bool assistant = false;
    MessageFields message;
  };
  std::vector<Row> rows;
  std::string after;
  while (true) {
    ReadTransaction tx(db);
    if (auto s = tx.begin(); !s) return s;
    rows.clear();
    messages->bind(1, after).bind(2, static_cast<int64_t>(kMessagesPerTransaction));
    while (true) {
      auto row = messages->step();
      if (!row) return row.error();
      if (!*row) break;
      Row& r = rows.emplace_back();
      r.id.assign(messages->text(0));
      r.session.assign(messages->text(1));
      r.assistant = take_message(pass, r.id, messages->int64(2), messages->text(3), r.message);
    }
    messages->reset();
    if (rows.empty()) return tx.end();
    parts->bind(1, rows.front().id).bind(2, rows.back().id);
    auto at = parts->step();
    if (!at) return at.error();
    std::vector<MessagePart> found;
    for (const Row& r : rows) {
      const bool assistant = r.assistant;
      found.clear();
      // Parts sort as their messages do; a part whose message is gone is passed by.
      while (*at && parts->text(0) <= r.id) {
        const bool wanted = assistant && parts->text(0) == r.id;
        take_part(pass, parts->text(1), parts->int64(2), parts->int64(3),
                  wanted ? parts->text(4) : std::string_view(), found);
        at = parts->step();
        if (!at) return at.error();
      }
      if (assistant) {
        if (auto s = finish_message(pass, r.id, r.session, r.message, found); !s) return s;
      }
    }
    parts->reset();
    after = rows.back().id;
    if (auto s = tx.end(); !s) return s;
    if (auto s = sink(requests_); !s) return s;
    requests_.clear();
  }
}

// The messages the plan found, with their parts, by their indexes.
Status DatabaseReader::read_ids(sql::Database& db, Pass& pass, const Sink& sink) {
  auto message = db.prepare("SELECT session_id, time_updated, data FROM message WHERE id = ?1");
  if (!message) return message.error();
  auto parts = db.prepare(
      "SELECT id, time_created, time_updated, data FROM part WHERE message_id = ?1 ORDER BY id");
  if (!parts) return parts.error();
  std::vector<MessagePart> found;
  for (size_t start = 0; start < pass.ids.size(); start += kMessagesPerTransaction) {
    ReadTransaction tx(db);
    if (auto s = tx.begin(); !s) return s;
    const size_t end = std::min(pass.ids.size(), start + kMessagesPerTransaction);
    for (size_t i = start; i < end; ++i) {
      const std::string& id = pass.ids[i];
      message->bind(1, id);
      auto row = message->step();
      if (!row) return row.error();
      MessageFields m;
      std::string session;
      bool assistant = false;
      if (*row) {
        session.assign(message->text(0));
        assistant = take_message(pass, id, message->int64(1), message->text(2), m);
      }
      message->reset();
      if (!assistant) continue;  // deleted since, or not an assistant's
      found.clear();
      parts->bind(1, id);
      while (true) {
        auto p = parts->step();
        if (!p) return p.error();
        if (!*p) break;
        take_part(pass, parts->text(0), parts->int64(1), parts->int64(2), parts->text(3), found);
      }
      parts->reset();
      if (auto s = finish_message(pass, id, session, m, found); !s) return s;
    }
    if (auto s = tx.end(); !s) return s;
    if (auto s = sink(requests_); !s) return s;
    requests_.clear();
  }
  return {};
}

// A message row: counted, parsed into `m`. True for an assistant's message.
bool DatabaseReader::take_message(Pass& pass, const std::string& id, int64_t updated,
                                  std::string_view data, MessageFields& m) {
  ++pass.stats->messages;
  pass.stats->bytes += static_cast<int64_t>(data.size());
  pass.message_updated = std::max(pass.message_updated, updated);
  if (const char* broken = json_.message(data, m)) {
    (*pass.bad_row)("message " + id + ": " + broken);
    return false;
  }
  return m.role == "assistant";
}

// A part row: counted; a step-finish or a finished tool call joins `parts`
// (an empty `data`: counted only).
void DatabaseReader::take_part(Pass& pass, std::string_view id, int64_t created, int64_t updated,
                               std::string_view data, std::vector<MessagePart>& parts) {
  ++pass.stats->parts;
  pass.stats->bytes += static_cast<int64_t>(data.size());
  pass.part_updated = std::max(pass.part_updated, updated);
  if (data.empty() || !part_may_matter(data)) return;
  MessagePart p;
  if (const char* broken = json_.part(data, p.fields)) {
    (*pass.bad_row)("part " + std::string(id) + ": " + broken);
    return;
  }
  // A tool still running is taken when it has finished (its row changes).
  if (p.fields.kind == PartKind::kOther || (p.fields.kind == PartKind::kTool && !p.fields.finished))
    return;
  p.id.assign(id);
  p.created_ms = created;
  for (ToolCall& c : p.fields.calls)
    if (c.id.empty()) c.id = p.id;
  parts.push_back(std::move(p));
}

Status DatabaseReader::finish_message(Pass& pass, const std::string& id,
                                      const std::string& session_id, const MessageFields& m,
                                      const std::vector<MessagePart>& parts) {
  auto facts = session(pass, session_id);
  if (!facts) return facts.error();
  message_requests(id, m, **facts, parts, requests_);
  return {};
}

// A session's facts, and the session its chain of parents starts from
// (a subagent's session names the one that started it).
Result<const SessionFacts*> DatabaseReader::session(Pass& pass, const std::string& id) {
  if (auto it = pass.sessions.find(id); it != pass.sessions.end()) return &it->second;
  SessionFacts facts;
  facts.root_id = id;
  sql::Statement& row = *pass.session_row;
  std::string at = id;
  for (int depth = 0; depth < 16 && !at.empty(); ++depth) {
    row.bind(1, at);
    auto found = row.step();
    if (!found) return found.error();
    std::string parent;
    if (*found) {
      parent.assign(row.text(0));
      if (depth == 0) {
        facts.directory.assign(row.text(1));
        facts.version.assign(row.text(2));
      }
      facts.root_id = at;
    }
    row.reset();
    if (!*found || parent == at) break;
    at = std::move(parent);
  }
  if (facts.root_id != id) facts.agent_id = id;
  return &pass.sessions.emplace(id, std::move(facts)).first->second;
}

}  // namespace codepulse::tracker::opencode
