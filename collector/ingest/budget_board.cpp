// The budgets' last worked-out state (budget_board.hpp).
#include "collector/ingest/budget_board.hpp"

#include <set>

namespace codepulse::collector {

std::shared_ptr<const BudgetSnapshot> BudgetBoard::snapshot() const {
  std::lock_guard lock(mu_);
  return snapshot_;
}

void BudgetBoard::publish(BudgetSnapshot snapshot) {
  auto next = std::make_shared<const BudgetSnapshot>(std::move(snapshot));
  std::lock_guard lock(mu_);
  snapshot_ = std::move(next);
  error_.clear();
}

void BudgetBoard::failed(std::string error) {
  std::lock_guard lock(mu_);
  error_ = std::move(error);
}

std::string BudgetBoard::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

void write_batch_budgets(JsonWriter& w, const IngestJob& job,
                         const std::shared_ptr<const BudgetSnapshot>& snapshot) {
  w.key("budgets").begin_array();
  if (snapshot && !snapshot->statuses.empty()) {
    // The batch's records are stored as the token's author's, whatever they
    // say: that is the person whose budgets apply.
    std::set<std::string> repos;
    for (const auto& r : job.batch.records)
      if (!r.usage.repo.empty()) repos.insert(r.usage.repo);
    for (const BudgetStatus* s : budgets_for_tracker(snapshot->statuses, {job.author}, repos))
      write_budget_status(w, *s);
  }
  w.end_array();
}

void write_author_budgets(JsonWriter& w, const std::string& author,
                          const std::shared_ptr<const BudgetSnapshot>& snapshot) {
  w.key("budgets").begin_array();
  if (snapshot)
    for (const BudgetStatus* s : budgets_for_tracker(snapshot->statuses, {author}, {}, true))
      write_budget_status(w, *s);
  w.end_array();
}

}  // namespace codepulse::collector
