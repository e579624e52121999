// The cube query's sorting path, for deep or wide trees: rows keyed by their
// path, radix sorted, and swept into nodes (on two threads when big).
#include <algorithm>
#include <thread>
#include <vector>

#include "common/report/cube_query_internal.hpp"

namespace codepulse::report {

// Every share becomes a row with its path packed into one 64-bit key;
// a radix sort brings each node's rows together, and one sweep makes the
// nodes in pre-order. Distinct counts need no sets: a record is counted by
// the one share of its group that represents it at that depth (rep bits),
// sessions and days by markers holding the last node that counted them
// at each depth (a node's rows are contiguous, so it is never revisited).

// Which split dimensions (bit 1 task, 2 epic, 4 file) the path down to
// each depth has fixed; the key bits of each level. False when the path
// does not fit 64 bits (the hashing path then answers).
bool CubeQuery::plan_sort() {
  auto cardinality = [this](Dimension d) -> uint64_t {
    if (d == Dimension::kDate)  // at most one date per day, plus filter values
      return static_cast<uint64_t>(day_words_ * 64) + q_.where.size() + 1;
    return names(d).size();
  };
  if (wide_days_ || day_words_ * 64 > UINT16_MAX) return false;  // Row::day is 16 bits
  int total = 0;
  kinds_.assign(levels_ + 1, 0);
  level_bits_.assign(levels_, 0);
  for (size_t level = 0; level < levels_; ++level) {
    const Dimension d = level_dims_[level];
    int bits = 1;
    while ((uint64_t{1} << bits) < cardinality(d) + 1)
      ++bits;
    level_bits_[level] = bits;
    total += bits;
    uint8_t kind = kinds_[level];
    if (d == Dimension::kTask) kind |= 1;
    if (d == Dimension::kEpic) kind |= 2;
    if (d == Dimension::kFile) kind |= 4;
    kinds_[level + 1] = kind;
  }
  if (total > 64) return false;
  key_bits_ = total;
  level_shift_.assign(levels_, 0);
  int shift = total;
  for (size_t level = 0; level < levels_; ++level) {
    shift -= level_bits_[level];
    level_shift_[level] = shift;
  }
  return true;
}

void CubeQuery::emit_rows(Lane& L, const UsageCube::Group& g, const BucketInfo& info) {
  const size_t first = (*L.rows).size();
  for (size_t i = 0; i < L.shares.size(); ++i) {
    const Share& s = L.shares[i];
    if (share_filters_ && !share_allowed(s)) continue;
    Row r;
    std::copy(std::begin(s.m), std::end(s.m), std::begin(r.m));
    r.records = static_cast<uint32_t>(g.records);
    r.unpriced = !g.priced;
    r.session = g.session;
    r.day = static_cast<uint16_t>(info.day - first_day_);
    r.rep = 0;
    r.skills = static_cast<uint16_t>(std::min<int64_t>(g.skills, UINT16_MAX));
    r.mcp = static_cast<uint16_t>(std::min<int64_t>(g.mcp, UINT16_MAX));
    // Representative under projection k: no earlier kept share of this
    // group agrees with it on the dimensions k fixes.
    for (unsigned k = 0; k < 8; ++k) {
      bool first_of_kind = true;
      for (size_t j = first; j < (*L.rows).size() && first_of_kind; ++j) {
        const Share& o = L.shares[L.row_share[j - first]];
        const bool same =
            (!(k & 1) || o.task == s.task) &&
            (!(k & 2) || task_epic_.empty() || task_epic_[o.task] == task_epic_[s.task]) &&
            (!(k & 4) || o.file == s.file);
        first_of_kind = !same;
      }
      if (first_of_kind) r.rep = static_cast<uint8_t>(r.rep | (1u << k));
    }
    uint64_t key = 0;
    for (size_t level = 0; level < levels_; ++level)
      key |= static_cast<uint64_t>(level_key(level_dims_[level], g, s, info.date))
             << level_shift_[level];
    (*L.keyed).push_back({key, static_cast<uint32_t>((*L.rows).size())});
    (*L.rows).push_back(r);
    if (L.row_share.size() < (*L.rows).size() - first) L.row_share.resize((*L.rows).size() - first);
    L.row_share[(*L.rows).size() - first - 1] = static_cast<uint32_t>(i);
  }
}

// LSD radix sort of keyed_ on its used bits, 16 bits a pass.
void CubeQuery::sort_keys() {
  constexpr int kDigit = 16;
  std::vector<Keyed>& buffer = sort_buffer_;
  buffer.resize(keyed_.size());
  std::vector<size_t> counts(size_t{1} << kDigit);
  for (int shift = 0; shift < key_bits_; shift += kDigit) {
    std::fill(counts.begin(), counts.end(), 0);
    const uint64_t mask = (uint64_t{1} << kDigit) - 1;
    for (const Keyed& k : keyed_)
      ++counts[(k.key >> shift) & mask];
    size_t sum = 0;
    for (size_t& c : counts) {
      const size_t n = c;
      c = sum;
      sum += n;
    }
    for (const Keyed& k : keyed_)
      buffer[counts[(k.key >> shift) & mask]++] = k;
    keyed_.swap(buffer);
  }
}

// A node's share of a row, at `depth` (1 = the first level); `marks`
// are the part's session and day markers.
void CubeQuery::add_row(Node& n, uint32_t id, size_t depth, const Row& r, SweepPart& part) const {
  add_sums(n, r.m);
  if ((r.rep >> kinds_[depth]) & 1) {
    n.records += r.records;
    if (r.unpriced) n.unpriced += r.records;
    n.skills += r.skills;
    n.mcp += r.mcp;
  }
  uint32_t& seen_session = part.session_marks[(depth - 1) * session_count_ + r.session];
  if (seen_session != id) {
    seen_session = id;
    ++n.sessions;
  }
  uint32_t& seen_day = part.day_marks[(depth - 1) * day_count_ + r.day];
  if (seen_day != id) {
    seen_day = id;
    ++n.days;
  }
}

// How many nodes below the root the sorted rows [begin, end) make: one per
// level where a key's path leaves the previous key's.
size_t CubeQuery::count_nodes(size_t begin, size_t end) const {
  size_t count = 0;
  for (size_t i = begin; i < end; ++i) {
    if (i == begin) {
      count += levels_;
      continue;
    }
    const uint64_t key = keyed_[i].key, previous = keyed_[i - 1].key;
    if (key == previous) continue;
    size_t level = 0;
    while (level < levels_ && ((key ^ previous) >> level_shift_[level] & level_mask(level)) == 0)
      ++level;
    count += levels_ - level;
  }
  return count;
}

// The nodes below the root for the sorted rows [begin, end), in pre-order,
// written to nodes_ from place `at` on (count_nodes() of them, made room for
// by the caller), with `part`'s markers.
void CubeQuery::sweep_range(size_t begin, size_t end, size_t at, SweepPart& part) {
  part.session_marks.assign(levels_ * session_count_, kNone);
  part.day_marks.assign(levels_ * day_count_, kNone);
  std::vector<uint32_t> path(levels_ + 1, 0);  // path[0]: the root
  std::vector<uint32_t> keys(levels_, kNone);
  bool started = false;
  uint64_t previous = 0;
  for (size_t i = begin; i < end; ++i) {
    const Keyed& k = keyed_[i];
    if (!started || k.key != previous) {
      size_t level = 0;
      if (started)
        while (level < levels_ &&
               ((k.key >> level_shift_[level]) & level_mask(level)) == keys[level])
          ++level;
      for (; level < levels_; ++level) {
        keys[level] = static_cast<uint32_t>((k.key >> level_shift_[level]) & level_mask(level));
        Node& node = nodes_[at];  // made fresh by the caller's resize
        node.key = keys[level];
        node.parent = path[level];
        path[level + 1] = static_cast<uint32_t>(at++);
      }
      started = true;
      previous = k.key;
    }
    const Row& r = row(k.row);
    for (size_t depth = 1; depth <= levels_; ++depth)
      add_row(nodes_[path[depth]], path[depth], depth, r, part);
  }
}

// The root from every row, in memory order: sums, and distinct records,
// sessions and days.
void CubeQuery::root_pass() {
  Node& root = nodes_[0];
  std::vector<uint8_t> sessions(session_count_, 0), days(day_count_, 0);
  for (const std::vector<Row>* rows : {&rows_, &second_rows_})
    for (const Row& r : *rows) {
      add_sums(root, r.m);
      if ((r.rep >> kinds_[0]) & 1) {
        root.records += r.records;
        if (r.unpriced) root.unpriced += r.records;
        root.skills += r.skills;
        root.mcp += r.mcp;
      }
      if (!sessions[r.session]) {
        sessions[r.session] = 1;
        ++root.sessions;
      }
      if (!days[r.day]) {
        days[r.day] = 1;
        ++root.days;
      }
    }
}

void CubeQuery::sweep() {
  sort_keys();
  session_count_ = c_.sessions_.size();
  day_count_ = day_words_ * 64;
  // Two halves, split where the first level's key changes, swept on two
  // threads when the report is big: their nodes are disjoint subtrees.
  const size_t n = keyed_.size();
  size_t split = n;
  const size_t threshold = strategy_ == Strategy::kSortTwoThreads ? 2 : kParallelRows;
  if (n >= threshold && levels_ > 0) {
    const int shift = level_shift_[0];
    auto first_key = [&](size_t i) { return keyed_[i].key >> shift; };
    size_t lo = n / 2, hi = n / 2;
    while (lo > 0 && first_key(lo - 1) == first_key(lo))
      --lo;
    while (hi < n && first_key(hi - 1) == first_key(hi))
      ++hi;
    split = (n / 2 - lo <= hi - n / 2) ? lo : hi;
    if (split == 0) split = hi;
  }
  // Each half's nodes are counted first, so both are made in place in one
  // array of the exact size: the first half's after the root, the second's
  // after them (no array grows while it is filled, none is copied).
  const size_t base = nodes_.size();  // 1: the root
  const size_t in_first = count_nodes(0, split);
  nodes_.resize(base + in_first + count_nodes(split, n));
  if (split < n) {
    std::jthread second([&] { sweep_range(split, n, base + in_first, parts_[1]); });
    root_pass();
    sweep_range(0, split, base, parts_[0]);
    second.join();
  } else {
    root_pass();
    sweep_range(0, n, base, parts_[0]);
  }
}

uint64_t CubeQuery::level_mask(size_t level) const {
  return level_bits_[level] >= 64 ? ~uint64_t{0} : (uint64_t{1} << level_bits_[level]) - 1;
}
}  // namespace codepulse::report
