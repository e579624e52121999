// codepulse-tracker queue show | export | decode: the privacy auditor's view
// of exactly what would leave this machine.
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/json_writer.hpp"
#include "common/report/output_sinks.hpp"
#include "common/report/report.hpp"
#include "common/time.hpp"
#include "proto/wire_batch.hpp"
#include "tracker/cli/commands.hpp"
#include "tracker/cli/options.hpp"
#include "tracker/daemon/instance_lock.hpp"
#include "tracker/queue/commit_store.hpp"
#include "tracker/queue/local_store.hpp"
#include "tracker/ship/batch_builder.hpp"

namespace codepulse::tracker {

using report::counted;
using report::terminal_text;
using report::with_thousands;
namespace {

Result<std::string> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int print_quarantine(LocalStore& store, size_t limit, bool json) {
  auto entries = store.quarantined(limit);
  if (!entries) return fail(entries.error().message);
  if (json) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("quarantined").begin_array();
    for (const auto& e : *entries)
      w.begin_object()
          .field("uid", e.record_uid)
          .field("revision", e.revision)
          .field("batch_id", e.batch_id)
          .field("http_status", int64_t{e.http_status})
          .field("reason", e.reason)
          .field("at", format_iso8601_utc_ms(e.at_ms))
          .end_object();
    w.end_array().end_object();
    std::puts(out.c_str());
    return kExitOk;
  }
  if (entries->empty()) {
    std::puts("No quarantined records.");
    return kExitOk;
  }
  for (const auto& e : *entries)
    std::printf("%s %s r%lld batch %s %s: %s\n", format_iso8601_utc_ms(e.at_ms).c_str(),
                terminal_text(e.record_uid).c_str(), static_cast<long long>(e.revision),
                terminal_text(e.batch_id).c_str(),
                e.http_status ? ("HTTP " + std::to_string(e.http_status)).c_str() : "rejected",
                terminal_text(e.reason).c_str());
  return kExitOk;
}

// One line per commit, then one per file and per reworked (commit, path):
// everything the batch says about it. Strings are shown through terminal_text.
void print_commit(const CommitRecord& c) {
  std::string parents;
  for (const auto& p : c.parents)
    parents += (parents.empty() ? "" : " ") + p.substr(0, 12);
  std::printf("  commit %s %s %s branch %s author %s committer %s at %s parents [%s]%s%s%s\n",
              terminal_text(c.sha.substr(0, 12)).c_str(),
              format_iso8601_utc_ms(c.committer_ms).c_str(), terminal_text(c.repo).c_str(),
              terminal_text(c.branch).c_str(), terminal_text(c.author_email).c_str(),
              terminal_text(c.committer_email).c_str(), format_iso8601_utc_ms(c.author_ms).c_str(),
              terminal_text(parents).c_str(), c.task_keys.empty() ? "" : " tasks ",
              terminal_text(c.task_keys).c_str(), c.ai_coauthor ? " ai-coauthor" : "");
  for (const CommitFile& f : c.files)
    std::printf("    file %s %s\n", terminal_text(f.path).c_str(),
                f.binary
                    ? "binary"
                    : ("+" + std::to_string(f.added) + " -" + std::to_string(f.removed)).c_str());
  for (const ReworkedLines& r : c.reworked)
    std::printf("    reworked %s of %s in %s\n", counted(r.lines, "line").c_str(),
                terminal_text(r.original_sha.substr(0, 12)).c_str(), terminal_text(r.path).c_str());
}

}  // namespace

int run_queue_command(const Environment& env, const std::vector<std::string>& argv) {
  const auto specs = with_config_flags(
      {{"limit", true, false, "records in the batch (default 5000, the shipping batch size)", "N"},
       {"json", false, false, "show: print the JSON document itself"},
       {"help", false, false, "show this help"}});
  const auto args =
      parse_command(kProgram, argv, specs,
                    "Usage: codepulse-tracker queue show [--limit N] [--json]\n"
                    "       codepulse-tracker queue export FILE [--limit N]\n"
                    "       codepulse-tracker queue decode FILE\n"
                    "       codepulse-tracker queue quarantine [--limit N] [--json]\n"
                    "       codepulse-tracker queue release\n\n"
                    "show prints exactly what the next batch sends (after decompression); "
                    "export writes its exact bytes (zstd) and, beside them, how to decode "
                    "them; decode prints such a file. quarantine lists records the "
                    "collector refused, and why; release queues them again.",
                    NeedsArguments::kYes);
  if (!args) return args.exit_code();
  const auto& pos = args->positional();
  size_t limit = 5000;
  if (auto l = args->get("limit")) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(l->c_str(), &end, 10);
    if (l->empty() || *end != '\0' || v == 0 || v > 100000)
      return fail("--limit: expected a number from 1 to 100000, got '" + *l + "'", kExitUsage);
    limit = static_cast<size_t>(v);
  }
  const std::string& sub = pos[0];
  if (sub == "decode") {
    if (pos.size() != 2) return fail("queue decode: give the file to decode", kExitUsage);
    auto bytes = read_all(pos[1]);
    if (!bytes) return fail(bytes.error().message);
    auto batch = proto::decode(*bytes, {});
    if (!batch) return fail(pos[1] + ": " + batch.error().message);
    const std::string json = proto::encode_json(batch->header, batch->records, batch->commits);
    std::puts(json.c_str());
    return kExitOk;
  }
  if (sub != "show" && sub != "export" && sub != "quarantine" && sub != "release")
    return fail(
        "queue: unknown subcommand '" + sub + "' (use show, export, decode, quarantine or release)",
        kExitUsage);
  auto config = load_config(*args, env);
  if (!config) return fail(config.error().message, kExitUsage);
  const std::string state_dir = config->str("state_dir");
  struct stat st {};
  if (::stat((state_dir + "/tracker.db").c_str(), &st) != 0)
    return fail("no local store at " + state_dir + "; run 'codepulse-tracker scan' first");
  auto store = LocalStore::open(state_dir, /*writer=*/false);
  if (!store) return fail(store.error().message);
  if (sub == "quarantine") return print_quarantine(*store, limit, args->has("json"));
  if (sub == "release") {
    auto n = store->release_quarantine();
    if (!n) return fail(n.error().message);
    auto commits = CommitStore(store->database()).release_quarantine();
    if (!commits) return fail(commits.error().message);
    std::printf("Released %s and %s; they are shipped again.\n",
                counted(*n, "quarantined record").c_str(), counted(*commits, "commit").c_str());
    *n += *commits;
    if (const auto holder = InstanceLock::holder(state_dir);
        holder && holder->pid_known() && *n > 0)
      ::kill(static_cast<pid_t>(holder->pid), SIGUSR1);  // the running daemon ships them now
    return kExitOk;
  }
  auto batch = next_batch(*store, limit);
  if (!batch) return fail(batch.error().message);
  const auto& header = batch->header;
  const auto& records = batch->records;
  auto bytes = proto::encode(header, records, batch->commits);
  if (!bytes) return fail(bytes.error().message);
  if (sub == "export") {
    if (pos.size() != 2) return fail("queue export: give the file to write", kExitUsage);
    const std::string& path = pos[1];
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    if (!out) return fail("cannot write " + path);
    std::ofstream how(path + ".README", std::ios::trunc);
    how << "This file holds the exact bytes codepulse-tracker would send as its next batch\n"
        << "(" << counted(static_cast<int64_t>(records.size()), "record") << ", "
        << counted(static_cast<int64_t>(batch->commits.size()), "commit") << ", "
        << counted(static_cast<int64_t>(bytes->size()), "byte") << ", zstd-compressed JSON).\n"
        << "Decode it with either of:\n"
        << "  zstd -dc " << path << "\n"
        << "  codepulse-tracker queue decode " << path << "\n"
        << "The format is described in proto/README.md: installed with the package as\n"
        << "/usr/share/doc/codepulse-tracker/proto/README.md, and in the codepulse sources.\n";
    if (!how) return fail("cannot write " + path + ".README");
    std::printf("Wrote %s and %s (%s) to %s; see %s.README to decode them.\n",
                counted(static_cast<int64_t>(records.size()), "record").c_str(),
                counted(static_cast<int64_t>(batch->commits.size()), "commit").c_str(),
                counted(static_cast<int64_t>(bytes->size()), "byte").c_str(), path.c_str(),
                path.c_str());
    return kExitOk;
  }
  // show: decompress and decode what would be sent, and print that.
  auto decoded = proto::decode(*bytes, {});
  if (!decoded) return fail("the batch does not decode: " + decoded.error().message);
  if (args->has("json")) {
    std::puts(proto::encode_json(decoded->header, decoded->records, decoded->commits).c_str());
    return kExitOk;
  }
  if (decoded->records.empty() && decoded->commits.empty()) {
    // Nothing to send: say so, and whose records this tracker queues.
    const auto settings = scan_settings(*config, env);
    const std::string author = settings ? settings->strip.author : std::string();
    std::printf("The queue is empty: nothing waits to be sent (device %s, author %s).\n",
                terminal_text(decoded->header.device_id).c_str(),
                author.empty() ? "not set: no 'author' in the configuration and no git user.email"
                               : terminal_text(author).c_str());
    return kExitOk;
  }
  std::printf("Next batch %s: %s and %s from device %s, author %s (%s compressed).\n",
              terminal_text(decoded->header.batch_id).c_str(),
              counted(static_cast<int64_t>(decoded->records.size()), "record").c_str(),
              counted(static_cast<int64_t>(decoded->commits.size()), "commit").c_str(),
              terminal_text(decoded->header.device_id).c_str(),
              terminal_text(decoded->header.author).c_str(),
              counted(static_cast<int64_t>(bytes->size()), "byte").c_str());
  for (const auto& w : decoded->records) {
    const UsageRecord& r = w.usage;
    std::string files;
    for (const ToolUse& t : r.tools)
      if (!t.path.empty()) files += (files.empty() ? "" : ", ") + t.path;
    std::printf("  %s r%lld %s %-28s in %s out %s cache %s/%s %s%s%s\n",
                format_iso8601_utc_ms(r.timestamp_ms).c_str(), static_cast<long long>(w.revision),
                terminal_text(w.record_uid.substr(0, 12)).c_str(), terminal_text(r.model).c_str(),
                with_thousands(r.input).c_str(), with_thousands(r.output).c_str(),
                with_thousands(r.cache_create_5m + r.cache_create_1h).c_str(),
                with_thousands(r.cache_read).c_str(), terminal_text(r.repo).c_str(),
                files.empty() ? "" : " ", terminal_text(files).c_str());
  }
  for (const CommitRecord& c : decoded->commits)
    print_commit(c);
  return kExitOk;
}

}  // namespace codepulse::tracker
