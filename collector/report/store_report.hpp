// The collector's reports: the report engine (common/report) over what a
// store holds, priced with the store's book in force and its overrides.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "collector/store/store.hpp"
#include "common/report/outcome_report.hpp"
#include "common/report/report.hpp"

namespace codepulse::collector {

// The Pricer of the store's pricing in force (its book and active overrides).
Result<std::shared_ptr<const Pricer>> store_pricer(Store& store);

// The store's seats as reports spread them (effective cost).
Result<report::SeatContext> store_seats(Store& store);

// The store's people directory as reports group by it (people_rows.hpp).
Result<std::shared_ptr<const report::PeopleTimeline>> store_people(Store& store);

// A report of the records `store` holds (report::build_report over its
// read_usage: one snapshot, the asked range only), with the store's commits
// and pull requests when the query asks for outcomes, and its seats spread
// as effective cost, its people directory answering the people
// dimensions. Priced with `pricer`,
// or when none is given with the store's pricing in force.
Result<report::Report> build_report(Store& store, const report::ReportQuery& query,
                                    std::shared_ptr<const Pricer> pricer = nullptr);
// Adds to `facts` the commits of [since, until) (their time) that only a
// webhook's push named, no tracker (CommitFacts::pushed_only), once each.
Status add_pushed_only(Store& store, int64_t since, int64_t until, report::CommitFacts& facts);
// The outcomes (commits, pull requests) of a range, from `store`: the
// trackers' commits and the commits only pushes named.
report::OutcomeReader outcome_reader(Store& store);

// report::render, with JSON saying what priced it: "pricing" (the book's
// revision) and "pricing_digest" (Pricer::fingerprint: the book and the
// overrides).
std::string render_priced(const report::Report& r, std::string_view format, const Pricer& pricer);

}  // namespace codepulse::collector
