// codepulse-collector prices list | show | history | unpriced, and the
// dispatcher of every `prices` subcommand (import and override are in
// prices_change_command.cpp).
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "collector/cli/cli_table.hpp"
#include "collector/cli/commands.hpp"
#include "collector/cli/prices_cli.hpp"
#include "collector/report/price_views.hpp"
#include "collector/serve/server_config.hpp"
#include "common/environment.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

const char* kPricesUsage =
    "Usage: codepulse-collector prices list|show|history|unpriced --db PATH|URI [OPTIONS]\n"
    "       codepulse-collector prices import FILE --db PATH|URI [--note TEXT] [--by WHO]\n"
    "       codepulse-collector prices override add|remove ... --db PATH|URI\n"
    "\n"
    "The prices the collector reports with: a dated price book (the builtin one until\n"
    "a book is imported) and the organisation's rate overrides stacked on it. Every\n"
    "change is stored with who made it and when, and re-prices every report from the\n"
    "stored tokens (a running collector rebuilds its reports within seconds).\n"
    "\n"
    "  list       every family with its rates now: list prices and, where an override\n"
    "             applies, the organisation's\n"
    "  show MODEL every period of a model's family, with sources and the overrides\n"
    "  history    book imports and override changes, newest first, with who and when\n"
    "  unpriced   models seen without a price, with their requests and tokens\n"
    "  import     validate a price book (JSON, docs/PRICING.md) and put it in force\n"
    "  override   add or remove an organisation rate (override add --help)\n"
    "\n"
    "Rates are USD per million tokens. Run 'codepulse-collector prices SUBCOMMAND --help'\n"
    "for its options; --config FILE reads the database from the serve configuration.";

struct Loaded {
  Args args;
  std::unique_ptr<Store> store;
  std::shared_ptr<const Pricer> pricer;
  std::optional<StoredBook> book;
  bool json = false;
};

// Parses a read subcommand and loads the prices in force; nullopt with
// `code` set when the command ends here.
std::optional<Loaded> load(const std::vector<std::string>& argv, std::vector<FlagSpec> own,
                           const std::string& usage, size_t positionals, int& code) {
  auto opened = open_store_command(argv, std::move(own), usage, positionals,
                                   "give exactly one MODEL (see --help)", true, code);
  if (!opened) return std::nullopt;
  Loaded out;
  out.args = std::move(opened->args);
  out.json = opened->json;
  out.store = std::move(opened->store);
  auto rows = out.store->load_pricing();
  auto pricer = rows ? pricer_of(*rows) : Result<std::shared_ptr<const Pricer>>(rows.error());
  if (!pricer) {
    code = fail("cannot load the prices: " + pricer.error().message);
    return std::nullopt;
  }
  out.pricer = std::move(pricer).value();
  out.book = std::move(rows->book);
  if (out.book) out.book->body.clear();
  return out;
}

std::string rates_text(const MtokRates& r) {
  return usd_per_mtok_text(r.input) + " / " + usd_per_mtok_text(r.output) + " / " +
         usd_per_mtok_text(r.cache_write_5m) + " / " + usd_per_mtok_text(r.cache_write_1h) + " / " +
         usd_per_mtok_text(r.cache_read);
}

std::string book_line(const Loaded& l) {
  const PriceBook& book = l.pricer->book();
  std::string line =
      "Price book " + book.revision() + " (digest " + book.digest().substr(0, 12) + "), " +
      (l.book ? "imported " + format_iso8601_utc_ms(l.book->imported_ms) + " by " +
                    l.book->imported_by + (l.book->note.empty() ? "" : " (" + l.book->note + ")")
              : std::string("the builtin book")) +
      "; " + std::to_string(l.pricer->overrides().size()) + " override(s) active.";
  return line;
}

int list(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto l = load(argv, {},
                "Usage: codepulse-collector prices list --db PATH|URI [--format table|json]\n\n"
                "Every family of the book in force with its rates now, in USD per million\n"
                "tokens (input / output / 5-minute write / 1-hour write / cache read), and the\n"
                "organisation's rates where an override applies now.",
                0, code);
  if (!l) return code;
  const int64_t now = now_utc_ms();
  if (l->json) {
    print_out(prices_json(*l->pricer, l->book, now));
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"FAMILY", "STATE", "SINCE", "LIST RATES", "LONG CONTEXT", "ORGANISATION RATES"}};
  for (const FamilyNow& f : families_at(*l->pricer, now)) {
    std::vector<std::string> row = {f.entry->family, f.state, "-", "-", "-", "-"};
    if (f.period) {
      if (f.period->from_ms != kBeginningOfTime) row[2] = format_effective_time(f.period->from_ms);
      row[3] = rates_text(per_mtok(f.period->rates));
      if (f.period->long_context)
        row[4] = "above " + std::to_string(f.period->long_context->above_tokens) + ": " +
                 rates_text(per_mtok(f.period->long_context->rates));
    }
    std::string org;
    for (const OrgRates& o : f.org) {
      if (!org.empty()) org += "; ";
      org += std::string(endpoint_name(o.endpoint)) + ": " + rates_text(o.rates) + " (override";
      for (int64_t id : o.override_ids)
        org += " " + std::to_string(id);
      org += ")";
    }
    if (!org.empty()) row[5] = org;
    rows.push_back(std::move(row));
  }
  print_out(book_line(*l) + "\nRates in USD per million tokens: input / output / 5m write / " +
            "1h write / cache read.\n\n" + render_text_table(rows));
  return kExitOk;
}

std::string multipliers_text(const char* name, const std::vector<NamedMultiplier>& list) {
  std::string out;
  for (const NamedMultiplier& m : list)
    out +=
        std::string(out.empty() ? "" : ", ") + name + " " + m.key + " x" + ppm_to_multiplier(m.ppm);
  return out;
}

int show(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto l = load(argv, {},
                "Usage: codepulse-collector prices show MODEL --db PATH|URI [--format "
                "table|json]\n\n"
                "Every period of the family of MODEL (any spelling a log uses: dated, Bedrock,\n"
                "Vertex, aliases) with its sources, and the overrides that reach it.",
                1, code);
  if (!l) return code;
  const std::string& wanted = l->args.positional().front();
  const ModelEntry* entry = l->pricer->entry_for(wanted);
  if (!entry)
    return fail("no family in book " + l->pricer->book().revision() + " prices '" + wanted +
                "' (see 'prices list'; 'prices import' adds one)");
  if (l->json) {
    print_out(family_json(*l->pricer, *entry));
    return kExitOk;
  }
  std::string out =
      entry->family + " (" + entry->provider + "), book " + l->pricer->book().revision() + "\n";
  if (!entry->aliases.empty()) {
    out += "Also spelled:";
    for (const std::string& a : entry->aliases)
      out += " " + a;
    out += "\n";
  }
  out +=
      "\nPeriods (USD per million tokens: input / output / 5m write / 1h write / cache "
      "read):\n";
  for (const PricePeriod& p : entry->periods) {
    out += "\n  from " +
           (p.from_ms == kBeginningOfTime ? std::string("the beginning")
                                          : format_effective_time(p.from_ms)) +
           " until " +
           (p.until_ms == kEndOfTime ? std::string("now") : format_effective_time(p.until_ms)) +
           "\n    rates " + rates_text(per_mtok(p.rates)) + "\n";
    if (p.long_context)
      out += "    above " + std::to_string(p.long_context->above_tokens) + " prompt tokens " +
             rates_text(per_mtok(p.long_context->rates)) + "\n";
    const std::string mult = multipliers_text("speed", p.speed) +
                             (p.speed.empty() || p.inference_geo.empty() ? "" : ", ") +
                             multipliers_text("geo", p.inference_geo);
    if (!mult.empty()) out += "    " + mult + "\n";
    if (p.regional_ppm != kOnePpm)
      out += "    regional endpoints x" + ppm_to_multiplier(p.regional_ppm) + "\n";
    for (const std::string& s : p.sources)
      out += "    source: " + s + "\n";
  }
  const auto overrides = overrides_reaching(*l->pricer, *entry);
  out += overrides.empty() ? "\nOverrides that reach it: none\n" : "\nOverrides that reach it:\n";
  for (const RateOverride* o : overrides)
    out += "  " + std::to_string(o->id) + ": " + override_summary(*o) + " (by " + o->created_by +
           ", " + format_iso8601_utc_ms(o->created_ms) + ")\n";
  print_out(out);
  return kExitOk;
}

int history(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto l = load(argv, {},
                "Usage: codepulse-collector prices history --db PATH|URI [--format table|json]\n\n"
                "Every book import and override change, newest first, with who and when.",
                0, code);
  if (!l) return code;
  auto changes = l->store->price_history();
  if (!changes) return fail(changes.error().message);
  if (l->json) {
    print_out(history_json(*changes));
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"WHEN", "CHANGE", "ID", "BY", "WHAT"}};
  for (const PriceChange& c : *changes) {
    std::string what;
    if (c.kind == PriceChange::Kind::kImport) {
      what = "book " + c.revision + " (digest " + c.digest.substr(0, 12) + ")" +
             (c.note.empty() ? "" : ": " + c.note);
    } else if (auto o = parse_rate_override(c.override_json, "override")) {
      what = override_summary(*o);
    } else {
      what = c.override_json;
    }
    rows.push_back({format_iso8601_utc_ms(c.at_ms), price_change_name(c.kind), std::to_string(c.id),
                    c.by, what});
  }
  print_out(changes->empty() ? "No price changes yet: the builtin book is in force."
                             : render_text_table(rows));
  return kExitOk;
}

int unpriced(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto l = load(argv,
                {{"since", true, false, "from this day (UTC) or ISO 8601 instant", "DATE"},
                 {"until", true, false, "before this day (UTC) or ISO 8601 instant", "DATE"}},
                "Usage: codepulse-collector prices unpriced --db PATH|URI [--since DATE] "
                "[--until DATE] [--format table|json]\n\n"
                "Models seen in the records without a price, with their requests and tokens.\n"
                "A record is unpriced when its model has no family in the book, or when its\n"
                "family has no period in force at the record's time (before its first period,\n"
                "between periods, or after it was retired). Importing a book that prices them\n"
                "prices those records in every report; an override cannot (overrides stack on\n"
                "list prices).",
                0, code);
  if (!l) return code;
  int64_t bounds[2] = {INT64_MIN, INT64_MAX};
  const char* names[2] = {"since", "until"};
  for (int i = 0; i < 2; ++i)
    if (auto text = l->args.get(names[i])) {
      auto ms = parse_date_bound_ms(*text, 0);
      if (!ms)
        return fail(std::string("--") + names[i] + ": expected YYYY-MM-DD or an ISO 8601 instant",
                    kExitUsage);
      bounds[i] = *ms;
    }
  auto models = l->store->unpriced_models(*l->pricer, bounds[0], bounds[1]);
  if (!models) return fail(models.error().message);
  if (l->json) {
    print_out(unpriced_json(*models, bounds[0], bounds[1]));
    return kExitOk;
  }
  if (models->empty()) {
    print_out("Every record in the range has a price.");
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"MODEL", "FAMILY", "WHY", "REQUESTS", "TOKENS", "FIRST", "LAST"}};
  for (const UnpricedModel& m : *models)
    rows.push_back({m.model, m.family.empty() ? "-" : m.family,
                    m.family.empty() ? "not in the book" : "no price at the records' times",
                    std::to_string(m.requests), std::to_string(m.tokens),
                    format_iso8601_utc_ms(m.first_ms), format_iso8601_utc_ms(m.last_ms)});
  print_out(render_text_table(rows) + "\n" + kUnpricedNote);
  return kExitOk;
}

}  // namespace

std::vector<FlagSpec> prices_flags(std::vector<FlagSpec> own) {
  own.push_back({"db", true, false,
                 "the collector's database: a SQLite file, or postgresql://USER@HOST:PORT/DB",
                 "PATH|URI"});
  own.push_back({"config", true, false,
                 "read the database from this serve configuration file (TOML) instead", "FILE"});
  own.push_back({"format", true, false, "table (default) or json", "FORMAT"});
  own.push_back({"help", false, false, "show this help", "VALUE"});
  return own;
}

std::optional<bool> wants_json(const Args& args) {
  const std::string format = args.get("format").value_or("table");
  if (format == "json") return true;
  if (format == "table") return false;
  fail("--format must be table or json", kExitUsage);
  return std::nullopt;
}

Result<std::unique_ptr<Store>> open_prices_store(const Args& args, bool must_exist) {
  std::string db = args.get("db").value_or("");
  if (db.empty() && args.get("config")) {
    auto config = Config::load(args.get("config"), {}, Environment::from_process(),
                               server_config_keys(), "codepulse-collector prices");
    if (!config) return config.error();
    db = config->str("db");
    if (db.empty()) return make_error(*args.get("config") + " sets no 'db'");
  }
  if (db.empty()) return make_error("--db PATH|URI (or --config FILE) is required (see --help)");
  struct stat st {};
  if (must_exist && !is_postgres_uri(db) && ::stat(db.c_str(), &st) != 0)
    return make_error("no database at " + db);
  return open_store(db);
}

std::string changed_by(const Args& args) {
  if (auto by = args.get("by"); by && !by->empty()) return *by;
  if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
  return "uid " + std::to_string(::geteuid());
}

void print_out(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (text.empty() || text.back() != '\n') std::fputc('\n', stdout);
}

int run_prices_command(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub.empty() || sub == "--help" || sub == "help") {
    std::puts(kPricesUsage);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "list") return list(rest);
  if (sub == "show") return show(rest);
  if (sub == "history") return history(rest);
  if (sub == "unpriced") return unpriced(rest);
  if (sub == "import") return prices_import(rest);
  if (sub == "override") return prices_override(rest);
  return fail("unknown prices command '" + sub +
                  "' (use list, show, history, unpriced, import or override)",
              kExitUsage);
}

}  // namespace codepulse::collector
