// Checkpoints the SQLite store's write-ahead log on its own connection and
// thread, so a commit never waits for a checkpoint.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/sqlite.hpp"

namespace codepulse::collector::sqlite_store {

// The writer's auto-checkpoint is off (kPragmas); the writer's WAL hook
// (on_wal_commit) tells this when the log has grown.
class Checkpointer {
 public:
  explicit Checkpointer(sql::Database db);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // On the writer's connection, outside a transaction: after a PASSIVE
  // checkpoint copied most of the log, a RESTART copies the frames added
  // since (a few) and makes the next commit write the log from its start.
  void restart_if_due(sql::Database& writer);

  // From the writer's WAL hook: the log holds `pages` pages.
  void note_wal_pages(int pages);

 private:
  static constexpr int kPagesPerCheckpoint = 4000;  // 16 MiB of 4 KiB pages

  void run();

  sql::Database db_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false, wanted_ = false;
  std::atomic<bool> restart_due_{false};
  std::thread thread_;
};

// A sqlite3_wal_hook callback; `checkpointer` is the Checkpointer.
int on_wal_commit(void* checkpointer, sqlite3*, const char*, int pages);

}  // namespace codepulse::collector::sqlite_store
