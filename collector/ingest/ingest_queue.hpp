// The store's single writer: batches from every connection wait here and a
// dedicated thread stores them with group commit, so one fsync covers every
// batch that arrived while the previous commit was syncing. Each batch still
// commits all or nothing, and its reply is sent only after the commit.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "collector/store/store.hpp"

namespace codepulse::collector {

struct IngestJob {
  std::string author;
  proto::DecodedBatch batch;
  std::optional<Result<IngestResult>> result;  // set before `done` runs
  int64_t commit_us = 0;                       // time of the group's store call
  // Runs on the writer thread after the commit; post to your own executor.
  std::function<void()> done;
};

class IngestQueue {
 public:
  // `max_group_records`: a group closes once it holds this many records.
  explicit IngestQueue(Store& store, size_t max_group_records = 50'000);
  ~IngestQueue();  // stop()
  IngestQueue(const IngestQueue&) = delete;
  IngestQueue& operator=(const IngestQueue&) = delete;

  // False after stop(): the job was not queued.
  bool submit(std::shared_ptr<IngestJob> job);
  // Stores every queued job, then ends the writer thread.
  void stop();
  size_t depth() const;

 private:
  void run();

  Store& store_;
  const size_t max_group_records_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<IngestJob>> jobs_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace codepulse::collector
