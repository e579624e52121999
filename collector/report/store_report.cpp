#include "collector/report/store_report.hpp"

#include "common/json_writer.hpp"

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
