#include "common/tz.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using codepulse::CivilDate;
using codepulse::TimeZone;

namespace {

// UTC seconds of a civil UTC date-time.
int64_t utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return codepulse::days_from_civil(CivilDate{y, mo, d}) * 86400 + h * 3600 + mi * 60 + s;
}

TimeZone must_load(std::string_view name) {
  auto z = TimeZone::load(name);
  INFO((z ? std::string() : z.error().message));
  REQUIRE(z.ok());
  return *z;
}

void put32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void put64(std::string& out, int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  put32(out, static_cast<uint32_t>(u >> 32));
  put32(out, static_cast<uint32_t>(u));
}

struct TzifSpec {
  char version = '2';  // '\0' for version 1
  std::vector<int64_t> times;
  std::vector<uint8_t> type_of;
  std::vector<int32_t> offsets{0};
  std::string footer;
};

// Builds a TZif file; for v2+ the 32-bit block is a minimal one with one type.
std::string make_tzif(const TzifSpec& spec) {
  auto block = [&spec](std::string& out, char version, bool full, int time_size) {
    out += "TZif";
    out.push_back(version);
    out.append(15, '\0');
    const auto timecnt = static_cast<uint32_t>(full ? spec.times.size() : 0);
    const auto typecnt = static_cast<uint32_t>(full ? spec.offsets.size() : 1);
    for (uint32_t count : {0u, 0u, 0u, timecnt, typecnt, 4u})
      put32(out, count);
    for (uint32_t i = 0; i < timecnt; ++i) {
      if (time_size == 8) {
        put64(out, spec.times[i]);
      } else {
        put32(out, static_cast<uint32_t>(spec.times[i]));
      }
    }
    for (uint32_t i = 0; i < timecnt; ++i)
      out.push_back(static_cast<char>(spec.type_of[i]));
    for (uint32_t i = 0; i < typecnt; ++i) {
      put32(out, static_cast<uint32_t>(full ? spec.offsets[i] : 0));
      out.push_back('\0');  // isdst
      out.push_back('\0');  // designation index
    }
    out.append("ABC", 4);  // designations, NUL included
  };
  std::string out;
  if (spec.version == '\0') {
    block(out, '\0', true, 4);
    return out;
  }
  block(out, spec.version, false, 4);
  block(out, spec.version, true, 8);
  return out + "\n" + spec.footer + "\n";
}

// A file with no transitions whose POSIX footer decides every offset.
TimeZone footer_zone(const std::string& footer) {
  TzifSpec spec;
  spec.footer = footer;
  auto z = TimeZone::from_tzif("Test/Footer", make_tzif(spec), "<memory>");
  INFO((z ? std::string() : z.error().message));
  REQUIRE(z.ok());
  return *z;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tz_test.XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  void write(const std::string& rel, const std::string& bytes) const {
    const auto file = path_ / rel;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
  }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::string& path) {
  std::string bytes(std::filesystem::file_size(path), '\0');
  std::ifstream(path, std::ios::binary)
      .read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

}  // namespace

TEST_CASE("UTC has offset zero everywhere", "[tz]") {
  const TimeZone z = TimeZone::utc();
  CHECK(z.name() == "UTC");
  for (int64_t t : {int64_t{0}, utc(2026, 3, 29, 1), utc(2100, 7, 1), int64_t{-5000000000}}) {
    CHECK(z.offset_at(t) == 0);
  }
  CHECK(z.local_day_start_utc(CivilDate{2026, 3, 29}) == utc(2026, 3, 29));

  const TimeZone loaded = must_load("Etc/UTC");
  CHECK(loaded.name() == "Etc/UTC");
  CHECK(loaded.offset_at(utc(2026, 6, 1)) == 0);
  CHECK(loaded.local_day_start_utc(CivilDate{2026, 6, 1}) == utc(2026, 6, 1));
}

TEST_CASE("Europe/Berlin is +1h in winter and +2h in summer", "[tz]") {
  const TimeZone z = must_load("Europe/Berlin");
  CHECK(z.name() == "Europe/Berlin");
  CHECK(z.offset_at(utc(2026, 1, 15, 12)) == 3600);
  CHECK(z.offset_at(utc(2026, 7, 1, 12)) == 7200);
  CHECK(z.offset_at(utc(2026, 12, 24)) == 3600);
}

TEST_CASE("Europe/Berlin switches at the exact 2026 instants", "[tz]") {
  const TimeZone z = must_load("Europe/Berlin");
  const int64_t spring = utc(2026, 3, 29, 1);
  CHECK(z.offset_at(spring - 1) == 3600);
  CHECK(z.offset_at(spring) == 7200);
  const int64_t autumn = utc(2026, 10, 25, 1);
  CHECK(z.offset_at(autumn - 1) == 7200);
  CHECK(z.offset_at(autumn) == 3600);
}

TEST_CASE("America/New_York offsets and 2026 switches", "[tz]") {
  const TimeZone z = must_load("America/New_York");
  CHECK(z.offset_at(utc(2026, 1, 15)) == -18000);
  CHECK(z.offset_at(utc(2026, 7, 1)) == -14400);
  CHECK(z.offset_at(utc(2026, 3, 8, 7) - 1) == -18000);
  CHECK(z.offset_at(utc(2026, 3, 8, 7)) == -14400);
  CHECK(z.offset_at(utc(2026, 11, 1, 6) - 1) == -14400);
  CHECK(z.offset_at(utc(2026, 11, 1, 6)) == -18000);
}

TEST_CASE("Year 2100 instants use the POSIX footer rules", "[tz]") {
  const TimeZone berlin = must_load("Europe/Berlin");
  CHECK(berlin.offset_at(utc(2100, 1, 15)) == 3600);
  CHECK(berlin.offset_at(utc(2100, 7, 1)) == 7200);
  CHECK(berlin.offset_at(utc(2100, 3, 28, 1) - 1) == 3600);
  CHECK(berlin.offset_at(utc(2100, 3, 28, 1)) == 7200);
  CHECK(berlin.offset_at(utc(2100, 10, 31, 1) - 1) == 7200);
  CHECK(berlin.offset_at(utc(2100, 10, 31, 1)) == 3600);

  const TimeZone ny = must_load("America/New_York");
  CHECK(ny.offset_at(utc(2100, 1, 15)) == -18000);
  CHECK(ny.offset_at(utc(2100, 7, 1)) == -14400);
  CHECK(ny.offset_at(utc(2100, 3, 14, 7) - 1) == -18000);
  CHECK(ny.offset_at(utc(2100, 3, 14, 7)) == -14400);
  CHECK(ny.offset_at(utc(2100, 11, 7, 6) - 1) == -14400);
  CHECK(ny.offset_at(utc(2100, 11, 7, 6)) == -18000);
}

TEST_CASE("Asia/Kathmandu is +5:45", "[tz]") {
  const TimeZone z = must_load("Asia/Kathmandu");
  CHECK(z.offset_at(utc(2026, 1, 1)) == 20700);
  CHECK(z.offset_at(utc(2026, 7, 1)) == 20700);
  CHECK(z.offset_at(utc(2100, 7, 1)) == 20700);
  CHECK(z.local_day_start_utc(CivilDate{2026, 5, 1}) == utc(2026, 4, 30, 18, 15));
}

TEST_CASE("Australia/Lord_Howe has a 30 minute DST shift", "[tz]") {
  const TimeZone z = must_load("Australia/Lord_Howe");
  CHECK(z.offset_at(utc(2026, 1, 15)) == 39600);  // summer, +11
  CHECK(z.offset_at(utc(2026, 7, 15)) == 37800);  // winter, +10:30
  CHECK(z.offset_at(utc(2026, 4, 4, 15) - 1) == 39600);
  CHECK(z.offset_at(utc(2026, 4, 4, 15)) == 37800);
  CHECK(z.offset_at(utc(2026, 10, 3, 15, 30) - 1) == 37800);
  CHECK(z.offset_at(utc(2026, 10, 3, 15, 30)) == 39600);
  CHECK(z.offset_at(utc(2100, 4, 3, 15) - 1) == 39600);
  CHECK(z.offset_at(utc(2100, 4, 3, 15)) == 37800);
  CHECK(z.offset_at(utc(2100, 10, 2, 15, 30)) == 39600);
}

TEST_CASE("local_day_start_utc on an ordinary day", "[tz]") {
  CHECK(must_load("Europe/Berlin").local_day_start_utc(CivilDate{2026, 1, 15}) ==
        utc(2026, 1, 14, 23));
  CHECK(must_load("America/New_York").local_day_start_utc(CivilDate{2026, 7, 4}) ==
        utc(2026, 7, 4, 4));
  CHECK(must_load("Europe/Berlin").local_day_start_utc(CivilDate{2100, 7, 1}) ==
        utc(2100, 6, 30, 22));
}

TEST_CASE("local_day_start_utc on DST change days", "[tz]") {
  const TimeZone berlin = must_load("Europe/Berlin");
  CHECK(berlin.local_day_start_utc(CivilDate{2026, 3, 29}) == utc(2026, 3, 28, 23));
  CHECK(berlin.local_day_start_utc(CivilDate{2026, 3, 30}) == utc(2026, 3, 29, 22));
  CHECK(berlin.local_day_start_utc(CivilDate{2026, 10, 25}) == utc(2026, 10, 24, 22));
  CHECK(berlin.local_day_start_utc(CivilDate{2026, 10, 26}) == utc(2026, 10, 25, 23));
}

TEST_CASE("local_day_start_utc when midnight is skipped or repeated", "[tz]") {
  // Cuba-style rules: clocks jump 00:00 -> 01:00 and fall back 01:00 -> 00:00.
  const TimeZone z = footer_zone("CST5CDT,M3.2.0/0,M11.1.0/1");
  // 2026-03-08 has no local midnight; the day starts at 01:00 CDT.
  CHECK(z.local_day_start_utc(CivilDate{2026, 3, 8}) == utc(2026, 3, 8, 5));
  CHECK(z.offset_at(utc(2026, 3, 8, 5)) == -18000 + 3600);
  // 2026-11-01 has midnight twice (CDT, then CST); the first one counts.
  CHECK(z.local_day_start_utc(CivilDate{2026, 11, 1}) == utc(2026, 11, 1, 4));
  CHECK(z.local_day_start_utc(CivilDate{2026, 11, 2}) == utc(2026, 11, 2, 5));
}

TEST_CASE("Footer rule times may be negative or past 24h", "[tz]") {
  // Israel: Thursday of the 4th week of March at 26:00, i.e. Friday 02:00.
  const TimeZone israel = footer_zone("IST-2IDT,M3.4.4/26,M10.5.0");
  CHECK(israel.offset_at(utc(2026, 3, 27) - 1) == 7200);
  CHECK(israel.offset_at(utc(2026, 3, 27)) == 10800);
  CHECK(israel.offset_at(utc(2026, 10, 24, 23) - 1) == 10800);
  CHECK(israel.offset_at(utc(2026, 10, 24, 23)) == 7200);

  // Greenland: last Sunday of March at -1:00, i.e. Saturday 23:00 local.
  const TimeZone nuuk = footer_zone("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  CHECK(nuuk.offset_at(utc(2026, 3, 29, 1) - 1) == -7200);
  CHECK(nuuk.offset_at(utc(2026, 3, 29, 1)) == -3600);
  CHECK(nuuk.offset_at(utc(2026, 10, 25, 1) - 1) == -3600);
  CHECK(nuuk.offset_at(utc(2026, 10, 25, 1)) == -7200);
}

TEST_CASE("Footer rules in Jn and n forms", "[tz]") {
  // J60 is March 1 even in leap years; zero-based 59 is Feb 29 in leap years.
  const TimeZone julian = footer_zone("AAA-1BBB,J60/0,J300/0");
  CHECK(julian.offset_at(utc(2028, 2, 29, 23) - 1) == 3600);
  CHECK(julian.offset_at(utc(2028, 2, 29, 23)) == 7200);  // Mar 1 00:00 local
  const TimeZone zero_based = footer_zone("AAA-1BBB,59/0,299/0");
  CHECK(zero_based.offset_at(utc(2028, 2, 28, 23) - 1) == 3600);
  CHECK(zero_based.offset_at(utc(2028, 2, 28, 23)) == 7200);  // Feb 29 00:00 local
  CHECK(zero_based.offset_at(utc(2027, 2, 28, 23)) == 7200);  // Mar 1 in 2027
  // DST all year: the end (Dec 31 25:00 DST) meets the next year's start.
  const TimeZone always_dst = footer_zone("EST5EDT,0/0,J365/25");
  for (int64_t t : {utc(2026, 1, 1, 4, 30), utc(2026, 1, 1, 5), utc(2026, 7, 1),
                    utc(2026, 12, 31, 23), utc(2027, 1, 1, 4, 59, 59), utc(2027, 1, 1, 5)}) {
    CHECK(always_dst.offset_at(t) == -14400);
  }
}

TEST_CASE("Footer with DST names and offsets but no rules, and a plain offset", "[tz]") {
  const TimeZone z = footer_zone("<+0545>-5:45");
  CHECK(z.offset_at(utc(2026, 1, 1)) == 20700);
  const TimeZone dst_default = footer_zone("EST5EDT");  // US rules by default
  CHECK(dst_default.offset_at(utc(2026, 7, 1)) == -14400);
  CHECK(dst_default.offset_at(utc(2026, 1, 1)) == -18000);
}

TEST_CASE("TZif version 1 files and versions 3 and 4 are read", "[tz]") {
  TzifSpec spec;
  spec.version = '\0';
  spec.times = {utc(2000, 1, 1), utc(2010, 1, 1)};
  spec.type_of = {1, 2};
  spec.offsets = {100, 3600, -7200};
  auto v1 = TimeZone::from_tzif("Test/V1", make_tzif(spec), "<memory>");
  REQUIRE(v1.ok());
  CHECK(v1->offset_at(utc(1990, 1, 1)) == 100);
  CHECK(v1->offset_at(utc(2000, 1, 1)) == 3600);
  CHECK(v1->offset_at(utc(2100, 1, 1)) == -7200);  // no footer: last type persists

  for (char version : {'2', '3', '4'}) {
    spec.version = version;
    spec.footer = "<-02>2";
    auto z = TimeZone::from_tzif("Test/V", make_tzif(spec), "<memory>");
    REQUIRE(z.ok());
    CHECK(z->offset_at(utc(2005, 1, 1)) == 3600);
    CHECK(z->offset_at(utc(2010, 1, 1)) == -7200);
    CHECK(z->offset_at(utc(2010, 1, 1) + 1) == -7200);  // footer agrees
  }
}

TEST_CASE("Invalid zone names are rejected with an Error naming the zone", "[tz]") {
  for (const char* name : {"../etc/passwd", "Europe/../../etc/passwd", "/etc/passwd",
                           "Europe/Berlin;rm", "Europe Berlin", "No/Such_Zone"}) {
    auto z = TimeZone::load(name);
    REQUIRE_FALSE(z.ok());
    CHECK_THAT(z.error().message, Catch::Contains(name));
  }
  auto empty = TimeZone::load("");
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.error().message, Catch::Contains("''"));
}

TEST_CASE("Corrupt or truncated TZif files give an Error naming the file", "[tz]") {
  TempDir dir;
  const std::string good = read_file("/usr/share/zoneinfo/Europe/Berlin");
  REQUIRE(good.size() > 200);
  dir.write("Test/Good", good);
  dir.write("Test/Truncated", good.substr(0, good.size() / 2));
  dir.write("Test/BadMagic", "TZjf" + good.substr(4));
  dir.write("Test/Empty", "");
  const std::string zdir = dir.path().string();

  auto ok = TimeZone::load("Test/Good", zdir);
  REQUIRE(ok.ok());
  CHECK(ok->offset_at(utc(2026, 7, 1)) == 7200);
  for (const char* name : {"Test/Truncated", "Test/BadMagic", "Test/Empty"}) {
    auto z = TimeZone::load(name, zdir);
    REQUIRE_FALSE(z.ok());
    CHECK_THAT(z.error().message, Catch::Contains(zdir + "/" + name));
  }
  auto missing = TimeZone::load("Test/Missing", zdir);
  REQUIRE_FALSE(missing.ok());
  auto directory = TimeZone::load("Test", zdir);
  REQUIRE_FALSE(directory.ok());
}

TEST_CASE("Every truncation of a real TZif file is an Error, never a crash", "[tz]") {
  const std::string good = read_file("/usr/share/zoneinfo/America/New_York");
  REQUIRE(TimeZone::from_tzif("x", good, "ny").ok());
  for (size_t len = 0; len < good.size(); ++len) {
    auto z = TimeZone::from_tzif("x", std::string_view(good).substr(0, len), "ny");
    INFO("length " << len);
    CHECK_FALSE(z.ok());
  }
}

TEST_CASE("Inconsistent TZif contents are rejected", "[tz]") {
  TzifSpec spec;
  spec.times = {utc(2000, 1, 1), utc(2010, 1, 1)};
  spec.type_of = {1, 0};
  spec.offsets = {0, 3600};
  spec.footer = "UTC0";
  REQUIRE(TimeZone::from_tzif("x", make_tzif(spec), "f").ok());

  TzifSpec bad_index = spec;
  bad_index.type_of = {1, 2};
  TzifSpec unordered = spec;
  unordered.times = {utc(2010, 1, 1), utc(2000, 1, 1)};
  TzifSpec bad_offset = spec;
  bad_offset.offsets = {0, 200000};
  TzifSpec bad_footer = spec;
  bad_footer.footer = "CET-1CEST,M13.5.0,M10.5.0/3";
  TzifSpec huge_rule_time = spec;
  huge_rule_time.footer = "CET-1CEST,M3.5.0/168,M10.5.0/3";
  TzifSpec short_name = spec;
  short_name.footer = "C-1";
  for (const TzifSpec& s :
       {bad_index, unordered, bad_offset, bad_footer, huge_rule_time, short_name}) {
    auto z = TimeZone::from_tzif("x", make_tzif(s), "/some/file");
    REQUIRE_FALSE(z.ok());
    CHECK_THAT(z.error().message, Catch::Contains("/some/file"));
  }

  std::string bad_count = make_tzif(spec);
  bad_count[32] = '\x7f';  // the first header's timecnt becomes huge
  CHECK_FALSE(TimeZone::from_tzif("x", bad_count, "f").ok());
}
