// codepulse-bench-watch: how soon the inotify watcher reports (docs/BENCHMARKS.md,
// "The watcher's latency"); the tests check only what it reports, not how soon.
//
//   codepulse-bench-watch [--debounce-ms D] [--rounds N] [--flood-seconds S]
//
// Latency: N single appends, each after a quiet moment, timed from the write
// to its batch (the debounce D is the floor). Flood: a file appended to every
// 10 ms for S seconds, never quiet for D; the gaps between its batches (5 x D
// is the design's limit).
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tracker/watch/watcher.hpp"

// Asio's inlined internals trip -Wnull-dereference (GCC 12); they are not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/io_context.hpp>
#pragma GCC diagnostic pop

using namespace codepulse;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

void append(const std::string& path) {
  std::ofstream(path, std::ios::app) << "{\"line\":1}\n";
}

// min / median / p99 / max of `v`, in ms.
void print(const char* what, std::vector<double> v) {
  if (v.empty()) {
    std::printf("%-34s none\n", what);
    return;
  }
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))]; };
  std::printf("%-34s n=%-4zu min %7.1f  median %7.1f  p99 %7.1f  max %7.1f ms\n", what, v.size(),
              v.front(), at(0.5), at(0.99), v.back());
}

}  // namespace

int main(int argc, char** argv) {
  int64_t debounce_ms = 100;
  int rounds = 50;
  int flood_seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--debounce-ms")) debounce_ms = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--flood-seconds")) flood_seconds = std::atoi(argv[i + 1]);
  }
  char tmpl[] = "/tmp/codepulse-bench-watch-XXXXXX";
  if (!::mkdtemp(tmpl)) return 1;
  const std::string root = std::string(tmpl) + "/projects";
  const std::string file = root + "/p/s.jsonl";
  std::filesystem::create_directories(root + "/p");
  append(file);

  boost::asio::io_context io;
  tracker::WatchOptions options;
  options.roots = {root};
  options.debounce_ms = debounce_ms;
  options.mode = tracker::WatchOptions::Mode::kInotify;
  auto made = tracker::make_watcher(io, options);
  if (!made.ok()) {
    std::fprintf(stderr, "codepulse-bench-watch: %s\n", made.error().message.c_str());
    return 1;
  }
  std::vector<Clock::time_point> batches;
  auto watcher = std::move(made).value();
  if (!watcher->start([&](tracker::WatchBatch) { batches.push_back(Clock::now()); }).ok()) return 1;
  const auto debounce = std::chrono::milliseconds(debounce_ms);

  std::vector<double> latency;
  for (int r = 0; r < rounds; ++r) {
    io.run_for(2 * debounce);  // quiet
    batches.clear();
    const auto t = Clock::now();
    append(file);
    while (batches.empty() && Clock::now() - t < 60s)
      io.run_for(1ms);
    if (!batches.empty()) latency.push_back(ms(batches.front() - t));
  }

  io.run_for(2 * debounce);
  batches.clear();
  const auto t0 = Clock::now();
  while (Clock::now() - t0 < std::chrono::seconds(flood_seconds)) {
    append(file);
    io.run_for(10ms);
  }
  std::vector<double> gaps;
  Clock::time_point previous = t0;
  for (const auto& b : batches) {
    gaps.push_back(ms(b - previous));
    previous = b;
  }

  std::printf("inotify watcher, debounce %lld ms (a batch waits at most %lld ms in a flood)\n",
              static_cast<long long>(debounce_ms), static_cast<long long>(5 * debounce_ms));
  print("append -> batch", latency);
  print("flood: gap between batches", gaps);
  watcher.reset();
  std::filesystem::remove_all(tmpl);
  return 0;
}
