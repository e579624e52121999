// codepulse-collector audit list | export: the audit log (docs/SECURITY.md,
// "Audit log"): who viewed or exported what, who changed people, prices,
// budgets, seats or tokens, SCIM's changes and single sign-on logins.
// `list` shows it as a table (or JSON, or CSV); `export` writes JSON or CSV,
// the same events GET /v1/admin/audit answers with.
#include <sys/stat.h>

#include <cstdio>

#include "collector/cli/cli_table.hpp"
#include "collector/cli/commands.hpp"
#include "collector/report/audit_views.hpp"
#include "collector/store/store.hpp"
#include "common/cli/args.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

const char* kAuditUsage =
    "Usage: codepulse-collector audit list --db PATH|URI [--since DAY] [--until DAY] [--actor "
    "WHO] [--format table|json|csv]\n"
    "       codepulse-collector audit export --db PATH|URI [--since DAY] [--until DAY] [--actor "
    "WHO] [--format csv|json]\n"
    "\n"
    "The audit log: who viewed or exported what and when, who changed people, prices,\n"
    "budgets, seats or tokens, SCIM's changes and single sign-on logins; oldest first.\n"
    "No event holds a secret (a token, a session). GET /v1/admin/audit answers the same.\n"
    "\n"
    "  list    the events as a table (or --format json|csv)\n"
    "  export  the events as CSV (default) or JSON, for an auditor";

int run(const std::vector<std::string>& argv, bool exporting) {
  const std::vector<FlagSpec> specs = {
      {"db", true, false,
       "the collector's database: a SQLite file, or postgresql://USER@HOST:PORT/DB", "PATH|URI"},
      {"since", true, false, "the first day (YYYY-MM-DD, UTC) or instant", "DAY"},
      {"until", true, false, "the last day (YYYY-MM-DD, UTC; the whole day) or instant", "DAY"},
      {"actor", true, false,
       "only this actor's events (an email, 'cli (USER)', or 'scim okta' as listed)", "WHO"},
      {"format", true, false, exporting ? "csv (default) or json" : "table (default), json or csv",
       "FORMAT"},
      {"help", false, false, "show this help", "VALUE"}};
  auto args = Args::parse(argv, specs);
  if (!args) return fail(args.error().message, kExitUsage);
  if (args->has("help")) {
    std::puts(format_help(exporting ? "Usage: codepulse-collector audit export --db PATH|URI "
                                      "[OPTIONS]\n\nThe audit log as CSV or JSON."
                                    : "Usage: codepulse-collector audit list --db PATH|URI "
                                      "[OPTIONS]\n\nThe audit log, oldest first.",
                          specs)
                  .c_str());
    return kExitOk;
  }
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto db = args->get("db");
  if (!db) return fail("--db PATH is required (see --help)", kExitUsage);
  const std::string format = args->get("format").value_or(exporting ? "csv" : "table");
  if (format != "json" && format != "csv" && (exporting || format != "table"))
    return fail(
        std::string("--format must be ") + (exporting ? "csv or json" : "table, json or csv"),
        kExitUsage);
  auto query = audit_query(args->get("since"), args->get("until"), args->get("actor"));
  if (!query) return fail(query.error().message, kExitUsage);
  struct stat st {};
  if (!is_postgres_uri(*db) && ::stat(db->c_str(), &st) != 0) return fail("no database at " + *db);
  auto store = open_store(*db);
  if (!store) return fail(store.error().message);
  auto events = (*store)->list_audit(*query);
  if (!events) return fail("cannot read the audit log: " + events.error().message);
  if (format == "json") {
    std::puts(audit_json(*events).c_str());
  } else if (format == "csv") {
    std::fputs(audit_csv(*events).c_str(), stdout);
  } else {
    std::vector<std::vector<std::string>> rows = {
        {"ID", "AT", "ACTOR", "ACTION", "TARGET", "DETAIL"}};
    for (const AuditEvent& e : *events)
      rows.push_back({std::to_string(e.id), format_iso8601_utc_ms(e.at_ms), e.actor, e.action,
                      e.target, e.detail});
    std::fputs(render_text_table(rows).c_str(), stdout);
    if (events->empty()) std::puts("(no events)");
  }
  return kExitOk;
}

}  // namespace

int run_audit_command(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub.empty() || sub == "--help" || sub == "help") {
    std::puts(kAuditUsage);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "list") return run(rest, false);
  if (sub == "export") return run(rest, true);
  return fail("unknown audit command '" + sub + "' (use list or export)", kExitUsage);
}

}  // namespace codepulse::collector
