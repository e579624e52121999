#include "tracker/watch/watcher.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

// Asio's inlined internals trip -Wnull-dereference (GCC 12); they are not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/io_context.hpp>
#pragma GCC diagnostic pop

using namespace codepulse;
using namespace codepulse::tracker;
using namespace std::chrono_literals;
using codepulse::test::append_file;
using codepulse::test::make_dirs;
using codepulse::test::TempDir;
using codepulse::test::write_file;
using Clock = std::chrono::steady_clock;

namespace {

struct Batches {
  std::vector<WatchBatch> all;
  std::vector<Clock::time_point> at;

  std::function<void(WatchBatch)> sink() {
    return [this](WatchBatch b) {
      all.push_back(std::move(b));
      at.push_back(Clock::now());
    };
  }
  static bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  }
  bool changed(const std::string& path) const {
    return std::any_of(all.begin(), all.end(),
                       [&](const WatchBatch& b) { return contains(b.files, path); });
  }
  bool removed(const std::string& path) const {
    return std::any_of(all.begin(), all.end(),
                       [&](const WatchBatch& b) { return contains(b.removed, path); });
  }
  bool rescan() const {
    return std::any_of(all.begin(), all.end(), [](const WatchBatch& b) { return b.rescan; });
  }
  void clear() {
    all.clear();
    at.clear();
  }
};

// Drives the io_context until `done` holds or `limit` passes.
template <class Pred>
bool run_until(boost::asio::io_context& io, Pred done,
               std::chrono::milliseconds limit = std::chrono::milliseconds(test::kPatienceMs)) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    if (io.stopped()) io.restart();
    io.run_for(5ms);
  }
  return true;
}

void run_quietly(boost::asio::io_context& io, std::chrono::milliseconds d) {
  if (io.stopped()) io.restart();
  io.run_for(d);
}

std::unique_ptr<Watcher> make(boost::asio::io_context& io, const WatchOptions& options) {
  auto made = make_watcher(io, options);
  INFO((made.ok() ? std::string() : made.error().message));
  REQUIRE(made.ok());
  return std::move(made).value();
}

WatchOptions inotify_options(const std::string& root, int64_t debounce_ms = 50) {
  WatchOptions o;
  o.roots = {root};
  o.debounce_ms = debounce_ms;
  o.mode = WatchOptions::Mode::kInotify;
  return o;
}

int64_t ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

}  // namespace

TEST_CASE("inotify: an append is reported after the debounce", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "projects";
  const std::string file = root + "/-home-me-repo/s1.jsonl";
  write_file(file, "{}\n");
  boost::asio::io_context io;
  auto w = make(io, inotify_options(root, 100));
  CHECK(std::string(w->kind()) == "inotify");
  CHECK(w->watched_folders() == 2);
  CHECK(w->fallback_reason().empty());
  Batches got;
  REQUIRE(w->start(got.sink()).ok());

  const auto t0 = Clock::now();
  append_file(file, "{\"a\":1}\n");
  REQUIRE(run_until(io, [&] { return !got.all.empty(); }));
  CHECK(ms_since(t0) >= 100);  // not before the quiet time; how soon after: bench/watch_latency.cpp
  REQUIRE(got.all.size() == 1);
  CHECK(got.all[0].files == std::vector<std::string>{file});
  CHECK(got.all[0].removed.empty());
  CHECK_FALSE(got.all[0].rescan);
}

TEST_CASE("inotify: changes between make_watcher and start are reported", "[watch]") {
  TempDir tmp;
  const std::string file = tmp / "projects/p/s.jsonl";
  write_file(file, "");
  boost::asio::io_context io;
  auto w = make(io, inotify_options(tmp / "projects"));
  append_file(file, "x\n");
  Batches got;
  REQUIRE(w->start(got.sink()).ok());
  REQUIRE(run_until(io, [&] { return got.changed(file); }));
}

TEST_CASE("inotify: a file in a folder created after start is reported", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "projects";
  make_dirs(root);
  boost::asio::io_context io;
  auto w = make(io, inotify_options(root));
  Batches got;
  REQUIRE(w->start(got.sink()).ok());
  CHECK(w->watched_folders() == 1);

  // Created in one go: the file exists before the watcher can watch its folder.
  const std::string agent = root + "/-home-me-repo/session-1/subagents/agent-x.jsonl";
  write_file(agent, "{}\n");
  REQUIRE(run_until(io, [&] { return got.changed(agent); }));
  CHECK(w->watched_folders() == 4);

  // The new folder is watched from now on.
  got.clear();
  append_file(agent, "{}\n");
  REQUIRE(run_until(io, [&] { return got.changed(agent); }));
  const std::string second = root + "/-home-me-repo/session-1/subagents/agent-y.jsonl";
  write_file(second, "{}\n");
  REQUIRE(run_until(io, [&] { return got.changed(second); }));
}

TEST_CASE("inotify: a root that does not exist at start is picked up when created", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "home/.claude/projects";  // none of it exists yet
  boost::asio::io_context io;
  auto w = make(io, inotify_options(root));
  CHECK(w->watched_folders() == 1);  // the nearest existing ancestor
  Batches got;
  REQUIRE(w->start(got.sink()).ok());
  run_quietly(io, 100ms);
  CHECK(got.all.empty());

  // A first-ever Claude Code run.
  const std::string file = root + "/-home-me-repo/s1.jsonl";
  write_file(file, "{}\n");
  REQUIRE(run_until(io, [&] { return got.rescan(); }));
  CHECK(w->watched_folders() >= 2);

  got.clear();
  append_file(file, "{}\n");
  REQUIRE(run_until(io, [&] { return got.changed(file); }));
  CHECK_FALSE(got.rescan());
}

TEST_CASE("inotify: a root that disappears is waited for again", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "claude/projects";
  const std::string file = root + "/p/s.jsonl";
  write_file(file, "{}\n");
  boost::asio::io_context io;
  auto w = make(io, inotify_options(root));
  Batches got;
  REQUIRE(w->start(got.sink()).ok());

  REQUIRE(test::run({"rm", "-rf", tmp / "claude"}).exit_code == 0);
  REQUIRE(run_until(io, [&] { return got.removed(file); }));
  REQUIRE(run_until(io, [&] { return w->watched_folders() == 1; }));

  got.clear();
  write_file(file, "{}\n");
  REQUIRE(run_until(io, [&] { return got.rescan(); }));
  got.clear();
  append_file(file, "{}\n");
  REQUIRE(run_until(io, [&] { return got.changed(file); }));
}

TEST_CASE("inotify: deleted and moved-away files are reported as removed", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "projects";
  const std::string a = root + "/p/a.jsonl";
  const std::string b = root + "/p/b.jsonl";
  write_file(a, "{}\n");
  write_file(b, "{}\n");
  boost::asio::io_context io;
  auto w = make(io, inotify_options(root));
  Batches got;
  REQUIRE(w->start(got.sink()).ok());

  REQUIRE(::unlink(a.c_str()) == 0);
  REQUIRE(::rename(b.c_str(), (tmp / "b.jsonl").c_str()) == 0);
  REQUIRE(run_until(io, [&] { return got.removed(a) && got.removed(b); }));
  CHECK_FALSE(got.changed(a));
  CHECK_FALSE(got.changed(b));
}

TEST_CASE("inotify: a folder moved in gives a rescan and its files", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "projects";
  make_dirs(root);
  const std::string outside = tmp / "elsewhere/-home-me-other";
  write_file(outside + "/s.jsonl", "{}\n");
  write_file(outside + "/s/subagents/agent-1.jsonl", "{}\n");
  boost::asio::io_context io;
  auto w = make(io, inotify_options(root));
  Batches got;
  REQUIRE(w->start(got.sink()).ok());

  const std::string moved = root + "/-home-me-other";
  REQUIRE(::rename(outside.c_str(), moved.c_str()) == 0);
  REQUIRE(run_until(io, [&] { return got.rescan(); }));
  CHECK(got.changed(moved + "/s.jsonl"));
  CHECK(got.changed(moved + "/s/subagents/agent-1.jsonl"));

  got.clear();
  append_file(moved + "/s/subagents/agent-1.jsonl", "{}\n");
  REQUIRE(run_until(io, [&] { return got.changed(moved + "/s/subagents/agent-1.jsonl"); }));

  // Moved away again: a rescan, and its folders are no longer watched.
  const size_t before = w->watched_folders();
  got.clear();
  REQUIRE(::rename(moved.c_str(), (tmp / "gone").c_str()) == 0);
  REQUIRE(run_until(io, [&] { return got.rescan(); }));
  CHECK(w->watched_folders() == before - 3);
  got.clear();
  append_file(tmp / "gone/s.jsonl", "{}\n");
  run_quietly(io, 200ms);
  CHECK(got.all.empty());
}

TEST_CASE("inotify: no wake-ups while idle", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "projects";
  const std::string file = root + "/p/s.jsonl";
  write_file(file, "{}\n");
  WatchOptions options = inotify_options(root);
  options.roots.push_back(tmp / "not-yet/projects");  // an ancestor watch too
  boost::asio::io_context io;
  auto w = make(io, options);
  Batches got;
  REQUIRE(w->start(got.sink()).ok());
  append_file(file, "{}\n");
  REQUIRE(run_until(io, [&] { return got.changed(file); }));

  const uint64_t before = w->wakeups();
  CHECK(before > 0);
  if (io.stopped()) io.restart();
  const size_t handlers = io.run_for(1500ms);
  CHECK(handlers == 0);
  CHECK(w->wakeups() == before);
}

TEST_CASE("inotify: files that are not transcripts do not give batches", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "projects";
  make_dirs(root + "/p/s1/tool-results");
  boost::asio::io_context io;
  auto w = make(io, inotify_options(root));
  Batches got;
  REQUIRE(w->start(got.sink()).ok());

  write_file(root + "/p/journal.jsonl", "{}\n");
  write_file(root + "/p/s1.meta.json", "{}\n");
  write_file(root + "/p/s1/tool-results/out.txt", "text\n");
  append_file(root + "/p/s1/tool-results/out.txt", "more\n");
  run_quietly(io, 300ms);
  CHECK(got.all.empty());

  const std::string file = root + "/p/s1.jsonl";
  write_file(file, "{}\n");
  REQUIRE(run_until(io, [&] { return !got.all.empty(); }));
  CHECK(got.all[0].files == std::vector<std::string>{file});
}

TEST_CASE("inotify: symbolic links to folders are not followed", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "projects";
  make_dirs(root);
  make_dirs(tmp / "outside");
  REQUIRE(::symlink((tmp / "outside").c_str(), (root + "/linked").c_str()) == 0);
  boost::asio::io_context io;
  auto w = make(io, inotify_options(root));
  CHECK(w->watched_folders() == 1);
  Batches got;
  REQUIRE(w->start(got.sink()).ok());
  write_file(tmp / "outside/s.jsonl", "{}\n");
  run_quietly(io, 200ms);
  CHECK(got.all.empty());
}

TEST_CASE("inotify: a flood of appends gives a batch every 5 debounces", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "projects";
  const std::string file = root + "/p/s.jsonl";
  write_file(file, "");
  constexpr auto kDebounce = 100ms;
  boost::asio::io_context io;
  auto w = make(io, inotify_options(root, kDebounce.count()));
  Batches got;
  REQUIRE(w->start(got.sink()).ok());

  // An append before every turn of the io_context: the watcher reads it before
  // its timer runs, so it never sees a debounce of quiet, and every batch comes
  // from the limit of 5 debounces after the first event. A batch that comes
  // less than a debounce after the last append can only come from that limit,
  // at any speed of this machine (a stall of the test between the append and
  // the batch leaves that batch unjudged). How late past the limit batches
  // come is measured by bench/watch_latency.cpp (docs/BENCHMARKS.md).
  std::vector<Clock::time_point> appends;
  size_t from_the_limit = 0;
  const auto t0 = Clock::now();
  while (from_the_limit < 3 && Clock::now() - t0 < std::chrono::milliseconds(test::kPatienceMs)) {
    append_file(file, "{\"line\":1}\n");
    appends.push_back(Clock::now());
    const size_t before = got.all.size();
    if (io.stopped()) io.restart();
    io.poll();
    for (size_t i = before; i < got.all.size(); ++i) {
      const auto since_append = got.at[i] - appends.back();
      const auto since_previous = got.at[i] - (i == 0 ? t0 : got.at[i - 1]);
      INFO("batch " << i << ": "
                    << std::chrono::duration_cast<std::chrono::milliseconds>(since_previous).count()
                    << " ms after the previous");
      CHECK(since_previous >= kDebounce);  // never sooner than a debounce
      if (since_append < kDebounce) {
        ++from_the_limit;
        CHECK(since_previous >= 5 * kDebounce);  // the limit, not the quiet, made it
      }
    }
    ::usleep(10'000);
  }
  CHECK(from_the_limit >= 3);  // batches keep coming while the file is written without pause
  for (const auto& b : got.all)
    CHECK(b.files == std::vector<std::string>{file});
}

TEST_CASE("inotify: a queue overflow asks for a rescan", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "projects";
  make_dirs(root + "/p");
  boost::asio::io_context io;
  auto w = make(io, inotify_options(root));
  Batches got;
  REQUIRE(w->start(got.sink()).ok());
  // More events than this host's inotify queue holds (fs.inotify.max_queued_events,
  // 16384 by default), unread: writes to two files in turn, each a new event
  // (the kernel merges an event only into an identical last one).
  long queue_limit = 0;
  {
    FILE* f = ::fopen("/proc/sys/fs/inotify/max_queued_events", "r");
    REQUIRE(f);
    REQUIRE(::fscanf(f, "%ld", &queue_limit) == 1);
    ::fclose(f);
  }
  INFO("max_queued_events " << queue_limit);
  REQUIRE(queue_limit > 0);
  write_file(root + "/p/a.txt", "a");
  write_file(root + "/p/b.txt", "b");
  const int fds[2] = {::open((root + "/p/a.txt").c_str(), O_WRONLY | O_CLOEXEC),
                      ::open((root + "/p/b.txt").c_str(), O_WRONLY | O_CLOEXEC)};
  REQUIRE(fds[0] >= 0);
  REQUIRE(fds[1] >= 0);
  long written = 0;
  for (long i = 0; i < queue_limit + 100; ++i)
    written += ::pwrite(fds[i % 2], "x", 1, 0) == 1;
  ::close(fds[0]);
  ::close(fds[1]);
  REQUIRE(written == queue_limit + 100);
  REQUIRE(run_until(io, [&] { return got.rescan(); }));
  CHECK(w->watched_folders() == 2);
  got.clear();
  write_file(root + "/p/s.jsonl", "{}\n");
  REQUIRE(run_until(io, [&] { return got.changed(root + "/p/s.jsonl"); }));
}

TEST_CASE("a watcher stopped from its callback reports nothing more", "[watch]") {
  TempDir tmp;
  const std::string file = tmp / "projects/p/s.jsonl";
  write_file(file, "{}\n");
  boost::asio::io_context io;
  auto w = make(io, inotify_options(tmp / "projects"));
  int calls = 0;
  REQUIRE(w->start([&](WatchBatch) {
             ++calls;
             w.reset();  // destroys the watcher from inside its own handler
           }).ok());
  append_file(file, "{}\n");
  REQUIRE(run_until(io, [&] { return calls == 1; }));
  append_file(file, "{}\n");
  run_quietly(io, 200ms);
  CHECK(calls == 1);
}

TEST_CASE("poll: appends, new files and removed files are reported", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "projects";
  const std::string kept = root + "/p/kept.jsonl";
  const std::string gone = root + "/p/gone.jsonl";
  write_file(kept, "{}\n");
  write_file(gone, "{}\n");
  write_file(root + "/p/journal.jsonl", "{}\n");
  WatchOptions options;
  options.roots = {root, tmp / "not-yet/projects"};
  options.mode = WatchOptions::Mode::kPoll;
  options.poll_interval_ms = 50;
  boost::asio::io_context io;
  auto w = make(io, options);
  CHECK(std::string(w->kind()) == "poll");
  CHECK(w->fallback_reason().empty());
  CHECK(w->watched_folders() == 2);
  Batches got;
  REQUIRE(w->start(got.sink()).ok());
  run_quietly(io, 120ms);
  CHECK(got.all.empty());  // nothing changed
  CHECK(w->wakeups() >= 1);

  append_file(kept, "{\"more\":1}\n");
  const std::string added = root + "/p/s/subagents/agent-1.jsonl";
  write_file(added, "{}\n");
  const std::string later_root_file = tmp / "not-yet/projects/q/s.jsonl";
  write_file(later_root_file, "{}\n");
  REQUIRE(::unlink(gone.c_str()) == 0);
  append_file(root + "/p/journal.jsonl", "{}\n");
  REQUIRE(run_until(io, [&] {
    return got.changed(kept) && got.changed(added) && got.changed(later_root_file) &&
           got.removed(gone);
  }));
  CHECK_FALSE(got.changed(root + "/p/journal.jsonl"));
  for (const auto& b : got.all)
    CHECK(std::is_sorted(b.files.begin(), b.files.end()));
}

TEST_CASE("auto: the watch limit at start gives polling with a reason", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "projects";
  for (const char* d : {"/a", "/b", "/c", "/d"})
    make_dirs(root + d);
  WatchOptions options = inotify_options(root);
  options.inotify_watch_limit_for_test = 3;
  boost::asio::io_context io;

  auto strict = make_watcher(io, options);
  REQUIRE_FALSE(strict.ok());
  CHECK_THAT(strict.error().message, Catch::Contains("watch limit"));

  options.mode = WatchOptions::Mode::kAuto;
  options.poll_interval_ms = 50;
  auto w = make(io, options);
  CHECK(std::string(w->kind()) == "poll");
  CHECK_THAT(w->fallback_reason(), Catch::Contains("watch limit"));
  CHECK(w->watched_folders() == 5);
  Batches got;
  REQUIRE(w->start(got.sink()).ok());
  write_file(root + "/d/s.jsonl", "{}\n");
  REQUIRE(run_until(io, [&] { return got.changed(root + "/d/s.jsonl"); }));
}

TEST_CASE("auto: the watch limit hit later switches to polling", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "projects";
  make_dirs(root + "/a");
  WatchOptions options;
  options.roots = {root};
  options.debounce_ms = 50;
  options.poll_interval_ms = 50;
  options.inotify_watch_limit_for_test = 2;
  boost::asio::io_context io;
  auto w = make(io, options);
  CHECK(std::string(w->kind()) == "inotify");
  CHECK(w->fallback_reason().empty());
  Batches got;
  REQUIRE(w->start(got.sink()).ok());

  write_file(root + "/b/s.jsonl", "{}\n");  // a third folder: over the limit
  REQUIRE(run_until(io, [&] { return got.rescan(); }));
  CHECK(std::string(w->kind()) == "poll");
  CHECK_THAT(w->fallback_reason(), Catch::Contains("watch limit"));
  REQUIRE(got.all.back().notices.size() == 1);
  CHECK_THAT(got.all.back().notices[0], Catch::Contains("polling"));

  got.clear();
  append_file(root + "/b/s.jsonl", "{}\n");
  REQUIRE(run_until(io, [&] { return got.changed(root + "/b/s.jsonl"); }));
}

TEST_CASE("inotify mode: the watch limit hit later is a notice and a rescan", "[watch]") {
  TempDir tmp;
  const std::string root = tmp / "projects";
  make_dirs(root + "/a");
  WatchOptions options = inotify_options(root);
  options.inotify_watch_limit_for_test = 2;
  boost::asio::io_context io;
  auto w = make(io, options);
  Batches got;
  REQUIRE(w->start(got.sink()).ok());
  write_file(root + "/b/s.jsonl", "{}\n");
  REQUIRE(run_until(io, [&] { return got.rescan(); }));
  CHECK(std::string(w->kind()) == "inotify");
  REQUIRE_FALSE(got.all.back().notices.empty());
  CHECK_THAT(got.all.back().notices[0], Catch::Contains("watch limit"));
  // Folders that were watched still are.
  got.clear();
  write_file(root + "/a/s.jsonl", "{}\n");
  REQUIRE(run_until(io, [&] { return got.changed(root + "/a/s.jsonl"); }));
}
