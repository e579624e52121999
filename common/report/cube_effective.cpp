// Effective cost in the cube: each seat's monthly charge spread over its
// holder's usage of the seat's assistant in that UTC month, in proportion
// to list cost, in integer nano-dollars that add up to the charge exactly
// (docs/METRICS.md, "Effective cost"); and the seat months left idle.
#include <algorithm>
#include <tuple>

#include "common/ascii.hpp"
#include "common/checked_sum.hpp"
#include "common/report/usage_cube.hpp"
#include "common/time.hpp"

namespace codepulse::report {
namespace {

constexpr int64_t kDayMs = 86'400'000;

int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : (a - b + 1) / b;
}

// One holder's usage of one assistant in one month.
struct SeatKey {
  int64_t charge = -1;  // the seats' charges; -1: no seat (API-billed)
  int64_t list = 0;     // the list cost spread over (the cube's and outside it)
  Wide spread = 0;      // list cost of the groups given their part so far
  std::string key;      // seat_key
};

}  // namespace

void UsageCube::set_seats(SeatContext seats) {
  // The same seats again (a report per request sets them): nothing to redo.
  const auto terms = [](const SeatContext& c) {
    return c.charges ? c.charges->seats() : std::vector<SeatTerm>{};
  };
  if (seats.outside_list_nanos == seats_.outside_list_nanos &&
      seats.outside_before_nanos == seats_.outside_before_nanos && terms(seats) == terms(seats_)) {
    seats_.charges = std::move(seats.charges);
    return;
  }
  seats_ = std::move(seats);
  effective_stale_ = true;
}

void UsageCube::refresh_effective() const {
  if (!seats_.charges || seats_.charges->empty()) {
    effective_.clear();
    seat_list_.clear();
    return;
  }
  if (!effective_stale_ && effective_.size() == groups_.size()) return;
  const SeatCharges& charges = *seats_.charges;
  std::vector<char> holder(authors_.size());
  for (uint32_t a = 0; a < authors_.size(); ++a)
    holder[a] = charges.holds_any(authors_.name(a)) ? 1 : 0;
  // Pass 1: every covered group's key, and each key's list cost.
  std::map<std::tuple<uint32_t, uint16_t, int64_t>, size_t> ids;
  std::vector<SeatKey> keys;
  std::vector<uint32_t> key_of(groups_.size(), UINT32_MAX);
  for (uint32_t gid = 0; gid < groups_.size(); ++gid) {
    const Group& g = groups_[gid];
    if (g.records <= 0 || !g.priced || !holder[g.author]) continue;
    const int64_t month = month_index(floor_div(g.bucket * kBucketMs, kDayMs));
    auto [it, fresh] = ids.try_emplace({g.author, g.assistant, month}, keys.size());
    if (fresh) {
      SeatKey k;
      const std::string& author = authors_.name(g.author);
      const std::string& assistant = assistants_.name(g.assistant);
      k.charge = charges.charge(author, assistant, month);
      k.key = seat_key(author, assistant, month);
      keys.push_back(std::move(k));
    }
    SeatKey& k = keys[it->second];
    if (k.charge < 0) continue;
    key_of[gid] = static_cast<uint32_t>(it->second);
    add_checked(k.list, g.list_cost_nanos);  // saturates with the cube's own sums
  }
  seat_list_.clear();
  for (SeatKey& k : keys) {
    if (k.charge < 0) continue;
    if (auto out = seats_.outside_list_nanos.find(k.key); out != seats_.outside_list_nanos.end())
      add_checked(k.list, out->second);
    seat_list_[k.key] = k.list;
  }
  for (const auto& [key, list] : seats_.outside_list_nanos)
    seat_list_.try_emplace(key, list);
  // Pass 2: each key's groups in time order (a quarter hour's by their
  // names), each getting the growth of floor(charge x spread / list), so a
  // key's parts add up to its charge exactly once all of its list cost is
  // spread. The order does not depend on when groups arrived, and usage
  // outside the cube is spread before (earlier) and after (later) its
  // groups: a cube of a report's range gives every group the same part as
  // the collector's cube of every record.
  std::vector<std::vector<uint32_t>> members(keys.size());
  effective_.assign(groups_.size(), 0);
  for (uint32_t gid = 0; gid < groups_.size(); ++gid) {
    if (key_of[gid] == UINT32_MAX)
      effective_[gid] = groups_[gid].cost_nanos;
    else
      members[key_of[gid]].push_back(gid);
  }
  auto earlier = [this](uint32_t x, uint32_t y) {
    const Group& a = groups_[x];
    const Group& b = groups_[y];
    if (a.bucket != b.bucket) return a.bucket < b.bucket;
    const std::pair<const Dictionary*, uint32_t Group::*> names[] = {{&sessions_, &Group::session},
                                                                     {&models_, &Group::model},
                                                                     {&repos_, &Group::repo},
                                                                     {&branches_, &Group::branch},
                                                                     {&task_sets_, &Group::tasks}};
    for (const auto& [dict, field] : names)
      if (const int c = dict->name(a.*field).compare(dict->name(b.*field)); c != 0) return c < 0;
    return turn_hashes_[a.turn] < turn_hashes_[b.turn];
  };
  for (size_t i = 0; i < keys.size(); ++i) {
    SeatKey& k = keys[i];
    if (k.charge < 0 || k.list <= 0) continue;
    if (auto before = seats_.outside_before_nanos.find(k.key);
        before != seats_.outside_before_nanos.end())
      k.spread = before->second;
    std::sort(members[i].begin(), members[i].end(), earlier);
    for (uint32_t gid : members[i]) {
      const Wide before = Wide{k.charge} * k.spread / k.list;
      k.spread += groups_[gid].list_cost_nanos;
      const Wide after = Wide{k.charge} * k.spread / k.list;
      effective_[gid] = static_cast<int64_t>(after - before);
    }
  }
  effective_stale_ = false;
}

std::vector<IdleSeat> UsageCube::idle_seats(int64_t since_ms, int64_t until_ms,
                                            const std::vector<Filter>& where) const {
  std::vector<IdleSeat> out;
  if (!seats_.charges || seats_.charges->empty()) return out;
  bool by_author = false, by_assistant = false;
  for (const Filter& f : where) {
    if (f.dimension == Dimension::kAuthor)
      by_author = true;
    else if (f.dimension == Dimension::kAssistant)
      by_assistant = true;
    else
      return out;
  }
  auto named = [&where](Dimension d, const std::string& value) {
    return std::any_of(where.begin(), where.end(), [&](const Filter& f) {
      return f.dimension == d && ascii_lower(f.value) == ascii_lower(value);
    });
  };
  refresh_effective();
  // Unbounded: from each seat's start, through the latest usage or today.
  const int64_t first =
      since_ms == INT64_MIN ? INT64_MIN / 2 : month_index(floor_div(since_ms, kDayMs));
  int64_t last = 0;
  if (until_ms == INT64_MAX) {
    last = month_index(floor_div(now_utc_ms(), kDayMs));
    if (max_bucket_ != INT64_MIN)
      last = std::max(last, month_index(floor_div(max_bucket_ * kBucketMs, kDayMs)));
  } else {
    last = month_index(floor_div(until_ms - 1, kDayMs));
  }
  for (const SeatMonth& m : seats_.charges->months(first, last)) {
    const SeatTerm& s = *m.seat;
    const auto it = seat_list_.find(seat_key(s.assignee, s.assistant, m.month));
    if (it != seat_list_.end() && it->second > 0) continue;
    if ((by_author && !named(Dimension::kAuthor, s.assignee)) ||
        (by_assistant && !named(Dimension::kAssistant, s.assistant)))
      continue;
    out.push_back(
        IdleSeat{s.id, s.plan, s.assistant, s.assignee, month_key(m.month), m.charge_nanos});
  }
  return out;
}

}  // namespace codepulse::report
