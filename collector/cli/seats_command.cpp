// codepulse-collector seats add | list | end | remove: the flat-fee seats
// whose monthly price reports spread over their holders' usage as
// effective cost (docs/METRICS.md, "Effective cost"). Every change is
// checked by the store (overlaps, dates, price) and nothing is stored on an
// error.
#include <cstdio>

#include "collector/cli/cli_audit.hpp"
#include "collector/cli/cli_table.hpp"
#include "collector/cli/commands.hpp"
#include "collector/cli/prices_cli.hpp"
#include "collector/report/seat_views.hpp"
#include "common/pricing/usd.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

const char* kSeatsUsage =
    "Usage: codepulse-collector seats add --plan PLAN --assistant NAME --assignee EMAIL\n"
    "           --price USD --start YYYY-MM-DD [--end YYYY-MM-DD] [--note TEXT] --db PATH|URI\n"
    "       codepulse-collector seats list [--format table|json] --db PATH|URI\n"
    "       codepulse-collector seats end ID --on YYYY-MM-DD --db PATH|URI\n"
    "       codepulse-collector seats remove ID --db PATH|URI\n"
    "\n"
    "Flat-fee seats (Claude Max or Team, Copilot, Cursor...): each seat's monthly price,\n"
    "pro-rated by days in a month it starts or ends, is spread over its holder's usage\n"
    "of its assistant that month in proportion to list cost: the effective cost of\n"
    "reports (effective_cost_usd). A seat with no usage in a month is an idle seat.\n"
    "Dates are UTC days, the end the last day held. Two seats of one assignee and plan\n"
    "may not share a day.\n"
    "\n"
    "  add     a seat (prints its id)\n"
    "  list    every seat\n"
    "  end     set the last day a seat is held\n"
    "  remove  delete a seat entered by mistake (a seat that ended: use end)";

std::optional<StoreCommand> open(const std::vector<std::string>& argv, std::vector<FlagSpec> own,
                                 const std::string& usage, size_t positionals, bool must_exist,
                                 int& code) {
  return open_store_command(argv, std::move(own), usage, positionals,
                            "give exactly one seat ID (see --help)", must_exist, code);
}

int add(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o =
      open(argv,
           {{"plan", true, false, "the plan, e.g. claude-max-20x, copilot-business", "PLAN"},
            {"assistant", true, false,
             "the assistant it covers, as reports name it: claude-code, codex, copilot...", "NAME"},
            {"assignee", true, false, "the holder's email, as their records name them", "EMAIL"},
            {"price", true, false, "the monthly price in US dollars, e.g. 200 or 39.99", "USD"},
            {"start", true, false, "the first day held (UTC)", "YYYY-MM-DD"},
            {"end", true, false, "the last day held (UTC); none while held", "YYYY-MM-DD"},
            {"note", true, false, "anything to remember about it", "TEXT"},
            {"by", true, false, "who adds it (default: the OS user name)", "WHO"}},
           "Usage: codepulse-collector seats add --plan PLAN --assistant NAME --assignee "
           "EMAIL\n"
           "           --price USD --start YYYY-MM-DD [--end YYYY-MM-DD] [--note TEXT] "
           "--db PATH|URI\n\n"
           "Adds a seat. Refused when the assignee already holds a seat of the same plan\n"
           "on any of its days, when a date is not a real date or the end is before the\n"
           "start, and when the price is negative or above $1,000,000.",
           0, false, code);
  if (!o) return code;
  for (const char* required : {"plan", "assistant", "assignee", "price", "start"})
    if (!o->args.get(required))
      return fail(std::string("--") + required + " is required (see --help)", kExitUsage);
  auto price = parse_seat_price(*o->args.get("price"));
  if (!price) return fail("--price: " + price.error().message, kExitUsage);
  SeatRow s;
  s.plan = *o->args.get("plan");
  s.assistant = *o->args.get("assistant");
  s.assignee = *o->args.get("assignee");
  s.monthly_nanos = *price;
  s.start_day = *o->args.get("start");
  s.end_day = o->args.get("end").value_or("");
  s.note = o->args.get("note").value_or("");
  s.created_by = changed_by(o->args);
  s.created_ms = now_utc_ms();
  auto id = o->store->add_seat(s);
  if (!id) return fail("seat not added: " + id.error().message);
  audit_cli(*o->store, "seats.add", "seat " + std::to_string(*id),
            s.plan + " of " + s.assignee + " for " + s.assistant + ", $" +
                format_usd(s.monthly_nanos, 2) + " a month from " + s.start_day +
                (s.end_day.empty() ? "" : " to " + s.end_day) + " (by " + s.created_by + ")");
  if (o->json) {
    auto seats = o->store->load_seats();
    if (!seats) return fail(seats.error().message);
    for (const SeatRow& r : *seats)
      if (r.id == *id) print_out(seat_json(r));
    return kExitOk;
  }
  print_out("seat " + std::to_string(*id) + " added: " + s.plan + " of " + s.assignee + " for " +
            s.assistant + ", $" + format_usd(s.monthly_nanos, 2) + " a month from " + s.start_day +
            (s.end_day.empty() ? "" : " to " + s.end_day));
  return kExitOk;
}

int list(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o = open(argv, {},
                "Usage: codepulse-collector seats list [--format table|json] --db PATH|URI\n\n"
                "Every seat with its plan, assistant, assignee, monthly price and dates.",
                0, true, code);
  if (!o) return code;
  auto seats = o->store->load_seats();
  if (!seats) return fail("cannot read the seats: " + seats.error().message);
  print_out(o->json ? seats_json(*seats) : render_text_table(seats_table(*seats)));
  return kExitOk;
}

int end(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o = open(argv, {{"on", true, false, "the last day held (UTC)", "YYYY-MM-DD"}},
                "Usage: codepulse-collector seats end ID --on YYYY-MM-DD --db PATH|URI\n\n"
                "Sets the last day a seat is held; its month is pro-rated by days.",
                1, true, code);
  if (!o) return code;
  const auto id = positive_id(o->args.positional()[0]);
  if (!id) return fail("seat ID must be a positive number (see seats list)", kExitUsage);
  const auto on = o->args.get("on");
  if (!on) return fail("--on YYYY-MM-DD is required (see --help)", kExitUsage);
  if (auto s = o->store->end_seat(*id, *on); !s)
    return fail("seat not ended: " + s.error().message);
  audit_cli(*o->store, "seats.end", "seat " + std::to_string(*id), "last day " + *on);
  print_out("seat " + std::to_string(*id) + " ends on " + *on);
  return kExitOk;
}

int remove(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o = open(argv, {},
                "Usage: codepulse-collector seats remove ID --db PATH|URI\n\n"
                "Deletes a seat entered by mistake: reports no longer spread it. A seat that\n"
                "was held and ended keeps its months: use seats end.",
                1, true, code);
  if (!o) return code;
  const auto id = positive_id(o->args.positional()[0]);
  if (!id) return fail("seat ID must be a positive number (see seats list)", kExitUsage);
  if (auto s = o->store->remove_seat(*id); !s)
    return fail("seat not removed: " + s.error().message);
  audit_cli(*o->store, "seats.remove", "seat " + std::to_string(*id), "removed");
  print_out("seat " + std::to_string(*id) + " removed");
  return kExitOk;
}

}  // namespace

int run_seats_command(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub.empty() || sub == "--help" || sub == "help") {
    std::puts(kSeatsUsage);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "add") return add(rest);
  if (sub == "list") return list(rest);
  if (sub == "end") return end(rest);
  if (sub == "remove") return remove(rest);
  return fail("unknown seats command '" + sub + "' (use add, list, end or remove)", kExitUsage);
}

}  // namespace codepulse::collector
