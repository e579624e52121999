// The token limit per author and UTC day across batches (issue 22), in both
// collector stores: records of a day that would pass 10^10 tokens with what
// the store holds of the author's day are rejected alone, with the reason
// and their positions; other days and other authors are stored; a record
// sent again at a higher revision is not counted twice. The same table
// counts each day's records and sums their revisions (Store::usage_days).
#include "collector/store/author_day_limit.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "collector/store/store.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::TempDir;

namespace {

constexpr const char* kDev = "dev@acme.example";
constexpr const char* kMate = "mate@acme.example";
constexpr int64_t kT0 = 1'770'912'000'000;  // 2026-02-12T16:00:00Z
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMax = proto::kMaxTokensPerField;  // 10^8

// `n` records of 10^8 cache reads at `ts_ms`, uids prefix0..prefix{n-1}.
std::vector<proto::WireRecord> records(const std::string& prefix, int n, int64_t ts_ms,
                                       int64_t revision = 1) {
  std::vector<proto::WireRecord> out;
  for (int i = 0; i < n; ++i) {
    proto::WireRecord w;
    w.record_uid = prefix + std::to_string(i);
    w.revision = revision;
    w.usage.message_id = "msg_" + w.record_uid;
    w.usage.request_id = "req_" + w.record_uid;
    w.usage.timestamp_ms = ts_ms;
    w.usage.session_id = "session-1";
    w.usage.model = "claude-opus-4-6";
    w.usage.cache_read = kMax;
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<proto::WireRecord> joined(std::vector<proto::WireRecord> a,
                                      const std::vector<proto::WireRecord>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

proto::DecodedBatch batch(const std::string& batch_id, const std::vector<proto::WireRecord>& rs) {
  proto::BatchHeader h;
  h.tracker_version = "0.2.0";
  h.device_id = "device-1";
  h.batch_id = batch_id;
  h.record_count = static_cast<int64_t>(rs.size());
  h.created_ms = kT0;
  auto d = proto::decode_json(proto::encode_json(h, rs, {}), {});
  REQUIRE(d);
  return std::move(d).value();
}

IngestResult ingest(Store& store, const proto::DecodedBatch& b, const std::string& author = kDev) {
  auto r = store.ingest(author, b);
  REQUIRE(r);
  return std::move(r).value();
}

}  // namespace

TEST_CASE("records past the per author-day token limit across batches are rejected alone",
          "[collector][store][overflow]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto opened = open_store(target.db);
  REQUIRE(opened);
  Store& store = **opened;

  // 6 * 10^9 tokens of 2026-02-12 stored.
  const auto first = ingest(store, batch("b1", records("a", 60, kT0)));
  CHECK(first.records_new == 60);

  // 5 * 10^9 more of that day would pass 10^10: those 50 are rejected, the
  // 3 of the next day are stored.
  const auto second =
      ingest(store, batch("b2", joined(joined(records("c", 2, kT0 + kDayMs), records("b", 50, kT0)),
                                       records("n", 1, kT0 + kDayMs))));
  CHECK(second.records_new == 3);
  CHECK(second.rejected == 50);
  REQUIRE(second.rejections.size() == 50);
  CHECK(second.rejections.front().index == 2);
  CHECK(second.rejections.back().index == 51);
  CHECK(second.rejections.front().uid == "b0");
  const std::string& why = second.rejections.front().reason;
  CHECK(why.find("2026-02-12") != std::string::npos);
  CHECK(why.find("per author and UTC day") != std::string::npos);
  CHECK(why.find("11000000000 tokens (6000000000 stored before this batch)") != std::string::npos);
  CHECK(*store.record_count() == 63);

  // The same batch sent again gets the stored outcome.
  const auto again =
      ingest(store, batch("b2", joined(joined(records("c", 2, kT0 + kDayMs), records("b", 50, kT0)),
                                       records("n", 1, kT0 + kDayMs))));
  CHECK(again.batch_seen_before);
  CHECK(again.rejected == 50);
  CHECK(again.rejections[0].index == 2);

  // Another author's day is their own.
  const auto mate = ingest(store, batch("m1", records("b", 50, kT0)), kMate);
  CHECK(mate.records_new == 50);
  CHECK(mate.rejected == 0);

  // The 60 stored records again at revision 2, with 39 new ones: 9.9 * 10^9
  // once the replaced revisions are not counted twice, so all are stored.
  const auto revised =
      ingest(store, batch("b3", joined(records("a", 60, kT0, 2), records("d", 39, kT0))));
  CHECK(revised.replaced == 60);
  CHECK(revised.records_new == 39);
  CHECK(revised.rejected == 0);
  // The day now holds 9.9 * 10^9: one record more fits, two do not.
  const auto last = ingest(store, batch("b4", records("e", 2, kT0)));
  CHECK(last.rejected == 2);
  const auto one = ingest(store, batch("b5", records("f", 1, kT0)));
  CHECK(one.records_new == 1);
  CHECK(*store.record_count() == 63 + 50 + 39 + 1);

  // The day totals the store keeps equal a sum over its records.
  const std::string sum =
      "SELECT COALESCE(SUM(input + output + cache_create_5m + cache_create_1h + cache_read), 0) "
      "FROM usage_records WHERE author = '" +
      std::string(kDev) + "' AND ts_ms >= " + std::to_string(kT0 - kT0 % kDayMs) + " AND ts_ms < " +
      std::to_string(kT0 - kT0 % kDayMs + kDayMs);
  const std::string kept = "SELECT tokens FROM author_day_tokens WHERE author = '" +
                           std::string(kDev) +
                           "' AND day_ms = " + std::to_string(kT0 - kT0 % kDayMs);
  CHECK(test::db_text(target.db, sum) == "10000000000");
  CHECK(test::db_text(target.db, kept) == "10000000000");
  CHECK(test::db_text(target.db, "SELECT COUNT(*) FROM author_day_tokens") == "3");
}

TEST_CASE("limit_author_days keeps the positions of the decoder's rejections",
          "[collector][store][overflow]") {
  auto rs = joined(records("x", 2, kT0), records("y", 2, kT0 + kDayMs));
  proto::BatchHeader h;
  h.device_id = "device-1";
  h.batch_id = "b";
  h.created_ms = kT0;
  std::string json = proto::encode_json(h, rs, {});
  // The second record (position 1) unreadable: the decoder rejects it.
  const std::string uid = "\"uid\":\"x1\"";
  const auto at = json.find(uid);
  REQUIRE(at != std::string::npos);
  json.replace(at, uid.size(), "\"uid\":17");
  auto d = proto::decode_json(json, {});
  REQUIRE(d);
  REQUIRE(d->rejected.size() == 1);
  std::vector<int64_t> asked;
  auto limited = limit_author_days(*d, [&](int64_t day_ms, const std::vector<std::string>* except) {
    asked.push_back(day_ms);
    if (except) CHECK(except->size() == 3);
    // The second day is nearly full, even without the batch's own records.
    return Result<int64_t>(day_ms == kT0 - kT0 % kDayMs ? 0 : kMaxAuthorDayTokens - kMax);
  });
  REQUIRE(limited);
  REQUIRE(*limited);
  const proto::DecodedBatch& kept = **limited;
  REQUIRE(kept.records.size() == 1);
  CHECK(kept.records[0].record_uid == "x0");
  REQUIRE(kept.rejected.size() == 3);
  CHECK(kept.rejected[1].index == 2);
  CHECK(kept.rejected[1].uid == "y0");
  CHECK(kept.rejected[2].index == 3);
  // Each day summed once, and the full one again without the batch's uids.
  CHECK(asked.size() == 3);
}

TEST_CASE("each UTC day counts its records and their revisions as ingest changes them",
          "[collector][store][analytics]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const int64_t day0 = kT0 - kT0 % kDayMs;
  const int64_t day1 = day0 + kDayMs, day2 = day0 + 2 * kDayMs;
  using Days = std::vector<std::tuple<int64_t, int64_t, int64_t>>;
  auto days = [](Store& store, int64_t since, int64_t until) {
    auto counted = store.usage_days(since, until);
    INFO((counted ? std::string() : counted.error().message));
    REQUIRE(counted);
    Days out;
    for (const UsageDayCount& c : *counted)
      out.emplace_back(c.day_ms, c.records, c.revisions);
    return out;
  };
  {
    auto opened = open_store(target.db);
    REQUIRE(opened);
    Store& store = **opened;
    CHECK(days(store, 0, day2 + kDayMs).empty());
    ingest(store, batch("b1", joined(records("a", 3, kT0), records("b", 2, kT0 + kDayMs))));
    ingest(store, batch("m1", records("m", 2, kT0 + 60'000, 3)), kMate);
    CHECK(days(store, 0, day2 + kDayMs) == Days{{day0, 5, 9}, {day1, 2, 2}});

    // a0 at revision 2 moved to day 2 (its old version leaves day 0), a1
    // again at revision 1: one replaced, one duplicate.
    auto moved = records("a", 1, kT0 + 2 * kDayMs, 2);
    auto again = records("a", 2, kT0);
    const IngestResult r = ingest(store, batch("b2", joined(moved, {again[1]})));
    CHECK(r.replaced == 1);
    CHECK(r.duplicates == 1);
    CHECK(days(store, 0, day2 + kDayMs) == Days{{day0, 4, 8}, {day1, 2, 2}, {day2, 1, 2}});
    // An older revision of mate's m0 is stale: nothing changes.
    CHECK(ingest(store, batch("m2", records("m", 1, kT0 + 60'000, 2)), kMate).stale == 1);
    CHECK(days(store, 0, day2 + kDayMs) == Days{{day0, 4, 8}, {day1, 2, 2}, {day2, 1, 2}});
    // The same batch again changes nothing.
    ingest(store, batch("b2", joined(moved, {again[1]})));
    CHECK(days(store, 0, day2 + kDayMs) == Days{{day0, 4, 8}, {day1, 2, 2}, {day2, 1, 2}});
    // Only the days whose start is in the range.
    CHECK(days(store, day1, day2) == Days{{day1, 2, 2}});
    CHECK(days(store, day1 + 1, day2 + 1) == Days{{day2, 1, 2}});
  }
  auto reopened = open_store(target.db);
  REQUIRE(reopened);
  CHECK(days(**reopened, 0, day2 + kDayMs) == Days{{day0, 4, 8}, {day1, 2, 2}, {day2, 1, 2}});
}

TEST_CASE("records are read by their row ids, with their tool calls",
          "[collector][store][analytics]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto opened = open_store(target.db);
  REQUIRE(opened);
  Store& store = **opened;
  auto recs = joined(records("opus", 3, kT0), records("fast", 2, kT0 + kDayMs));
  for (auto& r : recs) {
    if (r.record_uid.rfind("fast", 0) == 0) r.usage.fast = true;
    ToolUse call;  // read with the records
    call.tool_use_id = "toolu_" + r.record_uid;
    call.name = "Edit";
    r.usage.tools.push_back(call);
  }
  ingest(store, batch("b1", recs));
  // The stored rows' ids, by model as reports name it.
  std::map<std::string, std::vector<int64_t>> ids;
  report::EpicMap epics;
  REQUIRE(store.read_usage(0, kT0 + 2 * kDayMs, false, epics, [&](const report::UsageFact& f) {
    ids[f.model].push_back(f.record_id);
    return true;
  }));
  REQUIRE(ids["claude-opus-4-6"].size() == 3);
  REQUIRE(ids["claude-opus-4-6-fast"].size() == 2);

  auto read = [&](const std::vector<int64_t>& wanted) {
    std::vector<std::string> seen;
    auto s = store.read_usage_by_ids(wanted, [&](const report::UsageFact& f) {
      seen.push_back(std::to_string(f.record_id) + " " + f.model + " " +
                     (f.tools.empty() ? std::string() : f.tools[0].tool_use_id));
      return true;
    });
    INFO((s ? std::string() : s.error().message));
    REQUIRE(s);
    return seen;
  };
  const int64_t fast0 = ids["claude-opus-4-6-fast"][0], opus2 = ids["claude-opus-4-6"][2];
  // By id, across days, whatever the order asked; an id not stored is skipped.
  const auto both = read({opus2, fast0, 999'999});
  REQUIRE(both.size() == 2);
  CHECK(both[0].rfind(std::to_string(std::min(fast0, opus2)) + " ", 0) == 0);
  CHECK(std::count_if(both.begin(), both.end(), [](const std::string& s) {
          return s.find("claude-opus-4-6-fast toolu_fast") != std::string::npos;
        }) == 1);
  CHECK(std::count_if(both.begin(), both.end(), [](const std::string& s) {
          return s.find("claude-opus-4-6 toolu_opus") != std::string::npos;
        }) == 1);
  CHECK(read({}).empty());
}
