#include "collector/report/store_report.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "common/json_writer.hpp"

namespace codepulse::collector {

Status add_pushed_only(Store& store, int64_t since, int64_t until, report::CommitFacts& facts) {
  auto delivery = store.load_delivery();
  if (!delivery) return delivery.error();
  std::set<std::pair<std::string, std::string>> known;
  for (const CommitRecord& c : facts.commits)
    known.emplace(c.repo, c.sha);
  facts.pushed_only.assign(facts.commits.size(), false);
  facts.pushed_merge.assign(facts.commits.size(), false);
  for (const PushedCommitRow& p : delivery->pushed) {
    if (p.time_ms < since || p.time_ms >= until) continue;
    if (!known.emplace(p.repo, p.sha).second) continue;  // a tracker's, or pushed to two branches
    CommitRecord c;
    c.repo = p.repo;
    c.sha = p.sha;
    if (!p.parent_sha.empty()) c.parents.push_back(p.parent_sha);
    c.author_email = p.author_email;
    c.author_ms = c.committer_ms = p.time_ms;
    c.branch = p.branch;
    c.task_keys = p.task_keys;  // the keys its message named
    facts.commits.push_back(std::move(c));
    facts.pushed_only.push_back(true);
    facts.pushed_merge.push_back(p.merge);
  }
  // Back in load_commits' order: committer time, then sha.
  std::vector<size_t> order(facts.commits.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const CommitRecord &x = facts.commits[a], &y = facts.commits[b];
    return x.committer_ms != y.committer_ms ? x.committer_ms < y.committer_ms : x.sha < y.sha;
  });
  report::CommitFacts sorted;
  sorted.rework_of_commits = std::move(facts.rework_of_commits);
  for (size_t i : order) {
    sorted.commits.push_back(std::move(facts.commits[i]));
    sorted.pushed_only.push_back(facts.pushed_only[i]);
    sorted.pushed_merge.push_back(facts.pushed_merge[i]);
  }
  facts = std::move(sorted);
  return {};
}

report::OutcomeReader outcome_reader(Store& store) {
  return [&store](int64_t since, int64_t until) -> Result<report::OutcomeData> {
    report::OutcomeData data;
    auto commits = store.load_commits(since, until);
    if (!commits) return commits.error();
    data.commits = std::move(commits).value();
    if (auto s = add_pushed_only(store, since, until, data.commits); !s) return s.error();
    auto prs = store.load_pull_requests();
    if (!prs) return prs.error();
    data.pull_requests = std::move(prs).value();
    return data;
  };
}

Result<std::shared_ptr<const Pricer>> store_pricer(Store& store) {
  auto rows = store.load_pricing();
  if (!rows) return rows.error();
  return pricer_of(*rows);
}

Result<report::SeatContext> store_seats(Store& store) {
  auto seats = store.load_seats();
  if (!seats) return make_error("cannot read the seats: " + seats.error().message);
  report::SeatContext context;
  context.charges = seat_charges(*seats);
  return context;
}

Result<std::shared_ptr<const report::PeopleTimeline>> store_people(Store& store) {
  auto people = store.load_people();
  if (!people) return make_error("cannot read the people directory: " + people.error().message);
  return people_timeline(*people);
}

Result<report::Report> build_report(Store& store, const report::ReportQuery& query,
                                    std::shared_ptr<const Pricer> pricer) {
  auto seats = store_seats(store);
  if (!seats) return seats.error();
  auto people = store_people(store);
  if (!people) return people.error();
  if (!pricer) {
    auto loaded = store_pricer(store);
    if (!loaded) return loaded.error();
    pricer = std::move(loaded).value();
  }
  return report::build_report(
      [&store](int64_t since, int64_t until, bool with_tools, report::EpicMap& epics,
               const std::function<bool(const report::UsageFact&)>& fn) {
        return store.read_usage(since, until, with_tools, epics, fn);
      },
      query, outcome_reader(store), std::move(pricer), &*seats, std::move(people).value());
}

std::string render_priced(const report::Report& r, std::string_view format, const Pricer& pricer) {
  std::string out = report::render(r, format);
  if (format != "json" || out.empty() || out.front() != '{') return out;
  std::string fields;
  JsonWriter w(fields);
  w.begin_object()
      .field("pricing", pricer.book().revision())
      .field("pricing_digest", pricer.fingerprint())
      .end_object();
  // {"pricing":...,"pricing_digest":"..."} + the report's own keys.
  fields.back() = ',';
  out.replace(0, 1, fields);
  return out;
}

}  // namespace codepulse::collector
