// codepulse-tracker: reads Claude Code transcripts into a local store of
// stripped usage records, and reports from it.
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/environment.hpp"
#include "common/json_writer.hpp"
#include "common/version.hpp"
#include "tracker/cli/args.hpp"
#include "tracker/discover/claude_dirs.hpp"
#include "tracker/git/repo_identity.hpp"
#include "tracker/queue/local_store.hpp"
#include "tracker/report/usage_report.hpp"
#include "tracker/scanner.hpp"

namespace codepulse::tracker {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

const char* kTopUsage =
    "Usage: codepulse-tracker COMMAND [OPTIONS]\n"
    "\n"
    "Reads Claude Code session logs, keeps only token counts, cost and metadata\n"
    "(never prompts, answers, tool input/output or code) in a local SQLite store.\n"
    "\n"
    "Commands:\n"
    "  scan      read what is new in every Claude Code log into the local store\n"
    "  report    tokens and cost from the local store, grouped by any dimensions\n"
    "\n"
    "Run 'codepulse-tracker COMMAND --help' for a command's options.\n"
    "Exit codes: 0 success, 1 failure, 2 bad command line.";

int fail(const std::string& message, int code = kExitFailure) {
  std::fprintf(stderr, "codepulse-tracker: %s\n", message.c_str());
  return code;
}

Result<std::string> read_secret_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return make_error("cannot read key file " + path);
  if ((st.st_mode & 077) != 0)
    return make_error("key file " + path + " is readable by others; run: chmod 600 " + path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string key = ss.str();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r'))
    key.pop_back();
  if (key.size() < 16) return make_error("key file " + path + " holds fewer than 16 bytes");
  return key;
}

std::vector<FlagSpec> scan_flags() {
  return {
      {"claude-dir", true, true, "a Claude config folder or a folder of transcripts", "DIR"},
      {"state", true, false, "state folder (default $XDG_STATE_HOME/codepulse)", "DIR"},
      {"json", false, false, "print the counts as one JSON object"},
      {"author", true, false, "identity on the records (default: git user.email)", "ID"},
      {"hash-key-file", true, false, "HMAC key: store file paths and branches as keyed hashes",
       "FILE"},
      {"prices", true, false, "price table JSON overriding the built-in one", "FILE"},
      {"max-line-bytes", true, false, "skip longer lines, reporting them (default 64 MiB)", "N"},
      {"quiet", false, false, "do not list problems with single files or lines"},
      {"help", false, false, "show this help"}};
}

std::vector<FlagSpec> report_flags() {
  return {{"state", true, false, "state folder (default $XDG_STATE_HOME/codepulse)", "DIR"},
          {"group-by", true, false,
           "dimensions, nested in order: model, repo, file, author, task, date, session (default "
           "date,model)",
           "D1,D2"},
          {"since", true, false, "first day included (YYYY-MM-DD or YYYYMMDD, or an ISO instant)",
           "DATE"},
          {"until", true, false, "last day included", "DATE"},
          {"tz", true, false, "IANA time zone for days (default UTC)", "ZONE"},
          {"format", true, false, "table (default), json or csv", "FORMAT"},
          {"help", false, false, "show this help"}};
}

Result<PriceTable> load_prices(const Args& args) {
  if (auto p = args.get("prices")) return PriceTable::load_file(*p);
  return PriceTable::builtin();
}

int run_scan(const Environment& env, const std::vector<std::string>& argv) {
  const auto specs = scan_flags();
  auto args = Args::parse(argv, specs);
  if (!args) return fail(args.error().message, kExitUsage);
  if (args->has("help")) {
    std::puts(format_help("Usage: codepulse-tracker scan [OPTIONS]\n\nReads what is new in every "
                          "Claude Code log into the local store.",
                          specs)
                  .c_str());
    return kExitOk;
  }
  if (!args->positional().empty())
    return fail("scan takes no arguments: " + args->positional()[0], kExitUsage);
  auto dirs = find_projects_dirs(env, args->all("claude-dir"));
  if (!dirs) return fail(dirs.error().message);
  auto prices = load_prices(*args);
  if (!prices) return fail(prices.error().message);

  ScanOptions options;
  options.projects_dirs = *dirs;
  if (auto a = args->get("author")) {
    options.strip.author = *a;
  } else if (auto email = read_git_user_email(
                 env.home, env.xdg_config_home.value_or(env.home + "/.config"))) {
    options.strip.author = *email;
  }
  if (auto f = args->get("hash-key-file")) {
    auto key = read_secret_file(*f);
    if (!key) return fail(key.error().message);
    options.strip.hash_key = *key;
  }
  if (auto m = args->get("max-line-bytes")) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(m->c_str(), &end, 10);
    if (m->empty() || *end != '\0' || v < 1024 || v > (1ull << 31))
      return fail("--max-line-bytes: expected a number between 1024 and 2147483648", kExitUsage);
    options.limits.max_line_bytes = static_cast<size_t>(v);
  }
  const std::string state_dir = args->get("state").value_or(env.default_state_dir());
  auto store = LocalStore::open(state_dir);
  if (!store) return fail(store.error().message);

  Scanner scanner(*store, *prices, options);
  auto stats = scanner.scan_all();
  if (!args->has("quiet")) {
    for (const auto& p : scanner.problems())
      std::fprintf(stderr, "codepulse-tracker: %s: %s\n", p.path.c_str(), p.message.c_str());
  }
  if (!stats) return fail(stats.error().message);
  const ScanStats& s = *stats;
  if (args->has("json")) {
    std::string out;
    JsonWriter w(out);
    w.begin_object()
        .field("files", s.files)
        .field("bytes_read", s.bytes_read)
        .field("lines", s.lines)
        .field("records_new", s.records_new)
        .field("duplicates", s.duplicates)
        .field("malformed_lines", s.malformed_lines)
        .field("skipped_files", s.skipped_files)
        .field("records_updated", s.records_updated)
        .field("synthetic_lines", s.synthetic_lines)
        .field("files_reset", s.files_reset)
        .field("unpriced_records", s.unpriced_records)
        .field("tool_results", s.tool_results)
        .end_object();
    std::puts(out.c_str());
  } else {
    std::printf(
        "Scanned %s files (%s bytes, %s lines): %s new records, %s duplicates, %s malformed "
        "lines, %s skipped files.\n",
        with_thousands(s.files).c_str(), with_thousands(s.bytes_read).c_str(),
        with_thousands(s.lines).c_str(), with_thousands(s.records_new).c_str(),
        with_thousands(s.duplicates).c_str(), with_thousands(s.malformed_lines).c_str(),
        with_thousands(s.skipped_files).c_str());
    if (dirs->empty())
      std::puts("No Claude Code projects folder found (looked in ~/.claude and ~/.config/claude).");
  }
  if (s.unpriced_records > 0)
    std::fprintf(stderr,
                 "codepulse-tracker: warning: %lld records use models without a known price; "
                 "stored with cost null (add them with --prices FILE)\n",
                 static_cast<long long>(s.unpriced_records));
  return kExitOk;
}

int run_report(const Environment& env, const std::vector<std::string>& argv) {
  const auto specs = report_flags();
  auto args = Args::parse(argv, specs);
  if (!args) return fail(args.error().message, kExitUsage);
  if (args->has("help")) {
    std::puts(format_help("Usage: codepulse-tracker report [OPTIONS]\n\nTokens and cost from the "
                          "local store, nested by the given dimensions.",
                          specs)
                  .c_str());
    return kExitOk;
  }
  ReportQuery q;
  if (auto g = args->get("group-by")) {
    auto dims = parse_dimensions(*g);
    if (!dims) return fail(dims.error().message, kExitUsage);
    q.group_by = *dims;
  }
  if (auto z = args->get("tz")) {
    auto tz = TimeZone::load(*z);
    if (!tz) return fail("--tz: " + tz.error().message, kExitUsage);
    q.tz = std::move(tz).value();
  }
  auto day_start = [&](const std::string& text, const char* flag,
                       bool next_day) -> Result<int64_t> {
    // A bare day is taken in --tz; --until includes its whole day.
    auto probe = parse_date_bound_ms(text, 0);
    if (!probe)
      return make_error(std::string(flag) +
                        ": expected YYYY-MM-DD, YYYYMMDD or an ISO-8601 instant, got '" + text +
                        "'");
    const bool bare_day = text.find('T') == std::string::npos;
    if (!bare_day) return *probe;
    int64_t days = *probe / 86400000 + (next_day ? 1 : 0);
    return q.tz.local_day_start_utc(civil_from_days(days)) * 1000;
  };
  if (auto s = args->get("since")) {
    auto v = day_start(*s, "--since", false);
    if (!v) return fail(v.error().message, kExitUsage);
    q.since_ms = *v;
  }
  if (auto u = args->get("until")) {
    auto v = day_start(*u, "--until", true);
    if (!v) return fail(v.error().message, kExitUsage);
    q.until_ms = *v;
  }
  const std::string format = args->get("format").value_or("table");
  if (format != "table" && format != "json" && format != "csv")
    return fail("--format: expected table, json or csv, got '" + format + "'", kExitUsage);
  const std::string state_dir = args->get("state").value_or(env.default_state_dir());
  struct stat st {};
  if (::stat((state_dir + "/tracker.db").c_str(), &st) != 0)
    return fail("no local store at " + state_dir +
                "/tracker.db; run 'codepulse-tracker scan' first");
  auto store = LocalStore::open(state_dir);
  if (!store) return fail(store.error().message);
  auto report = build_report(store->database(), q);
  if (!report) return fail(report.error().message);
  std::string out = format == "json"  ? render_json(*report)
                    : format == "csv" ? render_csv(*report)
                                      : render_table(*report);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace
}  // namespace codepulse::tracker

int main(int argc, char** argv) {
  using namespace codepulse::tracker;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::puts(kTopUsage);
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "--version") {
    std::printf("codepulse-tracker %s\n", codepulse::kVersion);
    return kExitOk;
  }
  const codepulse::Environment env = codepulse::Environment::from_process();
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "scan") return run_scan(env, args);
  if (command == "report") return run_report(env, args);
  return fail("unknown command '" + command + "' (see --help)", kExitUsage);
}
