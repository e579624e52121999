#include "collector/report/store_report.hpp"

namespace codepulse::collector {

report::OutcomeReader outcome_reader(Store& store) {
  return [&store](int64_t since, int64_t until) -> Result<report::OutcomeData> {
    report::OutcomeData data;
    auto commits = store.load_commits(since, until);
    if (!commits) return commits.error();
    data.commits = std::move(commits).value();
    auto prs = store.load_pull_requests();
    if (!prs) return prs.error();
    data.pull_requests = std::move(prs).value();
    return data;
  };
}

Result<report::Report> build_report(Store& store, const report::ReportQuery& query) {
  return report::build_report(
      [&store](int64_t since, int64_t until, bool with_tools, report::EpicMap& epics,
               const std::function<bool(const report::UsageFact&)>& fn) {
        return store.read_usage(since, until, with_tools, epics, fn);
      },
      query, outcome_reader(store));
}

}  // namespace codepulse::collector
