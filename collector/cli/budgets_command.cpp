// codepulse-collector budgets add | list | remove | status | override: an
// amount per month or ISO week for a scope (docs/BUDGETS.md), its state
// this period from the report engine, and admins' time-limited overrides.
// Every change is checked by the store and nothing is stored on an error.
#include <charconv>
#include <cstdio>

#include "collector/cli/cli_table.hpp"
#include "collector/cli/commands.hpp"
#include "collector/cli/prices_cli.hpp"
#include "collector/report/budget_state.hpp"
#include "collector/report/budget_views.hpp"
#include "common/pricing/usd.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

const char* kBudgetsUsage =
    "Usage: codepulse-collector budgets add --scope SCOPE [--value VALUE] --amount USD\n"
    "           [--period month|week] [--basis org|list|effective] [--warn PERCENT]\n"
    "           [--enforce] [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--note TEXT]\n"
    "           [--allow-unseen] --db PATH|URI\n"
    "       codepulse-collector budgets list [--format table|json] --db PATH|URI\n"
    "       codepulse-collector budgets remove ID --db PATH|URI\n"
    "       codepulse-collector budgets status [--format table|json] --db PATH|URI\n"
    "       codepulse-collector budgets override --budget ID --until TIME --reason TEXT\n"
    "           --db PATH|URI\n"
    "\n"
    "Budgets: an amount in US dollars per UTC month or ISO week (Monday to Sunday, UTC)\n"
    "for the organisation (org), a person (their author email), a repository (repo),\n"
    "an epic, a model or an assistant, on organisation, list or effective cost. Each\n"
    "is ok, warn (at its warn threshold, 80% unless given), over (100%) or\n"
    "forecast_over (the forecast to the period's end reaches it); trackers are told\n"
    "with each batch acknowledgement and may block new prompts of an enforced budget\n"
    "over 100% until an admin's override ends. Two budgets of one scope, value and\n"
    "period kind may not share a day.\n"
    "\n"
    "  add       a budget (prints its id)\n"
    "  list      every budget and its overrides\n"
    "  remove    delete a budget and its overrides\n"
    "  status    each budget's spend, forecast and state this period\n"
    "  override  lift a budget's enforcement until a time, with a reason";

std::optional<StoreCommand> open(const std::vector<std::string>& argv, std::vector<FlagSpec> own,
                                 const std::string& usage, size_t positionals, bool must_exist,
                                 int& code) {
  return open_store_command(argv, std::move(own), usage, positionals,
                            "give exactly one budget ID (see --help)", must_exist, code);
}

int add(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o = open(
      argv,
      {{"scope", true, false, "org, person, team, repo, epic, model or assistant", "SCOPE"},
       {"value", true, false,
        "the scope's value as reports name it: an author's email, a repository, ... (none "
        "for org)",
        "VALUE"},
       {"amount", true, false, "US dollars a period, above 0, e.g. 500 or 99.50", "USD"},
       {"period", true, false, "month (UTC, the default) or week (ISO, Monday to Sunday)",
        "PERIOD"},
       {"basis", true, false, "the cost it counts: org (the default), list or effective", "BASIS"},
       {"warn", true, false, "the warn threshold in percent of the amount (default 80)", "PERCENT"},
       {"enforce", false, false, "trackers may block new prompts once it is over 100%", ""},
       {"start", true, false, "the first day it applies (UTC; default today)", "YYYY-MM-DD"},
       {"end", true, false, "the last day it applies (UTC); none while open", "YYYY-MM-DD"},
       {"note", true, false, "anything to remember about it", "TEXT"},
       {"allow-unseen", false, false,
        "add it even though no record has the value yet (e.g. a new repository)", ""},
       {"by", true, false, "who adds it (default: the OS user name)", "WHO"}},
      "Usage: codepulse-collector budgets add --scope SCOPE [--value VALUE] --amount USD\n"
      "           [--period month|week] [--basis org|list|effective] [--warn PERCENT]\n"
      "           [--enforce] [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--note TEXT]\n"
      "           [--allow-unseen] --db PATH|URI\n\n"
      "Adds a budget. Refused for an unknown scope, a value no record has (unless\n"
      "--allow-unseen), an amount that is not above 0, a threshold outside 1-99, a date\n"
      "that is not a date, and a budget of the same scope, value and period kind on any\n"
      "common day (remove that one first).",
      0, false, code);
  if (!o) return code;
  for (const char* required : {"scope", "amount"})
    if (!o->args.get(required))
      return fail(std::string("--") + required + " is required (see --help)", kExitUsage);
  auto amount = parse_budget_amount(*o->args.get("amount"));
  if (!amount) return fail("--amount: " + amount.error().message, kExitUsage);
  BudgetRow b;
  b.scope = *o->args.get("scope");
  b.value = o->args.get("value").value_or("");
  b.limit_nanos = *amount;
  b.period = o->args.get("period").value_or("month");
  b.basis = o->args.get("basis").value_or("org");
  if (auto warn = o->args.get("warn")) {
    int64_t pct = 0;
    const auto [end, ec] = std::from_chars(warn->data(), warn->data() + warn->size(), pct);
    if (ec != std::errc() || end != warn->data() + warn->size())
      return fail("--warn: expected a whole percent from 1 to 99, got '" + *warn + "'", kExitUsage);
    b.warn_percent = pct;
  }
  b.enforce = o->args.has("enforce");
  b.start_day = o->args.get("start").value_or(day_of_ms(now_utc_ms()));
  b.end_day = o->args.get("end").value_or("");
  b.note = o->args.get("note").value_or("");
  b.created_by = changed_by(o->args);
  b.created_ms = now_utc_ms();
  if (auto ok = check_new_budget(*o->store, b, o->args.has("allow-unseen")); !ok)
    return fail("budget not added: " + ok.error().message);
  auto id = o->store->add_budget(b);
  if (!id) return fail("budget not added: " + id.error().message);
  if (o->json) {
    auto budgets = o->store->load_budgets();
    if (!budgets) return fail(budgets.error().message);
    for (const BudgetRow& r : *budgets)
      if (r.id == *id) print_out(budget_json(r, {}, now_utc_ms()));
    return kExitOk;
  }
  b.id = *id;
  print_out(budget_name(b) + " added" + (b.enforce ? ", enforced" : ""));
  return kExitOk;
}

int list(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o = open(argv, {},
                "Usage: codepulse-collector budgets list [--format table|json] --db PATH|URI\n\n"
                "Every budget with its scope, value, period, basis, amount, threshold, dates\n"
                "and overrides (the override in force, if any, in the table).",
                0, true, code);
  if (!o) return code;
  auto budgets = o->store->load_budgets();
  if (!budgets) return fail("cannot read the budgets: " + budgets.error().message);
  auto overrides = o->store->load_budget_overrides();
  if (!overrides) return fail("cannot read the overrides: " + overrides.error().message);
  const int64_t now = now_utc_ms();
  print_out(o->json ? budgets_json(*budgets, *overrides, now)
                    : render_text_table(budgets_table(*budgets, *overrides, now)));
  return kExitOk;
}

int remove(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o = open(argv, {},
                "Usage: codepulse-collector budgets remove ID --db PATH|URI\n\n"
                "Deletes a budget and its overrides: trackers are no longer told of it.",
                1, true, code);
  if (!o) return code;
  const auto id = positive_id(o->args.positional()[0]);
  if (!id) return fail("budget ID must be a positive number (see budgets list)", kExitUsage);
  if (auto s = o->store->remove_budget(*id); !s)
    return fail("budget not removed: " + s.error().message);
  print_out("budget " + std::to_string(*id) + " removed");
  return kExitOk;
}

int status(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o = open(argv, {},
                "Usage: codepulse-collector budgets status [--format table|json] --db PATH|URI\n\n"
                "Each budget in force today: its period, spend so far (the numbers report\n"
                "gives for its scope and basis), forecast to the period's end, percent and\n"
                "state (ok, warn, over, forecast_over), and an override in force.",
                0, true, code);
  if (!o) return code;
  const int64_t now = now_utc_ms();
  auto statuses = budget_statuses(*o->store, now);
  if (!statuses) return fail("cannot work out the budgets' state: " + statuses.error().message);
  print_out(o->json ? budget_statuses_json(*statuses, now)
                    : render_text_table(budget_status_table(*statuses)));
  return kExitOk;
}

int override_budget(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o =
      open(argv,
           {{"budget", true, false, "the budget's id (budgets list)", "ID"},
            {"until", true, false, "when the override ends: an ISO time like 2026-12-06T00:00:00Z",
             "TIME"},
            {"reason", true, false, "why (kept with it and listed)", "TEXT"},
            {"by", true, false, "who grants it (default: the OS user name)", "WHO"}},
           "Usage: codepulse-collector budgets override --budget ID --until TIME --reason TEXT\n"
           "           --db PATH|URI\n\n"
           "Lifts an enforced budget's block until TIME: trackers are told override_until\n"
           "and let prompts through until then. Stored and listed (budgets list); the\n"
           "budget's spend, state and alerts are unchanged.",
           0, true, code);
  if (!o) return code;
  for (const char* required : {"budget", "until", "reason"})
    if (!o->args.get(required))
      return fail(std::string("--") + required + " is required (see --help)", kExitUsage);
  const auto id = positive_id(*o->args.get("budget"));
  if (!id) return fail("--budget must be a budget's id (see budgets list)", kExitUsage);
  const auto until = parse_iso8601_utc_ms(*o->args.get("until"));
  if (!until)
    return fail("--until: expected an ISO time like 2026-12-06T00:00:00Z, got '" +
                    *o->args.get("until") + "'",
                kExitUsage);
  BudgetOverride ov;
  ov.budget_id = *id;
  ov.until_ms = *until;
  ov.reason = *o->args.get("reason");
  ov.created_by = changed_by(o->args);
  ov.created_ms = now_utc_ms();
  auto added = o->store->add_budget_override(ov, ov.created_ms);
  if (!added) return fail("override not added: " + added.error().message);
  print_out("override " + std::to_string(*added) + " of budget " + std::to_string(*id) + " until " +
            iso_seconds(*until));
  return kExitOk;
}

}  // namespace

int run_budgets_command(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub.empty() || sub == "--help" || sub == "help") {
    std::puts(kBudgetsUsage);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "add") return add(rest);
  if (sub == "list") return list(rest);
  if (sub == "remove") return remove(rest);
  if (sub == "status") return status(rest);
  if (sub == "override") return override_budget(rest);
  return fail("unknown budgets command '" + sub + "' (use add, list, remove, status or override)",
              kExitUsage);
}

}  // namespace codepulse::collector
