// codepulse-collector prices import FILE | override add | override remove ID:
// the changes, validated by the collector's PricingState (every error names
// the entry; nothing changes on an error) and stored with who and when.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "collector/cli/cli_audit.hpp"
#include "collector/cli/commands.hpp"
#include "collector/cli/prices_cli.hpp"
#include "collector/report/price_views.hpp"
#include "collector/report/pricing_state.hpp"
#include "common/json_writer.hpp"

namespace codepulse::collector {
namespace {

const FlagSpec kBy{"by", true, false, "who makes the change (default: the OS user name)", "WHO"};
const FlagSpec kNote{"note", true, false, "why, kept in the history", "TEXT"};

const char* kOverrideUsage =
    "Usage: codepulse-collector prices override add (--all | --family GLOB | --endpoint "
    "anthropic|bedrock|vertex)\n"
    "           (--percent P | --rates input=..,output=..,cache_write_5m=..,cache_write_1h=..,"
    "cache_read=..)\n"
    "           [--from DATE] [--until DATE] [--note TEXT] [--by WHO] --db PATH|URI\n"
    "       codepulse-collector prices override remove ID [--by WHO] --db PATH|URI\n"
    "\n"
    "An organisation's rate on top of the list prices: a percentage (-15 is a 15%\n"
    "discount) or absolute rates in USD per million tokens that replace the list rates,\n"
    "for one model family (a glob such as 'claude-opus-*'), one endpoint, or everything,\n"
    "from and until a date. Reports show both list and organisation cost.";

// The change's JSON answer, or its sentence.
void report_change(bool json, const char* what, int64_t id, const PricingState& state,
                   const std::string& sentence) {
  if (!json) {
    print_out(sentence +
              "\nA running collector re-prices its reports from the stored tokens within "
              "seconds.");
    return;
  }
  print_out(change_json(what, id, *state.current()));
}

// A decimal number as the user wrote it, checked so it can go into JSON as is.
Result<std::string> number_text(const std::string& text, const std::string& what) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  const bool plain = !text.empty() && text.find_first_not_of("+-.0123456789") == std::string::npos;
  if (!plain || *end != '\0' || !std::isfinite(v))
    return make_error(what + ": expected a number, got '" + text.substr(0, 40) + "'");
  std::string out = text[0] == '+' ? text.substr(1) : text;
  if (out[0] == '.') out = "0" + out;
  if (out.rfind("-.", 0) == 0) out = "-0" + out.substr(1);
  if (out.back() == '.') out.pop_back();
  return out;
}

// The override's JSON from the flags (rate_override.hpp checks it).
Result<std::string> override_json(const Args& args) {
  const int scopes = args.has("all") + args.has("family") + args.has("endpoint");
  if (scopes != 1) return make_error("give exactly one of --all, --family GLOB, --endpoint NAME");
  if (args.has("percent") == args.has("rates"))
    return make_error("give exactly one of --percent P and --rates ...");
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  if (args.has("all")) w.field("scope", "all");
  if (auto f = args.get("family")) w.field("scope", "family").field("match", *f);
  if (auto e = args.get("endpoint")) w.field("scope", "endpoint").field("match", *e);
  if (auto from = args.get("from")) w.field("from", *from);
  if (auto until = args.get("until")) w.field("until", *until);
  if (auto p = args.get("percent")) {
    auto n = number_text(*p, "--percent");
    if (!n) return n.error();
    w.key("percent").raw_number(*n);
  }
  if (auto rates = args.get("rates")) {
    w.key("rates").begin_object();
    std::istringstream items(*rates);
    for (std::string item; std::getline(items, item, ',');) {
      const auto eq = item.find('=');
      if (eq == std::string::npos)
        return make_error("--rates: expected NAME=USD_PER_MTOK items, got '" + item + "'");
      auto n = number_text(item.substr(eq + 1), "--rates " + item.substr(0, eq));
      if (!n) return n.error();
      w.key(item.substr(0, eq)).raw_number(*n);
    }
    w.end_object();
  }
  if (auto note = args.get("note")) w.field("note", *note);
  w.end_object();
  return out;
}

Result<std::unique_ptr<PricingState>> open_state(const Args& args, std::unique_ptr<Store>& store) {
  auto opened = open_prices_store(args, false);
  if (!opened) return opened.error();
  store = std::move(opened).value();
  return PricingState::open(*store);
}

int override_add(const std::vector<std::string>& argv) {
  const auto specs = prices_flags(
      {{"all", false, false, "every model and endpoint", "VALUE"},
       {"family", true, false, "model families matching this glob ('claude-opus-*')", "GLOB"},
       {"endpoint", true, false, "calls through anthropic, bedrock or vertex", "NAME"},
       {"percent", true, false, "a change of the list price in percent (-15: 15% off)", "P"},
       {"rates", true, false,
        "rates replacing the list rates, USD per million tokens: "
        "input=..,output=..,cache_write_5m=..,cache_write_1h=..,cache_read=..",
        "RATES"},
       {"from", true, false, "in force from (a date, or ISO 8601 on a quarter hour)", "DATE"},
       {"until", true, false, "in force until (exclusive)", "DATE"},
       kNote,
       kBy});
  auto args = parse_command(kProgram, argv, specs, kOverrideUsage);
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto json = wants_json(*args);
  if (!json) return kExitUsage;
  auto body = override_json(*args);
  if (!body) return fail(body.error().message + " (see --help)", kExitUsage);
  std::unique_ptr<Store> store;
  auto state = open_state(*args, store);
  if (!state) return fail(state.error().message);
  auto id = (*state)->add_override(*body, changed_by(*args));
  if (!id) return fail(id.error().message);
  std::string summary;
  for (const RateOverride& o : (*state)->current()->overrides())
    if (o.id == *id) summary = override_summary(o);
  audit_cli(*store, "prices.override.add", "override " + std::to_string(*id),
            summary + " (by " + changed_by(*args) + ")");
  report_change(*json, "added", *id, **state,
                "Added price override " + std::to_string(*id) + ": " + summary + ".");
  return kExitOk;
}

int override_remove(const std::vector<std::string>& argv) {
  const auto specs = prices_flags({kBy});
  auto args = parse_command(kProgram, argv, specs,
                            "Usage: codepulse-collector prices override remove ID --db PATH|URI "
                            "[--by WHO]\n\nEnds an override; it stays in the history.",
                            NeedsArguments::kYes);
  if (!args) return args.exit_code();
  const auto& pos = args->positional();
  int64_t id = 0;
  const char* end = pos[0].data() + pos[0].size();
  if (pos.size() != 1 || std::from_chars(pos[0].data(), end, id).ptr != end || id < 1)
    return fail("give one override ID (see 'prices list' or 'prices history')", kExitUsage);
  const auto json = wants_json(*args);
  if (!json) return kExitUsage;
  std::unique_ptr<Store> store;
  auto state = open_state(*args, store);
  if (!state) return fail(state.error().message);
  if (auto s = (*state)->remove_override(id, changed_by(*args)); !s) return fail(s.error().message);
  audit_cli(*store, "prices.override.remove", "override " + std::to_string(id),
            "ended (by " + changed_by(*args) + ")");
  report_change(*json, "removed", id, **state,
                "Removed price override " + std::to_string(id) + ".");
  return kExitOk;
}

}  // namespace

int prices_import(const std::vector<std::string>& argv) {
  const auto specs = prices_flags({kNote, kBy});
  auto args = parse_command(kProgram, argv, specs,
                            "Usage: codepulse-collector prices import FILE --db PATH|URI [--note "
                            "TEXT] [--by WHO]\n\n"
                            "Validates a price book (format 2, docs/PRICING.md) and puts it in "
                            "force. Every\nerror names the entry, and the book in force stays "
                            "on any error; so does an\noverride whose family pattern would match "
                            "nothing in the new book.",
                            NeedsArguments::kYes);
  if (!args) return args.exit_code();
  if (args->positional().size() != 1) return fail("give one book FILE (see --help)", kExitUsage);
  const auto json = wants_json(*args);
  if (!json) return kExitUsage;
  const std::string& path = args->positional()[0];
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read the book " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::unique_ptr<Store> store;
  auto state = open_state(*args, store);
  if (!state) return fail(state.error().message);
  auto id =
      (*state)->import_book(text.str(), path, changed_by(*args), args->get("note").value_or(""));
  if (!id) return fail(id.error().message + " (the book in force is unchanged)");
  const PriceBook& book = (*state)->current()->book();
  audit_cli(*store, "prices.import", path,
            "book " + book.revision() + " (digest " + book.digest().substr(0, 12) + ") as import " +
                std::to_string(*id) + " (by " + changed_by(*args) + ")");
  report_change(*json, "imported", *id, **state,
                "Imported price book " + book.revision() + " (digest " +
                    book.digest().substr(0, 12) + ") from " + path + " as import " +
                    std::to_string(*id) + "; it is in force now.");
  return kExitOk;
}

int prices_override(const std::vector<std::string>& argv) {
  const std::string sub = argv.empty() ? "" : argv[0];
  if (sub.empty() || sub == "--help" || sub == "help") {
    std::puts(kOverrideUsage);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  const std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (sub == "add") return override_add(rest);
  if (sub == "remove") return override_remove(rest);
  return fail("unknown override command '" + sub + "' (use add or remove)", kExitUsage);
}

}  // namespace codepulse::collector
