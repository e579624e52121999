// The Checkpointer: PASSIVE checkpoints on its own thread, a RESTART by the
// writer between two commits.
#include "collector/store/sqlite/sqlite_checkpointer.hpp"

namespace codepulse::collector::sqlite_store {

Checkpointer::Checkpointer(sql::Database db) : db_(std::move(db)), thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::restart_if_due(sql::Database& writer) {
  if (!restart_due_.exchange(false)) return;
  sqlite3_wal_checkpoint_v2(writer.handle(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
}

void Checkpointer::note_wal_pages(int pages) {
  if (pages < kPagesPerCheckpoint) return;
  {
    std::lock_guard lock(mu_);
    wanted_ = true;
  }
  wake_.notify_one();
}

void Checkpointer::run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stop_ || wanted_; });
    if (stop_) break;
    wanted_ = false;
    lock.unlock();
    // PASSIVE copies the log into the database without blocking the
    // writer. The writer then finishes the job between two commits
    // (restart_if_due), so the log starts over instead of growing.
    sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    restart_due_ = true;
    lock.lock();
  }
  lock.unlock();
  sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

int on_wal_commit(void* checkpointer, sqlite3*, const char*, int pages) {
  static_cast<Checkpointer*>(checkpointer)->note_wal_pages(pages);
  return SQLITE_OK;
}

}  // namespace codepulse::collector::sqlite_store
