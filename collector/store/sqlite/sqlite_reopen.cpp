// Reopening the SQLite store's connections after a storage fault: all of
// them are closed first, so SQLite unmaps the -shm file and maps it afresh
// (or opens it read-only, and then the store is reopened again later).
#include <chrono>

#include "collector/store/sqlite/sqlite_guarded_vfs.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"

namespace codepulse::collector::sqlite_store {
namespace {

constexpr int64_t kReopenEveryMs = 1000;  // at most one attempt a second

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status SqliteStore::heal() {
  auto faulted = [this] {
    const StorageFaults now = storage_faults();
    return !healthy_.load() || now.sigbus != opened_sigbus_.load() || now.io != opened_io_.load();
  };
  if (!faulted()) return {};
  std::lock_guard heal_lock(heal_mu_);
  if (!faulted()) return {};  // another thread has just reopened them
  const int64_t now = steady_ms();
  if (now - last_heal_ms_ < kReopenEveryMs) {
    if (healthy_.load()) return {};  // reopened a moment ago: go on with those connections
    return make_error("the database " + path_ +
                      " is being reopened after a storage fault; retry in a second");
  }
  last_heal_ms_ = now;
  std::scoped_lock all(mu_, reader_mu_, report_mu_);
  if (scanning_.load())
    return make_error("the database " + path_ + " had a storage fault; retry in a second");
  close_connections();
  Status s = open_connections();
  if (s) s = prepare_all();
  if (s) s = load_uid_index();  // a group whose commit failed may have left keys behind
  healthy_ = static_cast<bool>(s);
  if (!s) {
    close_connections();
    return make_error("the database " + path_ +
                      " had a storage fault and cannot be reopened yet: " + s.error().message);
  }
  return {};
}

void SqliteStore::close_connections() {
  if (db_.handle()) sqlite3_wal_hook(db_.handle(), nullptr, nullptr);
  checkpointer_.reset();
  report_db_.reset();
  for (sql::Statement* st : statements())
    *st = sql::Statement();
  uids_.close();
  reader_ = sql::Database();
  db_ = sql::Database();
}

}  // namespace codepulse::collector::sqlite_store
