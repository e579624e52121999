// A report from the cube: every group in range is split over its tasks and
// its turn's files into integer shares that add up exactly to the group,
// each share is added along its path of the tree (nodes found by (parent,
// value id) in one flat hash table), and the finished tree gets its strings.
// docs/ATTRIBUTION.md has the rules with examples.
#include <algorithm>
#include <cstdio>
#include <unordered_set>

#include "common/report/usage_cube.hpp"
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
  std::stable_sort(scratch.begin(), scratch.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
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

// Open addressing from a 64-bit key (never ~0) to a node id.
class NodeIndex {
 public:
  NodeIndex() : keys_(1024, kFree), values_(1024, 0) {}
  // The node for `key`, or `fresh` (and remembered) when there is none.
  uint32_t find_or_add(uint64_t key, uint32_t fresh) {
    if ((count_ + 1) * 2 > keys_.size()) grow();
    size_t slot = hash(key) & (keys_.size() - 1);
    while (keys_[slot] != kFree) {
      if (keys_[slot] == key) return values_[slot];
      slot = (slot + 1) & (keys_.size() - 1);
    }
    keys_[slot] = key;
    values_[slot] = fresh;
    ++count_;
    return fresh;
  }

 private:
  static constexpr uint64_t kFree = ~uint64_t{0};
  static size_t hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<size_t>(k);
  }
  void grow() {
    std::vector<uint64_t> keys(keys_.size() * 2, kFree);
    std::vector<uint32_t> values(keys.size(), 0);
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] == kFree) continue;
      size_t slot = hash(keys_[i]) & (keys.size() - 1);
      while (keys[slot] != kFree)
        slot = (slot + 1) & (keys.size() - 1);
      keys[slot] = keys_[i];
      values[slot] = values_[i];
    }
    keys_.swap(keys);
    values_.swap(values);
  }
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> values_;
  size_t count_ = 0;
};

bool needs(const ReportQuery& q, Dimension d) {
  if (std::find(q.group_by.begin(), q.group_by.end(), d) != q.group_by.end()) return true;
  return std::any_of(q.where.begin(), q.where.end(),
                     [d](const Filter& f) { return f.dimension == d; });
}

// Keeps the `top` largest children of every node and folds the rest into
// one "(others)" leaf; sums are unchanged.
void cut_top(ReportNode& node, const ReportQuery& q) {
  if (node.children.empty()) return;
  if (q.top > 0 && node.children.size() > q.top) {
    const Metric m = q.sort_by.value_or(Metric::kCostUsd);
    std::vector<std::string> keys;
    for (const auto& [k, c] : node.children)
      keys.push_back(k);
    std::stable_sort(keys.begin(), keys.end(), [&](const std::string& a, const std::string& b) {
      const auto& ma = node.children.at(a).metrics;
      const auto& mb = node.children.at(b).metrics;
      if (ma.sort_value(m) != mb.sort_value(m)) return ma.sort_value(m) > mb.sort_value(m);
      return a < b;
    });
    // A real key "(others)" must not be merged with the fold: pick a free one.
    std::string others_key = kOthers;
    while (node.children.count(others_key) > 0)
      others_key += "*";
    ReportNode others;
    others.key = others_key;
    others.others = true;
    for (size_t i = q.top; i < keys.size(); ++i) {
      const Metrics& m2 = node.children.at(keys[i]).metrics;
      Metrics& o = others.metrics;
      o.input += m2.input;
      o.output += m2.output;
      o.cache_create += m2.cache_create;
      o.cache_read += m2.cache_read;
      o.cost_nanos += m2.cost_nanos;
      // Distinct counts of a union are not known after the fact: the sum is
      // an upper bound for records; sessions and days are at least the max.
      o.records += m2.records;
      o.unpriced_records += m2.unpriced_records;
      o.sessions = std::max(o.sessions, m2.sessions);
      o.active_days = std::max(o.active_days, m2.active_days);
      node.children.erase(keys[i]);
    }
    node.children.emplace(others_key, std::move(others));
  }
  for (auto& [k, c] : node.children)
    if (!c.others) cut_top(c, q);
}

}  // namespace

class CubeQuery {
 public:
  CubeQuery(const UsageCube& cube, const ReportQuery& q, const EpicMap& epics)
      : c_(cube), q_(q), levels_(q.group_by.size()) {
    want_files_ = needs(q, Dimension::kFile);
    // Files split each task's share, so tasks are split whenever files are.
    want_tasks_ = want_files_ || needs(q, Dimension::kTask) || needs(q, Dimension::kEpic);
    if (needs(q, Dimension::kEpic)) {
      const uint32_t no_epic = epic_names_.intern("(no epic)");
      task_epic_.assign(c_.tasks_.size(), no_epic);
      for (size_t t = 0; t < c_.tasks_.size(); ++t) {
        auto it = epics.find(c_.tasks_.name(static_cast<uint32_t>(t)));
        if (it != epics.end()) task_epic_[t] = epic_names_.intern(it->second);
      }
    }
    resolved_.assign(want_files_ ? c_.turns_.size() : 0, kNone);
    resolved_count_.assign(resolved_.size(), 0);
    since_ = q.since_ms.value_or(INT64_MIN);
    until_ = q.until_ms.value_or(INT64_MAX);
  }

  Report run() {
    Report report;
    report.query = q_;
    nodes_.emplace_back();  // the root
    prepare_filters();
    for (uint32_t g = 0; g < c_.groups_.size(); ++g)
      add_group(g);
    report.root = materialize(0, "");
    cut_top(report.root, q_);
    return report;
  }

 private:
  struct Node {
    int64_t input = 0, output = 0, cache_create = 0, cache_read = 0, cost = 0;
    int64_t records = 0, unpriced = 0;
    uint32_t last_group = kNone, last_session = kNone;
    int64_t last_day = INT64_MIN;
    uint32_t key = 0, parent = kNone;
    DistinctSet sessions, days;
  };
  struct BucketInfo {
    uint32_t date = 0;  // id in date_names_
    int64_t day = 0;    // local day number, for active days
  };
  struct Share {
    uint32_t task = 0, file = 0;
    int64_t m[5] = {0, 0, 0, 0, 0};
  };

  // Filter values as ids: a dimension's values are alternatives. A value no
  // record has matches nothing.
  void prepare_filters() {
    for (const Filter& f : q_.where) {
      std::optional<uint32_t> id;
      switch (f.dimension) {
        case Dimension::kModel:
          id = c_.models_.find(f.value);
          break;
        case Dimension::kRepo:
          id = c_.repos_.find(f.value);
          break;
        case Dimension::kAuthor:
          id = c_.authors_.find(f.value);
          break;
        case Dimension::kSession:
          id = c_.sessions_.find(f.value);
          break;
        case Dimension::kBranch:
          id = c_.branches_.find(f.value);
          break;
        case Dimension::kFile:
          id = c_.files_.find(f.value);
          break;
        case Dimension::kTask:
          id = c_.tasks_.find(f.value);
          break;
        case Dimension::kEpic:
          id = epic_names_.find(f.value);
          break;
        case Dimension::kDate:
          id = date_names_.intern(f.value);  // dates get ids as they are met
          break;
      }
      auto& allowed = allowed_[static_cast<size_t>(f.dimension)];
      filtered_[static_cast<size_t>(f.dimension)] = true;
      if (id) allowed.push_back(*id);
    }
  }
  bool allows(Dimension d, uint32_t id) const {
    const auto i = static_cast<size_t>(d);
    if (!filtered_[i]) return true;
    return std::find(allowed_[i].begin(), allowed_[i].end(), id) != allowed_[i].end();
  }

  const BucketInfo& bucket_info(int64_t bucket) {
    auto it = buckets_.find(bucket);
    if (it != buckets_.end()) return it->second;
    const int64_t sec = bucket * (kBucketMs / 1000);
    const int64_t local = sec + q_.tz.offset_at(sec);
    const int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    BucketInfo info;
    info.day = day;
    info.date = date_names_.intern(date_key(day, q_.granularity));
    return buckets_.emplace(bucket, info).first->second;
  }

  // The turn's files and weights, sorted by path: what it changed, weighted
  // by lines changed (evenly when a change's line counts are unknown); else
  // what it read, evenly; else "(no file)".
  void turn_files(uint32_t turn) {
    if (resolved_[turn] != kNone) return;
    resolved_[turn] = static_cast<uint32_t>(file_ids_.size());
    const auto& files = c_.turns_[turn].files;
    const size_t begin = file_ids_.size();
    bool unknown = false;
    for (const auto& f : files)
      if (f.changes > 0) {
        file_ids_.push_back(f.file);
        file_weights_.push_back(std::clamp<int64_t>(f.lines, 0, kMaxWeight));
        unknown = unknown || f.unknown > 0;
      }
    if (file_ids_.size() == begin) {
      for (const auto& f : files)
        if (f.reads > 0) {
          file_ids_.push_back(f.file);
          file_weights_.push_back(0);
        }
    }
    if (file_ids_.size() == begin) {
      file_ids_.push_back(c_.no_file_);
      file_weights_.push_back(0);
    }
    const size_t n = file_ids_.size() - begin;
    if (unknown)
      std::fill(file_weights_.begin() + static_cast<std::ptrdiff_t>(begin), file_weights_.end(), 0);
    if (n > 1) {
      std::vector<std::pair<uint32_t, int64_t>> sorted;
      for (size_t i = begin; i < file_ids_.size(); ++i)
        sorted.emplace_back(file_ids_[i], file_weights_[i]);
      std::sort(sorted.begin(), sorted.end(), [this](const auto& a, const auto& b) {
        return c_.files_.name(a.first) < c_.files_.name(b.first);
      });
      for (size_t i = 0; i < n; ++i) {
        file_ids_[begin + i] = sorted[i].first;
        file_weights_[begin + i] = sorted[i].second;
      }
    }
    resolved_count_[turn] = static_cast<uint32_t>(n);
  }

  // Shares: tasks evenly first (so a task's total is the same whether or not
  // the report asks for files), then each task's share over the files by
  // weight. Share i = task * files + file.
  void split(const UsageCube::Group& g) {
    shares_.clear();
    const std::vector<uint32_t>* tasks = want_tasks_ ? &c_.task_set_tasks_[g.tasks] : nullptr;
    const size_t task_count = tasks ? tasks->size() : 1;
    const uint32_t* fids = nullptr;
    const int64_t* weights = nullptr;
    size_t file_count = 1;
    if (want_files_) {
      turn_files(g.turn);
      fids = &file_ids_[resolved_[g.turn]];
      weights = &file_weights_[resolved_[g.turn]];
      file_count = resolved_count_[g.turn];
    }
    const int64_t totals[5] = {g.input, g.output, g.cache_create, g.cache_read, g.cost_nanos};
    shares_.resize(task_count * file_count);
    by_task_.resize(task_count);
    by_file_.resize(file_count);
    for (int m = 0; m < 5; ++m) {
      if (task_count == 1)
        by_task_[0] = totals[m];
      else
        apportion(totals[m], nullptr, task_count, by_task_.data(), scratch_);
      for (size_t t = 0; t < task_count; ++t) {
        if (file_count == 1)
          by_file_[0] = by_task_[t];
        else
          apportion(by_task_[t], weights, file_count, by_file_.data(), scratch_);
        for (size_t f = 0; f < file_count; ++f)
          shares_[t * file_count + f].m[m] = by_file_[f];
      }
    }
    for (size_t t = 0; t < task_count; ++t)
      for (size_t f = 0; f < file_count; ++f) {
        shares_[t * file_count + f].task = tasks ? (*tasks)[t] : 0;
        shares_[t * file_count + f].file = fids ? fids[f] : 0;
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
    if (n.last_session != group.session) {
      n.last_session = group.session;
      n.sessions.insert(group.session);
    }
    if (n.last_day != day) {
      n.last_day = day;
      n.days.insert(static_cast<uint32_t>(day));
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
    }
    return 0;
  }

  void add_group(uint32_t gid) {
    const UsageCube::Group& g = c_.groups_[gid];
    if (g.records == 0) return;  // emptied by replacements
    const int64_t start = g.bucket * kBucketMs;
    if (start < since_ || start >= until_) return;
    const BucketInfo info = bucket_info(g.bucket);
    if (!allows(Dimension::kModel, g.model) || !allows(Dimension::kRepo, g.repo) ||
        !allows(Dimension::kAuthor, g.author) || !allows(Dimension::kSession, g.session) ||
        !allows(Dimension::kBranch, g.branch) || !allows(Dimension::kDate, info.date))
      return;
    split(g);
    for (const Share& s : shares_) {
      if (want_files_ && !allows(Dimension::kFile, s.file)) continue;
      if (want_tasks_ && !allows(Dimension::kTask, s.task)) continue;
      if (!task_epic_.empty() && !allows(Dimension::kEpic, task_epic_[s.task])) continue;
      add_to(0, s, gid, g, info.day);
      uint32_t parent = 0;
      for (size_t level = 0; level < levels_; ++level) {
        const uint32_t key = level_key(q_.group_by[level], g, s, info.date);
        // Node ids fit 31 bits and keys 32: (parent, key) never collides.
        const uint64_t k = (static_cast<uint64_t>(parent) << 32) | key;
        const auto fresh = static_cast<uint32_t>(nodes_.size());
        const uint32_t id = index_.find_or_add(k, fresh);
        if (id == fresh) {
          nodes_.emplace_back();
          nodes_.back().key = key;
          nodes_.back().parent = parent;
        }
        add_to(id, s, gid, g, info.day);
        parent = id;
      }
    }
  }

  const std::string& key_name(size_t level, uint32_t key) const {
    switch (q_.group_by[level]) {
      case Dimension::kModel:
        return c_.models_.name(key);
      case Dimension::kRepo:
        return c_.repos_.name(key);
      case Dimension::kAuthor:
        return c_.authors_.name(key);
      case Dimension::kSession:
        return c_.sessions_.name(key);
      case Dimension::kBranch:
        return c_.branches_.name(key);
      case Dimension::kDate:
        return date_names_.name(key);
      case Dimension::kFile:
        return c_.files_.name(key);
      case Dimension::kTask:
        return c_.tasks_.name(key);
      case Dimension::kEpic:
        return epic_names_.name(key);
    }
    return c_.models_.name(key);
  }

  ReportNode materialize(uint32_t root, const std::string& root_key) {
    // Children lists by parent, then the tree from the root down.
    std::vector<uint32_t> first(nodes_.size(), kNone), next(nodes_.size(), kNone);
    std::vector<uint8_t> depth(nodes_.size(), 0);
    for (uint32_t i = static_cast<uint32_t>(nodes_.size()); i-- > 1;) {
      next[i] = first[nodes_[i].parent];
      first[nodes_[i].parent] = i;
    }
    for (uint32_t i = 1; i < nodes_.size(); ++i)
      depth[i] = static_cast<uint8_t>(depth[nodes_[i].parent] + 1);
    auto metrics_of = [this](uint32_t i) {
      const Node& n = nodes_[i];
      Metrics m;
      m.input = n.input;
      m.output = n.output;
      m.cache_create = n.cache_create;
      m.cache_read = n.cache_read;
      m.cost_nanos = n.cost;
      m.records = n.records;
      m.unpriced_records = n.unpriced;
      m.sessions = static_cast<int64_t>(n.sessions.size());
      m.active_days = static_cast<int64_t>(n.days.size());
      return m;
    };
    struct Frame {
      uint32_t node;
      ReportNode* out;
    };
    ReportNode top;
    top.key = root_key;
    top.metrics = metrics_of(root);
    std::vector<Frame> stack{{root, &top}};
    while (!stack.empty()) {
      const Frame f = stack.back();
      stack.pop_back();
      for (uint32_t child = first[f.node]; child != kNone; child = next[child]) {
        const std::string& name = key_name(depth[child] - 1u, nodes_[child].key);
        auto [it, added] = f.out->children.emplace(name, ReportNode{});
        it->second.key = name;
        it->second.metrics = metrics_of(child);
        stack.push_back({child, &it->second});
      }
    }
    return top;
  }

  const UsageCube& c_;
  const ReportQuery& q_;
  const size_t levels_;
  bool want_files_ = false, want_tasks_ = false;
  int64_t since_ = 0, until_ = 0;
  Dictionary epic_names_, date_names_;
  std::vector<uint32_t> task_epic_;  // task id -> epic id (only when epics are asked)
  bool filtered_[9] = {};
  std::vector<uint32_t> allowed_[9];
  std::unordered_map<int64_t, BucketInfo> buckets_;
  std::vector<uint32_t> resolved_, resolved_count_;  // turn -> its files in file_ids_
  std::vector<uint32_t> file_ids_;
  std::vector<int64_t> file_weights_;
  std::vector<Share> shares_;
  std::vector<int64_t> by_task_, by_file_;
  std::vector<std::pair<Wide, size_t>> scratch_;
  std::vector<Node> nodes_;
  NodeIndex index_;
};

bool UsageCube::answers(const ReportQuery& q) {
  return (!q.since_ms || *q.since_ms % kBucketMs == 0) &&
         (!q.until_ms || *q.until_ms % kBucketMs == 0);
}

Report UsageCube::query(const ReportQuery& q, const EpicMap& epics) const {
  return CubeQuery(*this, q, epics).run();
}

}  // namespace codepulse::report
