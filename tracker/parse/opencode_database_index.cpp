// The OpenCode databases beside legacy message files (opencode_database_index.hpp).
#include "tracker/parse/opencode_database_index.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <string_view>

#include "tracker/parse/opencode_database.hpp"

namespace codepulse::tracker::opencode {

namespace {

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

// opencode.db, opencode-<channel>.db: the names OpenCode gives its databases.
bool is_database_name(std::string_view name) {
  if (name == "opencode.db") return true;
  return name.rfind("opencode-", 0) == 0 && name.size() > 12 &&
         name.substr(name.size() - 3) == ".db";
}

}  // namespace

bool DatabaseIndex::has_message(const std::string& data_dir, const std::string& id) {
  struct stat dir_st {};
  if (::stat(data_dir.c_str(), &dir_st) != 0) return false;
  Folder& folder = folders_[data_dir];
  if (folder.mtime_ns != mtime_ns(dir_st)) {
    // The folder changed (a database made or removed): list it again.
    folder.mtime_ns = mtime_ns(dir_st);
    folder.dbs.clear();
    if (DIR* d = ::opendir(data_dir.c_str())) {
      while (const dirent* e = ::readdir(d))
        if (is_database_name(e->d_name))
          folder.dbs.emplace_back().path = data_dir + "/" + e->d_name;
      ::closedir(d);
    }
  }
  for (Open& o : folder.dbs) {
    struct stat st {};
    if (::stat(o.path.c_str(), &st) != 0) continue;
    const bool same = o.db && o.dev == static_cast<int64_t>(st.st_dev) &&
                      o.ino == static_cast<int64_t>(st.st_ino);
    if (!same) {
      o.find.reset();
      o.db.reset();
      o.dev = static_cast<int64_t>(st.st_dev);
      o.ino = static_cast<int64_t>(st.st_ino);
      auto db = sql::Database::open_read_only(o.path, DatabaseReader::kBusyTimeoutMs);
      if (!db) continue;
      auto find = db->prepare("SELECT 1 FROM message WHERE id = ?1");
      if (!find) continue;
      o.db = std::move(db).value();
      o.find = std::move(find).value();
    }
    o.find->bind(1, id);
    auto row = o.find->step();
    o.find->reset();
    if (row && *row) return true;
  }
  return false;
}

}  // namespace codepulse::tracker::opencode
