// codepulse-collector backup | restored: an online copy of a SQLite store
// that carries a generation of its own, and a new generation for a database
// restored from any other backup (docs/OPERATIONS.md, "Backups"). Trackers
// that see the generation change send again what they shipped since.
#include <cstdio>
#include <string>

#include "collector/cli/commands.hpp"
#include "collector/ingest/store_generation.hpp"
#include "collector/store/sqlite/sqlite_backup.hpp"
#include "collector/store/store.hpp"
#include "common/time.hpp"

namespace codepulse::collector {

int run_backup_command(const std::vector<std::string>& argv) {
  const std::vector<FlagSpec> specs = {
      {"db", true, false, "the collector's SQLite database (it may be serving)", "PATH"},
      {"to", true, false, "the backup file to write (must not exist; mode 600)", "FILE"},
      {"help", false, false, "show this help", "VALUE"}};
  const auto args = parse_command(
      kProgram, argv, specs,
      "Usage: codepulse-collector backup --db PATH --to FILE\n\n"
      "A consistent copy of a SQLite store, taken while the collector serves it, with a\n"
      "store generation of its own: a collector restored from it tells every tracker,\n"
      "and they send again what they shipped since the backup. (PostgreSQL: pg_dump or\n"
      "point-in-time recovery, then 'restored'.)");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto db = args->get("db");
  const auto to = args->get("to");
  if (!db || !to) return fail("backup: --db PATH and --to FILE are required", kExitUsage);
  if (is_postgres_uri(*db))
    return fail(
        "backup copies a SQLite store; back up PostgreSQL with pg_dump or point-in-time "
        "recovery and run 'codepulse-collector restored --db URI' after restoring",
        kExitUsage);
  auto g = backup_sqlite_store(*db, *to);
  if (!g) return fail(g.error().message);
  std::printf(
      "Backed up %s to %s as of %s; the copy's store generation is %s.\n"
      "To restore: stop the collector, put the copy in place of the database (remove its -wal\n"
      "and -shm files), start it: trackers then send again what they shipped since.\n",
      db->c_str(), to->c_str(), format_iso8601_utc_ms(g->backup_ms.value_or(0)).c_str(),
      g->id.c_str());
  return kExitOk;
}

int run_restored_command(const std::vector<std::string>& argv) {
  const std::vector<FlagSpec> specs = {
      {"db", true, false, "the restored database: a SQLite file, or postgresql://USER@HOST:PORT/DB",
       "PATH|URI"},
      {"backup-time", true, false,
       "when the backup was taken, YYYY-MM-DDTHH:MM:SSZ (UTC); without it trackers send all "
       "they hold",
       "TIME"},
      {"help", false, false, "show this help", "VALUE"}};
  const auto args = parse_command(
      kProgram, argv, specs,
      "Usage: codepulse-collector restored --db PATH|URI [--backup-time TIME]\n\n"
      "Gives a database restored from a backup (sqlite3 .backup, pg_dump, point-in-time\n"
      "recovery) a new store generation, before the collectors start on it again. Trackers\n"
      "that see it send again what they shipped since the backup time (all they still\n"
      "hold without one); what the store has already is counted as duplicates.");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto db = args->get("db");
  if (!db) return fail("restored: --db PATH|URI is required", kExitUsage);
  std::optional<int64_t> backup_ms;
  if (const auto t = args->get("backup-time")) {
    backup_ms = parse_iso8601_utc_ms(*t);
    if (!backup_ms)
      return fail("--backup-time: expected YYYY-MM-DDTHH:MM:SSZ (UTC), got '" + *t + "'",
                  kExitUsage);
    if (*backup_ms > now_utc_ms())
      return fail("--backup-time " + *t + " is in the future", kExitUsage);
  }
  auto store = open_store(*db);
  if (!store) return fail(store.error().message);
  auto g = (*store)->renew_generation(backup_ms);
  if (!g) return fail(g.error().message);
  const std::string what = backup_ms
                               ? "what they shipped since " + format_iso8601_utc_ms(*backup_ms)
                               : std::string("all they still hold (no backup time given)");
  std::printf("New %s.\nTrackers send again %s when they next reach a collector on it.\n",
              describe_generation(*g).c_str(), what.c_str());
  return kExitOk;
}

}  // namespace codepulse::collector
