// The budgets' state as the server last worked it out (BudgetSnapshot),
// read by every batch acknowledgement and by /metrics without computing
// anything: a refresher (collector/serve/budget_refresher.hpp) replaces it
// on a timer. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "collector/ingest/ingest_queue.hpp"
#include "collector/store/budget_status.hpp"
#include "common/json_writer.hpp"

namespace codepulse::collector {

class BudgetBoard {
 public:
  // Null until the first refresh.
  std::shared_ptr<const BudgetSnapshot> snapshot() const;
  void publish(BudgetSnapshot snapshot);
  // The last refresh's error ("" after a refresh that worked).
  void failed(std::string error);
  std::string error() const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const BudgetSnapshot> snapshot_;
  std::string error_;
};

// The acknowledgement's "budgets" array (docs/BUDGETS.md "Trackers"): the
// budgets of `snapshot` that apply to `job`'s caller (the author its
// records are stored under) and its records' repositories; empty before the
// first refresh.
void write_batch_budgets(JsonWriter& w, const IngestJob& job,
                         const std::shared_ptr<const BudgetSnapshot>& snapshot);

// The "budgets" array of an answer that names no repository (GET
// /v1/generation, docs/BUDGETS.md "Trackers"): the budgets of `snapshot` that
// apply to `author` — the organisation's, the person's, their teams' today
// and those of the repositories they spent in this period; empty before the
// first refresh.
void write_author_budgets(JsonWriter& w, const std::string& author,
                          const std::shared_ptr<const BudgetSnapshot>& snapshot);

}  // namespace codepulse::collector
