// queue: the collector's store generation as this tracker last saw it
// (tracker_meta), and what a new one means: the collector was restored from a
// backup, so the records and commits it acknowledged since the backup's time
// (all that are still held when that time is unknown) go back in the queue.
// The collector stores each once, so a resend to a collector that still has
// them only counts duplicates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "tracker/queue/local_store.hpp"

namespace codepulse::tracker {

// What a collector answer says of its store (proto/README.md, "Store generation").
struct CollectorGeneration {
  std::string id;
  std::optional<int64_t> backup_ms;  // the backup it was restored from, when known
};

struct GenerationChange {
  bool first = false;    // no generation was stored: this one is remembered
  bool changed = false;  // another than the stored one: shipped data re-queued
  std::string previous, current;
  std::optional<int64_t> resend_since_ms;  // nullopt: everything still held
  int64_t records = 0, commits = 0;        // put back in the queue
};

// Shipped records and commits acknowledged up to a day before the backup's
// time are sent again too: the two clocks may differ, and a duplicate is cheap.
inline constexpr int64_t kResendMarginMs = 86'400'000;

// The generation last seen ("" for none).
Result<std::string> stored_collector_generation(LocalStore& store);
// Remembers `seen`; when another was stored, puts what was shipped since the
// backup (less the margin) back in the queue. Runs inside the caller's
// transaction, so the new generation is stored with the re-queueing or not at all.
Result<GenerationChange> adopt_collector_generation(LocalStore& store,
                                                    const CollectorGeneration& seen);

}  // namespace codepulse::tracker
