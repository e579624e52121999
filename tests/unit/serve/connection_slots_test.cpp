// ConnectionSlots: the per-address cap, the share of unproven connections,
// and which idle connection gives its slot to a new one.
#include "collector/serve/connection_slots.hpp"

#include <catch2/catch.hpp>

using namespace codepulse::collector;
using Verdict = ConnectionSlots::Verdict;

TEST_CASE("one address holds at most its cap of unproven connections", "[serve][fairness]") {
  ConnectionSlots slots({.max_total = 100, .per_address = 2, .reserved = 10});
  CHECK(slots.open(1, "10.0.0.1", 0).verdict == Verdict::kAccept);
  CHECK(slots.open(2, "10.0.0.1", 0).verdict == Verdict::kAccept);
  CHECK(slots.open(3, "10.0.0.1", 0).verdict == Verdict::kRefuseAddress);
  CHECK(slots.open(4, "10.0.0.2", 0).verdict == Verdict::kAccept);
  slots.prove(1);  // authenticated: no longer counts against its address
  CHECK(slots.open(5, "10.0.0.1", 0).verdict == Verdict::kAccept);
  slots.close(2);
  CHECK(slots.open(6, "10.0.0.1", 0).verdict == Verdict::kAccept);
  CHECK(slots.total() == 4);
  CHECK(slots.unproven() == 3);
}

TEST_CASE("a new connection takes the slot of the unproven one idle longest", "[serve][fairness]") {
  // 8 slots, 2 reserved: at most 6 unproven.
  ConnectionSlots slots({.max_total = 8, .per_address = 8, .reserved = 2});
  for (uint64_t id = 1; id <= 6; ++id)
    REQUIRE(slots.open(id, "10.0.0." + std::to_string(id), static_cast<int64_t>(id)).evict == 0);
  slots.set_idle(1, false, 10);  // busy with a request: never evicted
  const auto a = slots.open(7, "10.0.0.7", 20);
  CHECK(a.verdict == Verdict::kAccept);
  CHECK(a.evict == 2);  // idle since 2, the longest of the idle ones
  slots.prove(7);
  CHECK(slots.open(8, "10.0.0.8", 21).evict == 0);  // the unproven share has room again
  slots.prove(8);
  CHECK(slots.open(9, "10.0.0.9", 22).evict == 0);
  CHECK(slots.total() == 8);
  // Full: the unproven connection idle longest gives way.
  CHECK(slots.open(10, "10.0.0.10", 23).evict == 3);
}

TEST_CASE("when every slot is busy with a request, a new connection is refused",
          "[serve][fairness]") {
  ConnectionSlots slots({.max_total = 4, .per_address = 4, .reserved = 1});
  for (uint64_t id = 1; id <= 3; ++id) {
    REQUIRE(slots.open(id, "10.0.0.1", 0).verdict == Verdict::kAccept);
    slots.set_idle(id, false, 1);
  }
  CHECK(slots.open(4, "10.0.0.2", 2).verdict == Verdict::kRefuseFull);
  slots.set_idle(2, true, 3);
  const auto a = slots.open(5, "10.0.0.2", 4);
  CHECK(a.verdict == Verdict::kAccept);
  CHECK(a.evict == 2);
  slots.close(2);  // the evicted one closing changes nothing more
  CHECK(slots.total() == 3);
}
