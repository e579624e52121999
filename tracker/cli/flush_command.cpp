// codepulse-tracker flush: ship the queue to the collector now. With the
// service running, it is asked (SIGUSR1) and flush waits for the queue to
// empty; otherwise flush ships by itself, holding the store's lock.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "common/report/report.hpp"
#include "common/time.hpp"
#include "tracker/cli/commands.hpp"
#include "tracker/cli/options.hpp"
#include "tracker/daemon/instance_lock.hpp"
#include "tracker/daemon/status_file.hpp"
#include "tracker/queue/local_store.hpp"
#include "tracker/ship/shipper.hpp"

namespace codepulse::tracker {
namespace {

// The service ships; we watch the queue and its status file.
int flush_through_daemon(const std::string& state_dir, long pid, int64_t timeout_ms) {
  const int64_t asked = now_utc_ms();
  if (::kill(static_cast<pid_t>(pid), SIGUSR1) != 0)
    return fail("cannot signal the running tracker (pid " + std::to_string(pid) + ")");
  auto store = LocalStore::open(state_dir, /*writer=*/false);
  if (!store) return fail(store.error().message);
  while (true) {
    auto q = store->queue_stats();
    if (!q) return fail(q.error().message);
    if (q->unshipped == 0) {
      std::printf("The queue is empty: every record is shipped%s.\n",
                  q->quarantined > 0 ? " or quarantined ('queue quarantine' lists them)" : "");
      return kExitOk;
    }
    auto st = read_status(state_dir);
    if (st && !st->ship)
      return fail(
          "the running tracker is not shipping: " +
          (st->last_error.empty() ? std::string("no collector is configured") : st->last_error));
    if (st && st->ship && st->ship->failures > 0 && st->ship->last_error_ms >= asked)
      return fail(report::counted(q->unshipped, "record") +
                  " not shipped yet; the tracker keeps retrying: " + st->ship->last_error);
    if (now_utc_ms() - asked > timeout_ms)
      return fail("timed out with " + report::counted(q->unshipped, "record") + " still queued");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace

int run_flush_command(const Environment& env, const std::vector<std::string>& argv) {
  const auto specs = with_config_flags(
      {{"timeout", true, false, "give up after this many seconds (default 120)", "SECONDS"},
       {"help", false, false, "show this help"}});
  const auto args =
      parse_command(kProgram, argv, specs,
                    "Usage: codepulse-tracker flush [OPTIONS]\n\nShips every queued record "
                    "to the collector now and waits until the queue is empty.");
  if (!args) return args.exit_code();
  int64_t timeout_ms = 120'000;
  if (auto t = args->get("timeout")) {
    char* end = nullptr;
    const long v = std::strtol(t->c_str(), &end, 10);
    if (t->empty() || *end != '\0' || v < 1 || v > 86400)
      return fail("--timeout: expected seconds from 1 to 86400", kExitUsage);
    timeout_ms = v * 1000;
  }
  auto config = load_config(*args, env);
  if (!config) return fail(config.error().message, kExitUsage);
  const std::string state_dir = config->str("state_dir");
  struct stat st {};
  if (::stat((state_dir + "/tracker.db").c_str(), &st) != 0)
    return fail("no local store at " + state_dir + "; run 'codepulse-tracker scan' first");
  if (const auto holder = InstanceLock::holder(state_dir)) {
    if (!holder->pid_known())
      return fail("a codepulse-tracker holds " + state_dir +
                  " but has not written its pid yet (it is starting); run flush again");
    return flush_through_daemon(state_dir, holder->pid, timeout_ms);
  }

  auto ship = ship_options(*config);
  if (!ship) return fail(ship.error().message, kExitUsage);
  if (!*ship)
    return fail(
        "no collector configured: set collector, token_file (and ca_file) in the "
        "configuration or give --collector URL --token-file FILE",
        kExitUsage);
  auto lock = InstanceLock::acquire(state_dir);
  if (!lock) return fail(lock.error().message);
  auto store = LocalStore::open(state_dir);
  if (!store) return fail(store.error().message);
  auto log = Logger::open("", LogLevel::kWarn, 60);
  if (!log) return fail(log.error().message);
  boost::asio::io_context io;
  Shipper shipper(io, *store, **ship, *log);
  std::string error;
  bool drained = false;
  shipper.set_on_drained([&](const std::string& e) {
    error = e;
    drained = true;
    shipper.stop();
    io.stop();
  });
  if (auto s = shipper.start(); !s) return fail(s.error().message);
  shipper.ship_now();
  io.run_for(std::chrono::milliseconds(timeout_ms));
  const ShipStatus& h = shipper.status();
  if (!drained)
    return fail("timed out; " + report::counted(h.records_shipped, "record") + " shipped");
  if (!error.empty())
    return fail(report::counted(h.records_shipped, "record") + " shipped, then: " + error);
  std::printf("Shipped %s in %s to %s.\n", report::counted(h.records_shipped, "record").c_str(),
              report::counted(h.batches_shipped, "batch", "batches").c_str(), h.collector.c_str());
  return kExitOk;
}

}  // namespace codepulse::tracker
