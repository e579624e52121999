// parse: OpenCode's SQLite database (opencode.db, opencode-<channel>.db), read
// alongside the OpenCode processes writing it: opened read-only (never a
// copy, never immutable, so its -wal is read too), in short read
// transactions. Rows are updated in place (a message gets its tokens when a
// step finishes; tool parts change state), so a read resumes from a cursor
// of the greatest time_updated seen per table, and narrows the rows to look
// at through OpenCode's event log when it has one (see opencode_database.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "common/sqlite.hpp"
#include "tracker/parse/line_parser.hpp"
#include "tracker/parse/opencode_json.hpp"
#include "tracker/parse/opencode_requests.hpp"

namespace codepulse::tracker::opencode {

// Where the last read of a database ended; carried with its file state.
struct Cursor {
  bool started = false;         // false: every row is read
  int64_t event_rowid = 0;      // the last event row seen (0: none)
  std::string event_id;         // its id: a deleted or renumbered row is noticed
  int64_t message_updated = 0;  // the greatest message.time_updated seen
  int64_t part_updated = 0;     // the greatest part.time_updated seen
  // The greatest rowids seen: rows added later have greater ones, whatever
  // their writer's clock said.
  int64_t message_rowid = 0, part_rowid = 0;
  // The -wal file when the database was last read (the scanner's business).
  int64_t wal_size = -1, wal_mtime_ns = 0;

  std::string encode() const;
  // nullopt for a state this version does not know (read everything again).
  static std::optional<Cursor> decode(std::string_view text);
};

// How one read went.
struct DatabaseRead {
  int64_t messages = 0, parts = 0;  // rows read
  int64_t bytes = 0;                // of their data
  bool whole = false;               // every row was read, not just the changed ones
};

class DatabaseReader {
 public:
  // How long a statement waits for OpenCode's lock before the read is given
  // up (reported; read again on the next change).
  static constexpr int kBusyTimeoutMs = 2000;
  // Rows updated this long before the greatest time_updated seen are looked
  // at again: writers' clocks and commits are not in perfect order.
  static constexpr int64_t kLookbackMs = 5 * 60 * 1000;
  static constexpr size_t kMessagesPerTransaction = 500;
  // More new events than this: reading every row's time_updated is cheaper.
  static constexpr int64_t kMaxEventsToFollow = 200000;

  using Sink = std::function<Status(std::vector<RequestLine>&)>;
  // Reads what changed since `cursor` (everything when it is not started)
  // and moves it on. `sink` gets the requests of each batch of messages (an
  // error from it stops the read and is returned); `bad_row` hears of each
  // row whose JSON is broken (skipped). An error (locked, corrupt, not an
  // OpenCode database) leaves `cursor` as it was.
  Status read(const std::string& path, Cursor& cursor, const Sink& sink,
              const std::function<void(const std::string&)>& bad_row, DatabaseRead& stats);
  // Line provenance: the lines the calls of its parts wrote are
  // fingerprinted with `fp` (JsonReader::set_fingerprinter).
  void set_fingerprinter(LineFingerprinter* fp) { json_.set_fingerprinter(fp); }

 private:
  struct Pass;
  Status plan(sql::Database& db, const Cursor& cursor, Pass& pass);
  Status read_all(sql::Database& db, Pass& pass, const Sink& sink);
  Status read_ids(sql::Database& db, Pass& pass, const Sink& sink);
  bool take_message(Pass& pass, const std::string& id, int64_t updated, std::string_view data,
                    MessageFields& m);
  void take_part(Pass& pass, std::string_view id, int64_t created, int64_t updated,
                 std::string_view data, std::vector<MessagePart>& parts);
  Status finish_message(Pass& pass, const std::string& id, const std::string& session_id,
                        const MessageFields& m, const std::vector<MessagePart>& parts);
  Result<const SessionFacts*> session(Pass& pass, const std::string& id);

  JsonReader json_;
  std::vector<RequestLine> requests_;
};

}  // namespace codepulse::tracker::opencode
