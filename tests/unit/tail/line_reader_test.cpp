#include "tracker/tail/line_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "common/c_handles.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::TempDir;

namespace {

struct Collected {
  std::vector<std::string> kept;
  std::vector<int64_t> kept_ends;
  int skipped = 0;
  std::vector<int64_t> oversized;
  std::string tail;
};

LineReaderCallbacks collect(Collected& c) {
  LineReaderCallbacks cb;
  cb.classify = [](std::string_view line) { return LineVerdict{line.rfind("keep", 0) == 0, 7}; };
  cb.on_line = [&c](std::string_view line, size_t capacity, int64_t end) {
    CHECK(capacity >= line.size() + 64);
    c.kept.emplace_back(line);
    c.kept_ends.push_back(end);
  };
  cb.on_skipped = [&c](uint8_t code, int64_t, int64_t) {
    CHECK(code == 7);
    ++c.skipped;
  };
  cb.on_oversized = [&c](int64_t start) { c.oversized.push_back(start); };
  cb.on_unterminated = [&c](std::string_view tail, size_t) {
    c.tail = std::string(tail);
    return false;
  };
  return cb;
}

std::string sample_log() {
  std::string log;
  for (int i = 0; i < 5000; ++i) {
    log += (i % 3 == 0 ? "keep " : "skip ") + std::to_string(i) + std::string(200, 'x') + "\n";
  }
  log += "skip " + std::string(5000, 'L') + "\n";  // oversized at a 4 KiB limit
  log += "keep last\n";
  log += "keep unfinished";
  return log;
}

}  // namespace

TEST_CASE("reads in small and large chunks hand over the same lines", "[tail]") {
  TempDir dir;
  const std::string path = dir / "log.jsonl";
  codepulse::test::write_file(path, sample_log());
  for (const size_t chunk : {size_t{4096}, size_t{1} << 20}) {
    TailLimits limits;
    limits.max_line_bytes = 4096;
    limits.chunk_bytes = chunk;  // 4 KiB: many refills
    LineReader reader(limits);
    UniqueFd fd(::open(path.c_str(), O_RDONLY));
    Collected c;
    auto out = reader.read(fd.get(), 0, path, collect(c));
    REQUIRE(out);
    INFO("chunk_bytes " << chunk);
    CHECK(c.kept.size() == 1668);
    CHECK(c.kept.front().rfind("keep 0", 0) == 0);
    CHECK(c.kept.back() == "keep last");
    CHECK(c.skipped == 3333);
    REQUIRE(c.oversized.size() == 1);
    CHECK(c.oversized[0] == static_cast<int64_t>(sample_log().find("skip LLLL")));
    CHECK(c.tail == "keep unfinished");
    const std::string log = sample_log();
    CHECK(out->consumed_offset ==
          static_cast<int64_t>(log.size() - std::string("keep unfinished").size()));
    CHECK(out->eof_offset == static_cast<int64_t>(log.size()));
    CHECK(c.kept_ends.back() == out->consumed_offset);
  }
}

TEST_CASE("a file that shrinks while it is read is an error", "[tail]") {
  TempDir dir;
  const std::string path = dir / "log.jsonl";
  std::string log;
  for (int i = 0; i < 20000; ++i)
    log += "keep " + std::string(500, 'y') + "\n";
  codepulse::test::write_file(path, log);
  LineReader reader(TailLimits{});
  UniqueFd fd(::open(path.c_str(), O_RDONLY));
  LineReaderCallbacks cb;
  int lines = 0;
  cb.classify = [](std::string_view) { return LineVerdict{true, 0}; };
  cb.on_line = [&](std::string_view, size_t, int64_t) {
    if (++lines == 10) REQUIRE(::truncate(path.c_str(), 0) == 0);  // Claude Code rewrote it
  };
  cb.on_skipped = [](uint8_t, int64_t, int64_t) {};
  cb.on_oversized = [](int64_t) {};
  auto out = reader.read(fd.get(), 0, path, cb);
  REQUIRE_FALSE(out);
  CHECK(out.error().message.find("shrank while it was being read") != std::string::npos);
  CHECK(lines < 20000);
  // The reader still works afterwards.
  codepulse::test::write_file(path, "keep a\nkeep b\n");
  UniqueFd fd2(::open(path.c_str(), O_RDONLY));
  lines = 0;
  cb.on_line = [&](std::string_view, size_t, int64_t) { ++lines; };
  auto again = reader.read(fd2.get(), 0, path, cb);
  REQUIRE(again);
  CHECK(lines == 2);
}

TEST_CASE("an oversized line still being written is reported once and skipped across reads",
          "[tail]") {
  TempDir dir;
  const std::string path = dir / "log.jsonl";
  for (const size_t chunk : {size_t{4096}, size_t{1} << 20}) {
    INFO("chunk_bytes " << chunk);
    codepulse::test::write_file(path, "keep a\n" + std::string(10000, 'L'));
    TailLimits limits;
    limits.max_line_bytes = 4096;
    limits.chunk_bytes = chunk;
    LineReader reader(limits);
    Collected c;
    UniqueFd fd(::open(path.c_str(), O_RDONLY));
    auto first = reader.read(fd.get(), 0, path, collect(c));
    REQUIRE(first);
    CHECK(first->inside_oversized);
    CHECK(first->consumed_offset == 10007);  // past what there is of the long line
    CHECK(c.oversized.size() == 1);
    // More of the long line, then its end and a normal line.
    codepulse::test::append_file(path, std::string(5000, 'L') + "\nkeep b\n");
    UniqueFd fd2(::open(path.c_str(), O_RDONLY));
    auto second = reader.read(fd2.get(), first->consumed_offset, path, collect(c), true);
    REQUIRE(second);
    CHECK_FALSE(second->inside_oversized);
    CHECK(c.oversized.size() == 1);  // not reported again
    REQUIRE(c.kept.size() == 2);
    CHECK(c.kept.back() == "keep b");
    CHECK(second->bytes_read <= 5000 + 8);  // only the new bytes were read
  }
}

TEST_CASE("a line of hundreds of chunks is handed over whole", "[tail]") {
  // 40 MiB read 64 KiB at a time: the buffer grows and keeps what it holds.
  TempDir dir;
  const std::string path = dir / "log.jsonl";
  const std::string long_line = "keep " + std::string(40u << 20, 'x');
  codepulse::test::write_file(path, "keep a\n" + long_line + "\nkeep c\n");
  TailLimits limits;
  limits.chunk_bytes = 64u << 10;
  LineReader reader(limits);
  UniqueFd fd(::open(path.c_str(), O_RDONLY));
  Collected c;
  auto out = reader.read(fd.get(), 0, path, collect(c));
  REQUIRE(out);
  REQUIRE(c.kept.size() == 3);
  CHECK(c.kept[1] == long_line);
  CHECK(c.kept[2] == "keep c");
  CHECK(out->consumed_offset == static_cast<int64_t>(7 + long_line.size() + 1 + 7));
}
