// A report from the cube: every group in range is split over its tasks and
// its turn's files into integer shares that add up exactly to the group,
// each share is added along its path of the tree (nodes found by (parent,
// value id) in one flat hash table), and the finished tree gets its strings.
// docs/ATTRIBUTION.md has the rules with examples.
#include <algorithm>
#include <cstdio>
#include <thread>
#include <unordered_set>

#include "common/report/usage_cube.hpp"
#include "common/result.hpp"
#include "common/time.hpp"

namespace codepulse::report {
namespace {

constexpr uint32_t kNone = UINT32_MAX;
constexpr const char* kOthers = "(others)";
constexpr int64_t kMaxWeight = 1'000'000'000;  // lines per file: products stay in 128 bits

// 128-bit products: a cost in nano-dollars times a line count can exceed 64 bits.
__extension__ typedef __int128 Wide;

// `total` divided by `weights` into integer shares that add up to `total`
// exactly: each gets floor(total * w / W), and the units left over go to the
// largest remainders (earlier entries first on ties). No weights: evenly,
// the first entries getting the units left over.
void apportion(int64_t total, const int64_t* weights, size_t n, int64_t* out,
               std::vector<std::pair<Wide, size_t>>& scratch) {
  Wide sum = 0;
  for (size_t i = 0; i < n; ++i)
    sum += weights ? weights[i] : 0;
  if (sum <= 0) {
    const auto count = static_cast<int64_t>(n);
    int64_t q = total / count, r = total % count;
    if (r < 0) {  // a negative total (never from a store, but exact anyway)
      q -= 1;
      r += count;
    }
    for (size_t i = 0; i < n; ++i)
      out[i] = q + (static_cast<int64_t>(i) < r ? 1 : 0);
    return;
  }
  scratch.clear();
  int64_t given = 0;
  for (size_t i = 0; i < n; ++i) {
    const Wide p = static_cast<Wide>(total) * weights[i];
    Wide share = p / sum, rem = p % sum;
    if (rem < 0) {
      share -= 1;
      rem += sum;
    }
    out[i] = static_cast<int64_t>(share);
    given += out[i];
    scratch.emplace_back(rem, i);
  }
  // Largest remainder first, earlier entry on ties (no allocation, unlike
  // std::stable_sort).
  std::sort(scratch.begin(), scratch.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t k = 0; given < total && k < n; ++k, ++given)
    ++out[scratch[k].second];
}

std::string date_key(int64_t local_days, Granularity g) {
  const CivilDate d = civil_from_days(local_days);
  char buf[16];
  switch (g) {
    case Granularity::kDay:
      return format_date(d);
    case Granularity::kMonth:
      std::snprintf(buf, sizeof buf, "%04d-%02d", static_cast<int>(d.year),
                    static_cast<int>(d.month));
      return buf;
    case Granularity::kWeek: {
      // ISO 8601 week: the week with the year's first Thursday is week 1.
      const int64_t weekday = ((local_days % 7) + 7 + 3) % 7;  // Monday = 0 (1970-01-01: Thursday)
      const int64_t thursday = local_days - weekday + 3;
      const CivilDate th = civil_from_days(thursday);
      const int64_t jan1 = days_from_civil({th.year, 1, 1});
      const int64_t week = (thursday - jan1) / 7 + 1;
      std::snprintf(buf, sizeof buf, "%04d-W%02d", static_cast<int>(th.year),
                    static_cast<int>(week));
      return buf;
    }
  }
  return format_date(d);
}

// A set of 32-bit values that stays a small vector while small (most nodes
// see a few sessions and days) and becomes a hash set when it grows.
class DistinctSet {
 public:
  void insert(uint32_t v) {
    if (!large_.empty()) {
      large_.insert(v);
      return;
    }
    if (std::find(small_.begin(), small_.end(), v) != small_.end()) return;
    if (small_.size() < kSmallMax) {
      small_.push_back(v);
      return;
    }
    large_.insert(small_.begin(), small_.end());
    large_.insert(v);
    small_.clear();
    small_.shrink_to_fit();
  }
  size_t size() const { return large_.empty() ? small_.size() : large_.size(); }

 private:
  static constexpr size_t kSmallMax = 16;
  std::vector<uint32_t> small_;
  std::unordered_set<uint32_t> large_;
};

// Open addressing from a 64-bit key (never ~0) to a node id; key and value
// side by side, so a probe touches one cache line.
class NodeIndex {
 public:
  NodeIndex() : slots_(1024) {}
  // The node for `key`, or `fresh` (and remembered) when there is none.
  uint32_t find_or_add(uint64_t key, uint32_t fresh) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    const size_t mask = slots_.size() - 1;
    size_t i = hash(key) & mask;
    while (slots_[i].key != kFree) {
      if (slots_[i].key == key) return slots_[i].value;
      i = (i + 1) & mask;
    }
    slots_[i] = {key, fresh};
    ++count_;
    return fresh;
  }

 private:
  static constexpr uint64_t kFree = ~uint64_t{0};
  struct Slot {
    uint64_t key = kFree;
    uint32_t value = 0;
  };
  static size_t hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<size_t>(k);
  }
  void grow() {
    std::vector<Slot> bigger(slots_.size() * 2);
    const size_t mask = bigger.size() - 1;
    for (const Slot& s : slots_) {
      if (s.key == kFree) continue;
      size_t i = hash(s.key) & mask;
      while (bigger[i].key != kFree)
        i = (i + 1) & mask;
      bigger[i] = s;
    }
    slots_.swap(bigger);
  }
  std::vector<Slot> slots_;
  size_t count_ = 0;
};

}  // namespace

// A query's working memory, kept by the cube between queries: big reports
// reuse it instead of faulting fresh pages in every time.
struct QueryScratch {
  struct Node {
    int64_t input = 0, output = 0, cache_create = 0, cache_read = 0, cost = 0;
    int64_t records = 0, unpriced = 0, skills = 0, mcp = 0;
    uint32_t last_group = kNone, last_session = kNone;
    uint32_t key = 0, parent = kNone;
    uint32_t sessions = 0;  // sessions arrive one after another: a count suffices
    uint32_t days = 0;      // distinct local days
    int32_t day_a = INT32_MIN, day_b = INT32_MIN;  // the first two days
    uint32_t day_bits = kNone;                     // from the third day: a bitmap in day_pool_
    bool others = false;                           // the fold of a --top cut
  };
  // One cache line: the sweep reads rows in key order, one miss each.
  struct alignas(64) Row {
    int64_t m[5];
    uint32_t records, unpriced;  // of the share's group (a group is a turn's quarter hour)
    uint32_t session, day;
    uint8_t rep;           // bit k: the group's first share under projection k
    uint16_t skills, mcp;  // the group's tool calls (saturated)
  };
  struct Keyed {
    uint64_t key;
    uint32_t row;
  };
  std::vector<Node> nodes;
  std::vector<uint32_t> first, next;  // children lists
  std::vector<uint8_t> depth;
  std::vector<Row> rows;
  std::vector<Keyed> keyed, sort_buffer;
  std::vector<Row> second_rows;  // the second collecting thread's
  std::vector<Keyed> second_keyed;
  struct SweepPart {
    std::vector<Node> nodes;
    std::vector<uint32_t> session_marks, day_marks;
  };
  SweepPart parts[2];
};

class CubeQuery {
 public:
  using Strategy = UsageCube::Strategy;
  using Node = QueryScratch::Node;
  using Row = QueryScratch::Row;
  using Keyed = QueryScratch::Keyed;
  using SweepPart = QueryScratch::SweepPart;
  CubeQuery(const UsageCube& cube, const ReportQuery& q, const EpicMap& epics, Strategy strategy,
            QueryScratch& scratch, const CommitAttribution* commits)
      : c_(cube),
        q_(q),
        levels_(q.group_by.size()),
        strategy_(strategy),
        nodes_(scratch.nodes),
        first_(scratch.first),
        next_(scratch.next),
        depth_(scratch.depth),
        rows_(scratch.rows),
        keyed_(scratch.keyed),
        sort_buffer_(scratch.sort_buffer),
        second_rows_(scratch.second_rows),
        second_keyed_(scratch.second_keyed),
        parts_(scratch.parts) {
    nodes_.clear();
    rows_.clear();
    keyed_.clear();
    want_files_ = q.uses(Dimension::kFile);
    // Files split each task's share, so tasks are split whenever files are.
    want_tasks_ = want_files_ || q.uses(Dimension::kTask) || q.uses(Dimension::kEpic);
    if (q.uses(Dimension::kEpic)) {
      const uint32_t no_epic = epic_names_.intern("(no epic)");
      task_epic_.assign(c_.tasks_.size(), no_epic);
      for (size_t t = 0; t < c_.tasks_.size(); ++t) {
        auto it = epics.find(c_.tasks_.name(static_cast<uint32_t>(t)));
        if (it != epics.end()) task_epic_[t] = epic_names_.intern(it->second);
      }
    }
    if (q.uses(Dimension::kCommit) || q.uses(Dimension::kPr)) prepare_commits(commits);
    since_ = q.since_ms.value_or(INT64_MIN);
    until_ = q.until_ms.value_or(INT64_MAX);
    // Quarter hours -> dates: a flat table over the buckets a report can meet.
    first_bucket_ = std::max(c_.min_bucket_, since_ == INT64_MIN ? INT64_MIN : since_ / kBucketMs);
    const int64_t last =
        std::min(c_.max_bucket_, until_ == INT64_MAX ? INT64_MAX : until_ / kBucketMs);
    if (last >= first_bucket_ && last - first_bucket_ < kMaxFlatBuckets)
      bucket_table_.assign(static_cast<size_t>(last - first_bucket_ + 1), BucketInfo{});
    // Local days the report can meet (zones are within 14 hours of UTC).
    const int64_t lo = std::max(first_bucket_, c_.min_bucket_), hi = std::min(last, c_.max_bucket_);
    if (hi >= lo) {
      const int64_t per_day = 86'400'000 / kBucketMs;
      first_day_ = floor_div(lo, per_day) - 2;
      const int64_t span = floor_div(hi, per_day) + 2 - first_day_ + 1;
      if (span <= kMaxBitmapDays)
        day_words_ = static_cast<size_t>(span + 63) / 64;
      else
        wide_days_ = true;  // absurd timestamps: hash sets instead of bitmaps
    }
    memo_.resize(levels_);
    for (int level = 0; level < static_cast<int>(levels_); ++level)
      level_dims_.push_back(q.group_by[static_cast<size_t>(level)]);
  }

  Result<Report> run() {
    Report report;
    report.query = q_;
    nodes_.emplace_back();  // the root
    prepare_filters();
    // Session by session (see UsageCube::by_session_), skipping sessions
    // wholly outside the range.
    const int64_t first = since_ == INT64_MIN ? INT64_MIN : since_ / kBucketMs - 1;
    const int64_t last = until_ == INT64_MAX ? INT64_MAX : until_ / kBucketMs + 1;
    // A split over commits is hashed: the sorting path's record counting
    // knows the task, epic and file splits only.
    sorted_ =
        !want_commits_ && (strategy_ == Strategy::kSort || strategy_ == Strategy::kSortTwoThreads ||
                           (strategy_ == Strategy::kAuto && deep_or_wide()));
    if (sorted_) sorted_ = plan_sort();
    lanes_[0].rows = &rows_;
    lanes_[0].keyed = &keyed_;
    lanes_[1].rows = &second_rows_;
    lanes_[1].keyed = &second_keyed_;
    std::vector<uint32_t> sessions;  // those that reach into the range
    size_t groups = 0;
    for (uint32_t i = 0; i < c_.by_session_.size(); ++i) {
      const auto& session = c_.by_session_[i];
      if (session.last_bucket < first || session.first_bucket > last) continue;
      sessions.push_back(i);
      groups += session.groups.size();
    }
    // A big sorted report is collected on two threads, half the sessions
    // each: every shared table is filled first, and each thread resolves
    // the files of the turns it meets in its own lane.
    const size_t threshold = strategy_ == Strategy::kSortTwoThreads ? 2 : kParallelGroups;
    if (sorted_ && groups >= threshold && !bucket_table_.empty() &&
        bucket_table_.size() <= kMaxEagerBuckets) {
      for (size_t i = 0; i < bucket_table_.size(); ++i)
        bucket_info(first_bucket_ + static_cast<int64_t>(i));
      size_t half = 0, count = 0;
      while (half < sessions.size() && count * 2 < groups)
        count += c_.by_session_[sessions[half++]].groups.size();
      second_rows_.clear();
      second_keyed_.clear();
      std::jthread other([&] { collect(lanes_[1], sessions, half, sessions.size()); });
      collect(lanes_[0], sessions, 0, half);
      other.join();
      // One set of rows: the second lane's after the first's.
      const auto offset = static_cast<uint32_t>(rows_.size());
      rows_.insert(rows_.end(), second_rows_.begin(), second_rows_.end());
      for (Keyed k : second_keyed_) {
        k.row += offset;
        keyed_.push_back(k);
      }
    } else {
      collect(lanes_[0], sessions, 0, sessions.size());
    }
    if (sorted_) sweep();
    link_children();
    if (q_.top > 0) cut_top();
    if (q_.max_nodes > 0) {
      const size_t n = returned_nodes();
      if (n > q_.max_nodes)
        return make_error(std::string(kTooManyNodes) + ": it has " + std::to_string(n) +
                          " nodes, more than this collector's report_max_nodes (" +
                          std::to_string(q_.max_nodes) +
                          "); ask for top=N, a shorter range, fewer levels or a filter");
    }
    report.root = materialize();
    return report;
  }

 private:
  static constexpr int64_t kMaxFlatBuckets = 4'000'000;  // about 114 years
  static constexpr int64_t kMaxBitmapDays = 40'000;      // about 110 years
  static constexpr size_t kParallelRows = 200'000;       // a second thread pays off
  static constexpr size_t kParallelGroups = 100'000;
  static constexpr size_t kMaxEagerBuckets = 500'000;  // about 14 years

  static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : (a - b + 1) / b; }
  struct BucketInfo {
    uint32_t date = kNone;  // id in date_names_; kNone: not computed yet
    int64_t day = 0;        // local day number, for active days
  };
  struct Share {
    uint32_t task = 0, file = 0, commit = 0;
    int64_t m[5] = {0, 0, 0, 0, 0};
  };
  // What one collecting thread works with.
  struct Lane {
    // turn -> its files in file_ids (a turn may span sessions, so each
    // lane resolves the turns it meets itself)
    std::vector<uint32_t> resolved, resolved_count;
    std::vector<uint32_t> file_ids;
    std::vector<int64_t> file_weights;
    std::vector<Share> shares;
    std::vector<int64_t> by_task, by_file, by_commit;
    std::vector<Share> before_commits;
    std::vector<std::pair<Wide, size_t>> scratch;
    std::vector<uint32_t> row_share;  // per kept share of the current group: its index
    std::vector<Row>* rows = nullptr;
    std::vector<Keyed>* keyed = nullptr;
  };

  void collect(Lane& lane, const std::vector<uint32_t>& sessions, size_t begin, size_t end) {
    lane.resolved.assign(want_files_ ? c_.turns_.size() : 0, kNone);
    lane.resolved_count.assign(lane.resolved.size(), 0);
    for (size_t i = begin; i < end; ++i)
      for (uint32_t g : c_.by_session_[sessions[i]].groups)
        add_group(lane, g);
  }

  // Session -> commit ids, commit -> pull request id, in this query's
  // dictionaries.
  void prepare_commits(const CommitAttribution* commits) {
    want_commits_ = true;
    const uint32_t no_commit = commit_names_.intern(kNoCommit);
    const uint32_t no_pr = pr_names_.intern(kNoPr);
    session_commits_.assign(c_.sessions_.size(), {no_commit});
    if (!commits) {
      commit_pr_.assign(commit_names_.size(), no_pr);
      return;
    }
    for (const auto& [session, keys] : commits->session_commits) {
      const auto id = c_.sessions_.find(session);
      if (!id || keys.empty()) continue;
      auto& list = session_commits_[*id];
      list.clear();
      for (const std::string& k : keys) {
        const uint32_t cid = commit_names_.intern(k);
        if (std::find(list.begin(), list.end(), cid) == list.end()) list.push_back(cid);
      }
    }
    for (const auto& [commit, pr] : commits->commit_pr)
      commit_names_.intern(commit);
    commit_pr_.assign(commit_names_.size(), no_pr);
    for (const auto& [commit, pr] : commits->commit_pr)
      commit_pr_[*commit_names_.find(commit)] = pr_names_.intern(pr);
  }

  // Filter values as ids: a dimension's values are alternatives. A value no
  // record has matches nothing.
  void prepare_filters() {
    for (const Filter& f : q_.where) {
      // Dates get ids as they are met, so a filter's date is given one now.
      const std::optional<uint32_t> id = f.dimension == Dimension::kDate
                                             ? date_names_.intern(f.value)
                                             : names(f.dimension).find(f.value);
      auto& allowed = allowed_[static_cast<size_t>(f.dimension)];
      filtered_[static_cast<size_t>(f.dimension)] = true;
      if (f.dimension == Dimension::kFile || f.dimension == Dimension::kTask ||
          f.dimension == Dimension::kEpic || f.dimension == Dimension::kCommit ||
          f.dimension == Dimension::kPr)
        share_filters_ = true;
      else
        group_filters_ = true;
      if (id) allowed.push_back(*id);
    }
  }
  bool allows(Dimension d, uint32_t id) const {
    const auto i = static_cast<size_t>(d);
    if (!filtered_[i]) return true;
    return std::find(allowed_[i].begin(), allowed_[i].end(), id) != allowed_[i].end();
  }

  BucketInfo compute_bucket(int64_t bucket) {
    const int64_t sec = bucket * (kBucketMs / 1000);
    const int64_t local = sec + q_.tz.offset_at(sec);
    const int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    BucketInfo info;
    info.day = day;
    auto it = day_dates_.find(day);
    if (it == day_dates_.end())
      it = day_dates_.emplace(day, date_names_.intern(date_key(day, q_.granularity))).first;
    info.date = it->second;
    return info;
  }
  BucketInfo bucket_info(int64_t bucket) {
    const int64_t i = bucket - first_bucket_;
    if (i >= 0 && i < static_cast<int64_t>(bucket_table_.size())) {
      BucketInfo& slot = bucket_table_[static_cast<size_t>(i)];
      if (slot.date == kNone) slot = compute_bucket(bucket);
      return slot;
    }
    return compute_bucket(bucket);
  }

  // The turn's files and weights, sorted by path: what it changed, weighted
  // by lines changed (evenly when a change's line counts are unknown); else
  // what it read, evenly; else "(no file)".
  void turn_files(Lane& L, uint32_t turn) {
    if (L.resolved[turn] != kNone) return;
    L.resolved[turn] = static_cast<uint32_t>(L.file_ids.size());
    const auto& files = c_.turns_[turn].files;
    const size_t begin = L.file_ids.size();
    bool unknown = false;
    for (const auto& f : files)
      if (f.changes > 0) {
        L.file_ids.push_back(f.file);
        L.file_weights.push_back(std::clamp<int64_t>(f.lines, 0, kMaxWeight));
        unknown = unknown || f.unknown > 0;
      }
    if (L.file_ids.size() == begin) {
      for (const auto& f : files)
        if (f.reads > 0) {
          L.file_ids.push_back(f.file);
          L.file_weights.push_back(0);
        }
    }
    if (L.file_ids.size() == begin) {
      L.file_ids.push_back(c_.no_file_);
      L.file_weights.push_back(0);
    }
    const size_t n = L.file_ids.size() - begin;
    if (unknown)
      std::fill(L.file_weights.begin() + static_cast<std::ptrdiff_t>(begin), L.file_weights.end(),
                0);
    if (n > 1) {
      std::vector<std::pair<uint32_t, int64_t>> sorted;
      for (size_t i = begin; i < L.file_ids.size(); ++i)
        sorted.emplace_back(L.file_ids[i], L.file_weights[i]);
      std::sort(sorted.begin(), sorted.end(), [this](const auto& a, const auto& b) {
        return c_.files_.name(a.first) < c_.files_.name(b.first);
      });
      for (size_t i = 0; i < n; ++i) {
        L.file_ids[begin + i] = sorted[i].first;
        L.file_weights[begin + i] = sorted[i].second;
      }
    }
    L.resolved_count[turn] = static_cast<uint32_t>(n);
  }

  // Shares: tasks evenly first (so a task's total is the same whether or not
  // the report asks for files), then each task's share over the files by
  // weight. Share i = task * files + file.
  void split(Lane& L, const UsageCube::Group& g) {
    const std::vector<uint32_t>* tasks = want_tasks_ ? &c_.task_set_tasks_[g.tasks] : nullptr;
    const size_t task_count = tasks ? tasks->size() : 1;
    const uint32_t* fids = nullptr;
    const int64_t* weights = nullptr;
    size_t file_count = 1;
    if (want_files_) {
      turn_files(L, g.turn);
      fids = &L.file_ids[L.resolved[g.turn]];
      weights = &L.file_weights[L.resolved[g.turn]];
      file_count = L.resolved_count[g.turn];
    }
    const int64_t totals[5] = {g.input, g.output, g.cache_create, g.cache_read, g.cost_nanos};
    L.shares.resize(task_count * file_count);
    if (task_count * file_count == 1) {
      Share& s = L.shares[0];
      std::copy(std::begin(totals), std::end(totals), std::begin(s.m));
      s.task = tasks ? (*tasks)[0] : 0;
      s.file = fids ? fids[0] : 0;
      return;
    }
    L.by_task.resize(task_count);
    L.by_file.resize(file_count);
    for (int m = 0; m < 5; ++m) {
      if (task_count == 1)
        L.by_task[0] = totals[m];
      else
        apportion(totals[m], nullptr, task_count, L.by_task.data(), L.scratch);
      for (size_t t = 0; t < task_count; ++t) {
        if (file_count == 1)
          L.by_file[0] = L.by_task[t];
        else
          apportion(L.by_task[t], weights, file_count, L.by_file.data(), L.scratch);
        for (size_t f = 0; f < file_count; ++f)
          L.shares[t * file_count + f].m[m] = L.by_file[f];
      }
    }
    for (size_t t = 0; t < task_count; ++t)
      for (size_t f = 0; f < file_count; ++f) {
        L.shares[t * file_count + f].task = tasks ? (*tasks)[t] : 0;
        L.shares[t * file_count + f].file = fids ? fids[f] : 0;
      }
  }

  // Each share over the session's commits, evenly: share i * n + c.
  void split_commits(Lane& L, const UsageCube::Group& g) {
    const std::vector<uint32_t>& commits = session_commits_[g.session];
    const size_t n = commits.size();
    if (n == 1) {
      for (Share& s : L.shares)
        s.commit = commits[0];
      return;
    }
    L.before_commits.swap(L.shares);
    L.shares.resize(L.before_commits.size() * n);
    L.by_commit.resize(n);
    for (size_t i = 0; i < L.before_commits.size(); ++i) {
      const Share& whole = L.before_commits[i];
      for (size_t c = 0; c < n; ++c) {
        Share& part = L.shares[i * n + c];
        part.task = whole.task;
        part.file = whole.file;
        part.commit = commits[c];
      }
      for (int m = 0; m < 5; ++m) {
        apportion(whole.m[m], nullptr, n, L.by_commit.data(), L.scratch);
        for (size_t c = 0; c < n; ++c)
          L.shares[i * n + c].m[m] = L.by_commit[c];
      }
    }
  }

  void add_to(uint32_t node_id, const Share& s, uint32_t g, const UsageCube::Group& group,
              int64_t day) {
    Node& n = nodes_[node_id];
    n.input += s.m[0];
    n.output += s.m[1];
    n.cache_create += s.m[2];
    n.cache_read += s.m[3];
    n.cost += s.m[4];
    if (n.last_group == g) return;  // this group's records are counted once per node
    n.last_group = g;
    n.records += group.records;
    n.unpriced += group.unpriced;
    n.skills += group.skills;
    n.mcp += group.mcp;
    if (n.last_session != group.session) {
      n.last_session = group.session;
      ++n.sessions;
    }
    if (wide_days_) {
      DistinctSet& set = wide_day_sets_[node_id];
      const size_t before = set.size();
      set.insert(static_cast<uint32_t>(day));
      n.days += static_cast<uint32_t>(set.size() - before);
      return;
    }
    const auto d = static_cast<int32_t>(day - first_day_);
    if (d == n.day_a || d == n.day_b) return;
    if (n.day_a == INT32_MIN) {
      n.day_a = d;
      ++n.days;
    } else if (n.day_b == INT32_MIN) {
      n.day_b = d;
      ++n.days;
    } else {
      if (n.day_bits == kNone) {  // a bitmap over the report's days
        n.day_bits = static_cast<uint32_t>(day_pool_.size());
        day_pool_.resize(day_pool_.size() + day_words_, 0);
      }
      uint64_t& word = day_pool_[n.day_bits + static_cast<size_t>(d) / 64];
      const uint64_t bit = uint64_t{1} << (static_cast<unsigned>(d) % 64);
      if ((word & bit) == 0) {
        word |= bit;
        ++n.days;
      }
    }
  }

  uint32_t level_key(Dimension d, const UsageCube::Group& g, const Share& s, uint32_t date) const {
    switch (d) {
      case Dimension::kModel:
        return g.model;
      case Dimension::kRepo:
        return g.repo;
      case Dimension::kAuthor:
        return g.author;
      case Dimension::kSession:
        return g.session;
      case Dimension::kBranch:
        return g.branch;
      case Dimension::kDate:
        return date;
      case Dimension::kFile:
        return s.file;
      case Dimension::kTask:
        return s.task;
      case Dimension::kEpic:
        return task_epic_[s.task];
      case Dimension::kCommit:
        return s.commit;
      case Dimension::kPr:
        return commit_pr_[s.commit];
    }
    return 0;
  }

  void add_group(Lane& L, uint32_t gid) {
    const UsageCube::Group& g = c_.groups_[gid];
    if (g.records <= 0) return;  // emptied by replacements
    const int64_t start = g.bucket * kBucketMs;
    if (start < since_ || start >= until_) return;
    const BucketInfo info = bucket_info(g.bucket);
    if (group_filters_ &&
        (!allows(Dimension::kModel, g.model) || !allows(Dimension::kRepo, g.repo) ||
         !allows(Dimension::kAuthor, g.author) || !allows(Dimension::kSession, g.session) ||
         !allows(Dimension::kBranch, g.branch) || !allows(Dimension::kDate, info.date)))
      return;
    split(L, g);
    if (want_commits_) split_commits(L, g);
    if (sorted_) {
      emit_rows(L, g, info);
      return;
    }
    for (const Share& s : L.shares) {
      if (share_filters_ && !share_allowed(s)) continue;
      add_to(0, s, gid, g, info.day);
      uint32_t parent = 0;
      for (size_t level = 0; level < levels_; ++level) {
        const uint32_t key = level_key(level_dims_[level], g, s, info.date);
        // Node ids fit 31 bits and keys 32: (parent, key) never collides.
        const uint64_t k = (static_cast<uint64_t>(parent) << 32) | key;
        Memo& memo = memo_[level];
        if (memo.key != k) {  // consecutive groups mostly meet the same nodes
          const auto fresh = static_cast<uint32_t>(nodes_.size());
          memo.id = index_.find_or_add(k, fresh);
          memo.key = k;
          if (memo.id == fresh) {
            nodes_.emplace_back();
            nodes_.back().key = key;
            nodes_.back().parent = parent;
          }
        }
        add_to(memo.id, s, gid, g, info.day);
        parent = memo.id;
      }
    }
  }

  bool share_allowed(const Share& s) const {
    if (want_files_ && !allows(Dimension::kFile, s.file)) return false;
    if (want_tasks_ && !allows(Dimension::kTask, s.task)) return false;
    if (!task_epic_.empty() && !allows(Dimension::kEpic, task_epic_[s.task])) return false;
    if (want_commits_ &&
        (!allows(Dimension::kCommit, s.commit) || !allows(Dimension::kPr, commit_pr_[s.commit])))
      return false;
    return true;
  }

  // --- The sorting path, for deep or wide trees ---------------------------
  // Every share becomes a row with its path packed into one 64-bit key;
  // a radix sort brings each node's rows together, and one sweep makes the
  // nodes in pre-order. Distinct counts need no sets: a record is counted by
  // the one share of its group that represents it at that depth (rep bits),
  // sessions and days by markers holding the last node that counted them
  // at each depth (a node's rows are contiguous, so it is never revisited).

  // Which split dimensions (bit 1 task, 2 epic, 4 file) the path down to
  // each depth has fixed; the key bits of each level. False when the path
  // does not fit 64 bits (the hashing path then answers).
  bool plan_sort() {
    auto cardinality = [this](Dimension d) -> uint64_t {
      if (d == Dimension::kDate)  // at most one date per day, plus filter values
        return static_cast<uint64_t>(day_words_ * 64) + q_.where.size() + 1;
      return names(d).size();
    };
    if (wide_days_) return false;
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

  void emit_rows(Lane& L, const UsageCube::Group& g, const BucketInfo& info) {
    const size_t first = (*L.rows).size();
    for (size_t i = 0; i < L.shares.size(); ++i) {
      const Share& s = L.shares[i];
      if (share_filters_ && !share_allowed(s)) continue;
      Row r;
      std::copy(std::begin(s.m), std::end(s.m), std::begin(r.m));
      r.records = static_cast<uint32_t>(g.records);
      r.unpriced = static_cast<uint32_t>(g.unpriced);
      r.session = g.session;
      r.day = static_cast<uint32_t>(info.day - first_day_);
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
      if (L.row_share.size() < (*L.rows).size() - first)
        L.row_share.resize((*L.rows).size() - first);
      L.row_share[(*L.rows).size() - first - 1] = static_cast<uint32_t>(i);
    }
  }

  // LSD radix sort of keyed_ on its used bits, 16 bits a pass.
  void sort_keys() {
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
  void add_row(Node& n, uint32_t id, size_t depth, const Row& r, SweepPart& part) const {
    n.input += r.m[0];
    n.output += r.m[1];
    n.cache_create += r.m[2];
    n.cache_read += r.m[3];
    n.cost += r.m[4];
    if ((r.rep >> kinds_[depth]) & 1) {
      n.records += r.records;
      n.unpriced += r.unpriced;
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

  // The nodes below the root for the sorted rows [begin, end), in pre-order,
  // into `part` (ids local to it; kNone as parent: the root).
  void sweep_range(size_t begin, size_t end, SweepPart& part) const {
    part.nodes.clear();
    part.session_marks.assign(levels_ * session_count_, kNone);
    part.day_marks.assign(levels_ * day_count_, kNone);
    std::vector<uint32_t> path(levels_ + 1, kNone);
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
          Node node;
          node.key = keys[level];
          node.parent = path[level];
          path[level + 1] = static_cast<uint32_t>(part.nodes.size());
          part.nodes.push_back(node);
        }
        started = true;
        previous = k.key;
      }
      const Row& r = rows_[k.row];
      for (size_t depth = 1; depth <= levels_; ++depth)
        add_row(part.nodes[path[depth]], path[depth], depth, r, part);
    }
  }

  // The root from every row, in memory order: sums, and distinct records,
  // sessions and days.
  void root_pass() {
    Node& root = nodes_[0];
    std::vector<uint8_t> sessions(session_count_, 0), days(day_count_, 0);
    for (const Row& r : rows_) {
      root.input += r.m[0];
      root.output += r.m[1];
      root.cache_create += r.m[2];
      root.cache_read += r.m[3];
      root.cost += r.m[4];
      if ((r.rep >> kinds_[0]) & 1) {
        root.records += r.records;
        root.unpriced += r.unpriced;
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

  void sweep() {
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
    SweepPart& a = parts_[0];
    SweepPart& b = parts_[1];
    b.nodes.clear();
    if (split < n) {
      std::jthread second([&] { sweep_range(split, n, b); });
      root_pass();
      sweep_range(0, split, a);
      second.join();
    } else {
      root_pass();
      sweep_range(0, n, a);
    }
    // Into one array: the root, then each part (ids shifted, parents too).
    for (SweepPart* part : {&a, &b}) {
      const auto offset = static_cast<uint32_t>(nodes_.size());
      for (Node node : part->nodes) {
        node.parent = node.parent == kNone ? 0 : node.parent + offset;
        nodes_.push_back(node);
      }
    }
  }

  uint64_t level_mask(size_t level) const {
    return level_bits_[level] >= 64 ? ~uint64_t{0} : (uint64_t{1} << level_bits_[level]) - 1;
  }

  const std::string& key_name(size_t level, uint32_t key) const {
    return names(level_dims_[level]).name(key);
  }

  // The dictionary of a dimension's values: the cube's, or this query's for
  // dates and epics.
  const Dictionary& names(Dimension d) const {
    switch (d) {
      case Dimension::kModel:
        return c_.models_;
      case Dimension::kRepo:
        return c_.repos_;
      case Dimension::kAuthor:
        return c_.authors_;
      case Dimension::kSession:
        return c_.sessions_;
      case Dimension::kBranch:
        return c_.branches_;
      case Dimension::kFile:
        return c_.files_;
      case Dimension::kTask:
        return c_.tasks_;
      case Dimension::kEpic:
        return epic_names_;
      case Dimension::kDate:
        return date_names_;
      case Dimension::kCommit:
        return commit_names_;
      case Dimension::kPr:
        return pr_names_;
    }
    return c_.models_;
  }

  Metrics metrics_of(uint32_t i) const {
    const Node& n = nodes_[i];
    Metrics m;
    m.input = n.input;
    m.output = n.output;
    m.cache_create = n.cache_create;
    m.cache_read = n.cache_read;
    m.cost_nanos = n.cost;
    m.records = n.records;
    m.unpriced_records = n.unpriced;
    m.sessions = n.sessions;
    m.active_days = n.days;
    m.skill_calls = n.skills;
    m.mcp_calls = n.mcp;
    return m;
  }

  // Children lists in creation order (first_, next_), and each node's depth.
  void link_children() {
    const size_t n = nodes_.size();
    first_.assign(n, kNone);
    next_.assign(n, kNone);
    depth_.assign(n, 0);
    std::vector<uint32_t> last(n, kNone);
    for (uint32_t i = 1; i < n; ++i) {
      const uint32_t p = nodes_[i].parent;
      depth_[i] = static_cast<uint8_t>(depth_[p] + 1);
      if (last[p] == kNone)
        first_[p] = i;
      else
        next_[last[p]] = i;
      last[p] = i;
    }
  }

  // --top N: every node keeps its N largest children by the sort metric
  // (ties by key); the rest fold into one "(others)" leaf, so sums hold.
  void cut_top() {
    const Metric metric = q_.sort_by.value_or(Metric::kCostUsd);
    std::vector<uint32_t> stack{0}, kids;
    std::vector<int64_t> value;
    while (!stack.empty()) {
      const uint32_t id = stack.back();
      stack.pop_back();
      kids.clear();
      for (uint32_t c = first_[id]; c != kNone; c = next_[c])
        kids.push_back(c);
      if (kids.size() > q_.top) {
        value.resize(nodes_.size());
        for (uint32_t c : kids)
          value[c] = metrics_of(c).sort_value(metric);
        std::sort(kids.begin(), kids.end(), [&](uint32_t a, uint32_t b) {
          if (value[a] != value[b]) return value[a] > value[b];
          return name_of(a) < name_of(b);
        });
        // A real key "(others)" must not be merged with the fold: pick a free one.
        std::string others_key = kOthers;
        auto taken = [&](const std::string& k) {
          for (uint32_t c : kids)
            if (name_of(c) == k) return true;
          return false;
        };
        while (taken(others_key))
          others_key += "*";
        Node o;
        o.parent = id;
        o.others = true;
        for (size_t i = q_.top; i < kids.size(); ++i) {
          const Node& d = nodes_[kids[i]];
          o.input += d.input;
          o.output += d.output;
          o.cache_create += d.cache_create;
          o.cache_read += d.cache_read;
          o.cost += d.cost;
          // Distinct counts of a union are not known after the fact: the sum
          // is an upper bound for records; sessions and days at least the max.
          o.records += d.records;
          o.unpriced += d.unpriced;
          o.skills += d.skills;
          o.mcp += d.mcp;
          const Metrics m = metrics_of(kids[i]);
          o.sessions = std::max<uint32_t>(o.sessions, static_cast<uint32_t>(m.sessions));
          o.days = std::max<uint32_t>(o.days, static_cast<uint32_t>(m.active_days));
        }
        const auto oid = static_cast<uint32_t>(nodes_.size());
        nodes_.push_back(o);
        first_.push_back(kNone);
        next_.push_back(kNone);
        depth_.push_back(static_cast<uint8_t>(depth_[id] + 1));
        others_names_.emplace(oid, others_key);
        kids.resize(q_.top);
        kids.push_back(oid);
        first_[id] = kids.front();
        for (size_t i = 0; i + 1 < kids.size(); ++i)
          next_[kids[i]] = kids[i + 1];
        next_[kids.back()] = kNone;
      }
      for (uint32_t c = first_[id]; c != kNone; c = next_[c])
        if (!nodes_[c].others) stack.push_back(c);
    }
  }

  // The nodes materialize() would make (the root's descendants after --top).
  size_t returned_nodes() const {
    size_t count = 0;
    std::vector<uint32_t> stack{0};
    while (!stack.empty()) {
      const uint32_t id = stack.back();
      stack.pop_back();
      for (uint32_t c = first_[id]; c != kNone; c = next_[c]) {
        ++count;
        stack.push_back(c);
      }
    }
    return count;
  }

  const std::string& name_of(uint32_t id) const {
    if (nodes_[id].others) return others_names_.at(id);
    return key_name(depth_[id] - 1u, nodes_[id].key);
  }

  ReportNode materialize() {
    struct Frame {
      uint32_t node;
      ReportNode* out;
    };
    ReportNode top;
    top.metrics = metrics_of(0);
    std::vector<Frame> stack{{0, &top}};
    while (!stack.empty()) {
      const Frame f = stack.back();
      stack.pop_back();
      size_t count = 0;
      for (uint32_t c = first_[f.node]; c != kNone; c = next_[c])
        ++count;
      // Every child is added before any is descended into: their addresses hold.
      f.out->children.reserve(count);
      for (uint32_t c = first_[f.node]; c != kNone; c = next_[c]) {
        ReportNode child;
        child.key = name_of(c);
        child.metrics = metrics_of(c);
        child.others = nodes_[c].others;
        stack.push_back({c, &f.out->children.add(std::move(child))});
      }
    }
    return top;
  }

  // Many nodes expected: files or sessions in the path, or four levels.
  bool deep_or_wide() const {
    return levels_ >= 4 || q_.uses(Dimension::kFile) ||
           std::find(level_dims_.begin(), level_dims_.end(), Dimension::kSession) !=
               level_dims_.end();
  }

  const UsageCube& c_;
  const ReportQuery& q_;
  const size_t levels_;
  const Strategy strategy_;
  std::vector<Dimension> level_dims_;
  bool want_files_ = false, want_tasks_ = false;
  int64_t since_ = 0, until_ = 0;
  Dictionary epic_names_, date_names_, commit_names_, pr_names_;
  bool want_commits_ = false;
  std::vector<std::vector<uint32_t>> session_commits_;  // cube session id -> commit ids
  std::vector<uint32_t> commit_pr_;                     // commit id -> pr id
  std::vector<uint32_t> task_epic_;  // task id -> epic id (only when epics are asked)
  bool filtered_[kDimensionCount] = {};
  bool group_filters_ = false, share_filters_ = false;
  std::vector<uint32_t> allowed_[kDimensionCount];
  int64_t first_bucket_ = 0;
  std::vector<BucketInfo> bucket_table_;
  std::unordered_map<int64_t, uint32_t> day_dates_;  // local day -> date id
  Lane lanes_[2];
  std::vector<Node>& nodes_;
  std::vector<uint32_t>& first_;  // children lists
  std::vector<uint32_t>& next_;
  std::vector<uint8_t>& depth_;
  std::unordered_map<uint32_t, std::string> others_names_;
  // The sorting path.
  bool sorted_ = false;
  std::vector<uint8_t> kinds_;
  std::vector<int> level_bits_, level_shift_;
  int key_bits_ = 0;
  std::vector<Row>& rows_;
  std::vector<Keyed>& keyed_;
  std::vector<Keyed>& sort_buffer_;
  std::vector<Row>& second_rows_;
  std::vector<Keyed>& second_keyed_;
  size_t session_count_ = 0, day_count_ = 0;
  QueryScratch::SweepPart* parts_;
  struct Memo {
    uint64_t key = ~uint64_t{0};
    uint32_t id = 0;
  };
  std::vector<Memo> memo_;  // per level: the last node found
  int64_t first_day_ = 0;   // the report's days, for the bitmaps of day_pool_
  size_t day_words_ = 0;
  std::vector<uint64_t> day_pool_;
  bool wide_days_ = false;
  std::unordered_map<uint32_t, DistinctSet> wide_day_sets_;
  NodeIndex index_;
};

std::string date_key_at(int64_t ts_ms, const TimeZone& tz, Granularity g) {
  const int64_t sec = ts_ms >= 0 ? ts_ms / 1000 : (ts_ms - 999) / 1000;
  const int64_t local = sec + tz.offset_at(sec);
  const int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  return date_key(day, g);
}

bool UsageCube::answers(const ReportQuery& q) {
  return (!q.since_ms || *q.since_ms % kBucketMs == 0) &&
         (!q.until_ms || *q.until_ms % kBucketMs == 0);
}

// Here, where QueryScratch is complete.
UsageCube::UsageCube() {
  no_file_ = files_.intern("(no file)");
  index_.assign(1024, UINT32_MAX);  // every slot free
}
UsageCube::~UsageCube() = default;
UsageCube::UsageCube(UsageCube&&) noexcept = default;
UsageCube& UsageCube::operator=(UsageCube&&) noexcept = default;

Result<Report> UsageCube::query(const ReportQuery& q, const EpicMap& epics, Strategy strategy,
                                const CommitAttribution* commits) const {
  if (!scratch_) scratch_ = std::make_unique<QueryScratch>();
  return CubeQuery(*this, q, epics, strategy, *scratch_, commits).run();
}

}  // namespace codepulse::report
