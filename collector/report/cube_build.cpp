#include "collector/report/cube_build.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace codepulse::collector {
namespace {

constexpr size_t kBatchFacts = 2048;
constexpr size_t kBatchesQueued = 8;

// Facts copied out of the scan; kept and reused, so their strings keep
// their capacity from batch to batch.
struct Batch {
  std::vector<report::UsageFact> facts;
  size_t used = 0;
};

}  // namespace

Status build_cube_from(report::UsageCube& cube, const std::function<Status(const UsageScan&)>& scan,
                       const std::function<bool()>& stop) {
  std::mutex mu;
  std::condition_variable changed;
  std::deque<Batch> full, spare;
  bool scanned = false;
  std::thread folder([&] {
    Batch batch;
    while (true) {
      {
        std::unique_lock lock(mu);
        if (!batch.facts.empty()) spare.push_back(std::move(batch));
        changed.notify_all();
        changed.wait(lock, [&] { return !full.empty() || scanned; });
        if (full.empty()) return;
        batch = std::move(full.front());
        full.pop_front();
      }
      for (size_t i = 0; i < batch.used; ++i)
        cube.add(batch.facts[i]);
    }
  });
  Batch batch;
  auto hand_over = [&] {
    std::unique_lock lock(mu);
    changed.wait(lock, [&] { return full.size() < kBatchesQueued; });
    full.push_back(std::move(batch));
    batch = Batch();
    if (!spare.empty()) {
      batch = std::move(spare.front());
      spare.pop_front();
    }
    batch.used = 0;
    changed.notify_all();
  };
  Status s = scan([&](const report::UsageFact& f) {
    if (batch.used == batch.facts.size()) batch.facts.emplace_back();
    batch.facts[batch.used++] = f;
    if (batch.used == kBatchFacts) hand_over();
    return !stop();
  });
  if (batch.used > 0) hand_over();
  {
    std::lock_guard lock(mu);
    scanned = true;
  }
  changed.notify_all();
  folder.join();
  if (s) cube.compact();
  return s;
}

}  // namespace codepulse::collector
