#include "collector/ingest/ingest_queue.hpp"

#include <chrono>
#include <vector>

namespace codepulse::collector {

IngestQueue::IngestQueue(Store& store, size_t max_group_records)
    : store_(store), max_group_records_(max_group_records), writer_([this] { run(); }) {}

IngestQueue::~IngestQueue() {
  stop();
}

bool IngestQueue::submit(std::shared_ptr<IngestJob> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void IngestQueue::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

size_t IngestQueue::depth() const {
  std::lock_guard lock(mu_);
  return jobs_.size();
}

void IngestQueue::run() {
  std::vector<std::shared_ptr<IngestJob>> group;
  std::vector<IngestRequest> requests;
  while (true) {
    group.clear();
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and everything is stored
      size_t records = 0;
      while (!jobs_.empty() && (group.empty() || records < max_group_records_)) {
        records += jobs_.front()->batch.records.size();
        group.push_back(std::move(jobs_.front()));
        jobs_.pop_front();
      }
    }
    requests.clear();
    for (const auto& job : group)
      requests.push_back({job->author, &job->batch});
    const auto start = std::chrono::steady_clock::now();
    auto results = store_.ingest_many(requests);
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    for (size_t i = 0; i < group.size(); ++i) {
      group[i]->result = std::move(results[i]);
      group[i]->commit_us = us;
      // Moved out first: the callback owns the waiting request, which owns the job.
      auto done = std::move(group[i]->done);
      group[i]->done = nullptr;
      if (done) done();
    }
  }
}

}  // namespace codepulse::collector
