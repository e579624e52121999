// The budget state each receipt carries, kept for the Claude Code hook: a
// receipt without "budgets" leaves the last state; a malformed one is logged
// (once until it changes) and leaves it too; the batch is shipped either way.
#include "common/time.hpp"
#include "tracker/ship/budget_state.hpp"
#include "tracker/ship/shipper.hpp"

namespace codepulse::tracker {

void Shipper::take_budgets(simdjson::dom::element receipt) {
  if (options_.state_dir.empty()) return;
  auto budgets = budgets_in(receipt);
  Status kept;
  if (!budgets)
    kept = make_error("the collector's budget state is malformed (" + budgets.error().message +
                      "); the hook keeps the last one");
  else if (!*budgets)
    return;  // a collector without budgets
  else
    kept = write_budget_state(options_.state_dir, {now_utc_ms(), std::move(**budgets)});
  if (kept) {
    if (!budgets_problem_.empty())
      log_.info("ship", "the collector's budget state is kept again in " +
                            budget_state_path(options_.state_dir));
    budgets_problem_.clear();
    return;
  }
  if (kept.error().message == budgets_problem_) return;
  budgets_problem_ = kept.error().message;
  log_.error("ship", budgets_problem_);
}

}  // namespace codepulse::tracker
