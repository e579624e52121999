// codepulse-collector report: tokens and cost of every author's records in
// the collector's database, nested by any dimensions (the same engine and
// output shapes as `codepulse-tracker report`), priced with the book and
// overrides in force in that database.
#include <sys/stat.h>

#include <cstdio>

#include "collector/cli/commands.hpp"
#include "collector/report/pricing_state.hpp"
#include "collector/report/store_report.hpp"
#include "collector/store/sqlite/sqlite_people.hpp"
#include "collector/store/sqlite/sqlite_pricing.hpp"
#include "collector/store/sqlite/sqlite_seats.hpp"
#include "collector/store/store.hpp"
#include "common/report/report_args.hpp"
#include "common/sqlite.hpp"

namespace codepulse::collector {

namespace {

struct Priced {
  report::Report report;
  std::shared_ptr<const Pricer> pricer;
};

// Read-only: a report never migrates or writes the file. It prices with the
// book and overrides in force in the file.
Result<Priced> report_of_sqlite(const std::string& path, const report::ReportQuery& q) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return make_error("no database at " + path);
  auto db = sql::Database::open(path, /*create=*/false);
  if (!db) return db.error();
  if (auto s = db->exec("PRAGMA query_only=ON"); !s) return s.error();
  auto rows = sqlite_store::load_pricing_rows(*db);
  if (!rows) return rows.error();
  auto pricer = pricer_of(*rows);
  if (!pricer) return pricer.error();
  auto seats = sqlite_store::load_seat_rows(*db);
  if (!seats) return make_error("cannot read the seats: " + seats.error().message);
  report::SeatContext context;
  context.charges = seat_charges(*seats);
  auto people = sqlite_store::load_people_rows(*db);
  if (!people) return make_error("cannot read the people directory: " + people.error().message);
  auto r = report::build_report(*db, q, *pricer, &context, people_timeline(*people));
  if (!r) return r.error();
  return Priced{std::move(r).value(), std::move(pricer).value()};
}

Result<Priced> report_of_store(const std::string& uri, const report::ReportQuery& q) {
  auto store = open_store(uri);
  if (!store) return store.error();
  auto state = PricingState::open(**store);
  if (!state) return state.error();
  auto pricer = (*state)->current();
  auto r = build_report(**store, q, pricer);
  if (!r) return r.error();
  return Priced{std::move(r).value(), std::move(pricer)};
}

}  // namespace

int run_report_command(const std::vector<std::string>& argv) {
  auto specs = report_flags(ReportFlavour::kOutcomes);
  specs.push_back({"db", true, false,
                   "the collector's database: a SQLite file, or postgresql://USER@HOST:PORT/DB",
                   "PATH|URI"});
  const auto args = parse_command(kProgram, argv, specs,
                                  "Usage: codepulse-collector report --db PATH|URI [OPTIONS]\n\n"
                                  "Tokens and cost of the stored records, nested by the given "
                                  "dimensions.");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto path = args->get("db");
  if (!path) return fail("--db PATH is required (see --help)", kExitUsage);
  auto request = parse_report_args(*args, ReportFlavour::kOutcomes);
  if (!request) return fail(request.error().message, kExitUsage);
  // Outcomes read the store's commits and pull requests through the store.
  const bool through_store = is_postgres_uri(*path) || request->query.wants_outcomes();
  if (through_store && !is_postgres_uri(*path)) {
    struct stat st {};
    if (::stat(path->c_str(), &st) != 0) return fail("no database at " + *path);
  }
  auto report = through_store ? report_of_store(*path, request->query)
                              : report_of_sqlite(*path, request->query);
  if (!report) return fail(report.error().message);
  const std::string out = render_priced(report->report, request->format, *report->pricer);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace codepulse::collector
