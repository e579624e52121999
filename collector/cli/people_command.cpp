// codepulse-collector people import | list | show | unmapped | levels set:
// the people directory (docs/PEOPLE.md) whose person, team, group, org and
// level dimensions reports group by. An import replaces the directory
// atomically: a file with any bad row stores nothing.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include "collector/cli/cli_audit.hpp"
#include "collector/cli/cli_table.hpp"
#include "collector/cli/commands.hpp"
#include "collector/cli/people_csv.hpp"
#include "collector/cli/people_yaml.hpp"
#include "collector/cli/prices_cli.hpp"
#include "collector/report/people_views.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

const char* kPeopleUsage =
    "Usage: codepulse-collector people import FILE.csv|FILE.yaml --db PATH|URI\n"
    "       codepulse-collector people list [--format table|json] --db PATH|URI\n"
    "       codepulse-collector people show EMAIL [--format table|json] --db PATH|URI\n"
    "       codepulse-collector people unmapped [--format table|json] --db PATH|URI\n"
    "       codepulse-collector people levels set L1,L2,... --db PATH|URI\n"
    "\n"
    "The people directory: each person's emails and logins (aliases), their team in\n"
    "the hierarchy organisation > group > team and their seniority level, each dated.\n"
    "Reports group by person, team, group, org and level (docs/PEOPLE.md).\n"
    "\n"
    "  import    replace the directory with a CSV's or YAML's (all or nothing)\n"
    "  list      every person with their team and level today\n"
    "  show      one person (by email or alias) with their history\n"
    "  unmapped  authors of records or commits that are no one's alias, with their spend\n"
    "  levels    set the ordered list of levels, lowest first";

std::optional<StoreCommand> open(const std::vector<std::string>& argv, const std::string& usage,
                                 size_t positionals, bool must_exist, int& code) {
  return open_store_command(argv, {}, usage, positionals, "wrong number of arguments (see --help)",
                            must_exist, code);
}

std::string today() {
  return format_date(civil_from_days(now_utc_ms() / 86'400'000));
}

int import(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o = open(argv,
                "Usage: codepulse-collector people import FILE.csv|FILE.yaml --db PATH|URI\n\n"
                "Replaces the people, teams, memberships and levels with the file's: CSV, or\n"
                "YAML for a name ending in .yaml or .yml (docs/PEOPLE.md) (the level\n"
                "list stays: set it first with people levels set). Every row is checked first;\n"
                "a bad row is reported as FILE:LINE and nothing is stored.",
                1, false, code);
  if (!o) return code;
  const std::string path = o->args.positional()[0];
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto stored = o->store->load_people();
  if (!stored) return fail("cannot read the people directory: " + stored.error().message);
  const bool yaml = path.ends_with(".yaml") || path.ends_with(".yml");
  auto d = yaml ? read_people_yaml(path, text, stored->level_order)
                : read_people_csv(path, text, stored->level_order);
  if (!d) return fail(d.error().message + " (nothing imported)");
  if (auto s = o->store->edit_people([&](PeopleRows& rows) {
        rows = *d;
        return Status{};
      });
      !s)
    return fail("nothing imported: " + s.error().message);
  audit_cli(
      *o->store, "people.import", path,
      std::to_string(d->people.size()) + " people, " + std::to_string(d->teams.size()) + " nodes");
  print_out("imported " + std::to_string(d->people.size()) + " people, " +
            std::to_string(d->teams.size()) + " teams and groups, " +
            std::to_string(d->memberships.size()) + " memberships, " +
            std::to_string(d->levels.size()) + " level periods");
  return kExitOk;
}

int list(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o = open(argv,
                "Usage: codepulse-collector people list [--format table|json] --db PATH|URI\n\n"
                "Every person, with their team and level today (UTC).",
                0, true, code);
  if (!o) return code;
  auto d = o->store->load_people();
  if (!d) return fail("cannot read the people directory: " + d.error().message);
  print_out(o->json ? people_json(*d) : render_text_table(people_table(*d, today())));
  return kExitOk;
}

int show(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o = open(argv,
                "Usage: codepulse-collector people show EMAIL [--format table|json] --db "
                "PATH|URI\n\n"
                "One person, found by primary email or alias, with every dated team and level.",
                1, true, code);
  if (!o) return code;
  auto d = o->store->load_people();
  if (!d) return fail("cannot read the people directory: " + d.error().message);
  const PersonRow* p = find_person(*d, o->args.positional()[0]);
  if (!p) return fail("no person has the email or alias " + o->args.positional()[0]);
  if (o->json) {
    print_out(person_json(*d, *p));
    return kExitOk;
  }
  std::ostringstream out;
  out << p->email << " (id " << p->id << ")" << (p->active ? "" : ", inactive") << "\n"
      << "  name     " << p->display_name << "\n  role     " << p->role << "\n  dates    "
      << (p->start_day.empty() ? "-" : p->start_day) << " to "
      << (p->end_day.empty() ? "open" : p->end_day) << "\n  aliases ";
  for (const std::string& a : p->aliases)
    out << " " << a;
  for (const auto& [title, periods] :
       {std::pair{"team ", &d->memberships}, std::pair{"level", &d->levels}})
    for (const PeriodRow& r : *periods)
      if (r.person_id == p->id)
        out << "\n  " << title << "    " << r.value << " from "
            << (r.from_day.empty() ? "the start" : r.from_day) << " to "
            << (r.to_day.empty() ? "open" : r.to_day);
  print_out(out.str());
  return kExitOk;
}

int unmapped(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o = open(argv,
                "Usage: codepulse-collector people unmapped [--format table|json] --db "
                "PATH|URI\n\n"
                "Authors of stored records or commits that are no person's email or alias (in\n"
                "reports: \"(no person)\", \"(no team)\"), the most spend first: map them by\n"
                "adding them as aliases or people.",
                0, true, code);
  if (!o) return code;
  auto authors = unmapped_authors(*o->store);
  if (!authors) return fail(authors.error().message);
  print_out(o->json ? unmapped_json(*authors) : render_text_table(unmapped_table(*authors)));
  return kExitOk;
}

int levels(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o = open(argv,
                "Usage: codepulse-collector people levels set L1,L2,... --db PATH|URI\n\n"
                "Sets the organisation's levels, lowest first. Refused when a stored level\n"
                "period uses a level the list drops.",
                2, false, code);
  if (!o) return code;
  if (o->args.positional()[0] != "set")
    return fail("use people levels set L1,L2,... (see --help)", kExitUsage);
  std::vector<std::string> order;
  std::stringstream list(o->args.positional()[1]);
  for (std::string level; std::getline(list, level, ',');)
    order.push_back(level);
  if (auto s = o->store->edit_people([&](PeopleRows& d) {
        d.level_order = order;
        return Status{};
      });
      !s)
    return fail("levels not set: " + s.error().message);
  print_out("levels: " + o->args.positional()[1]);
  return kExitOk;
}

}  // namespace

int run_people_command(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub.empty() || sub == "--help" || sub == "help") {
    std::puts(kPeopleUsage);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "import") return import(rest);
  if (sub == "list") return list(rest);
  if (sub == "show") return show(rest);
  if (sub == "unmapped") return unmapped(rest);
  if (sub == "levels") return levels(rest);
  return fail("unknown people command '" + sub + "' (use import, list, show, unmapped or levels)",
              kExitUsage);
}

}  // namespace codepulse::collector
