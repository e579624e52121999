// parse: whether an OpenCode database holds a message, for the reader of
// legacy message files: "by message id, the database wins".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/sqlite.hpp"

namespace codepulse::tracker::opencode {

// Whether a database beside legacy files holds a message: "by message id,
// the database wins". One per reader of legacy files; databases are opened
// once and again when they change.
class DatabaseIndex {
 public:
  // True when a database in `data_dir` (opencode.db, opencode-*.db) holds
  // message `id`; false when none does or none can be asked.
  bool has_message(const std::string& data_dir, const std::string& id);

 private:
  struct Open {
    std::string path;
    int64_t dev = 0, ino = 0;
    std::optional<sql::Database> db;
    std::optional<sql::Statement> find;
  };
  struct Folder {
    int64_t mtime_ns = -1;
    std::vector<Open> dbs;
  };
  std::map<std::string, Folder> folders_;
};

}  // namespace codepulse::tracker::opencode
