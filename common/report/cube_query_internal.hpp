// The cube's query (UsageCube::query), shared by the files that implement
// its steps: collecting and attributing groups (cube_query.cpp), the hashing
// path (cube_hash.cpp), the sorting path (cube_sweep.cpp), the --top cut
// (cube_top_cut.cpp) and the report tree it makes (cube_materialize.cpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/checked_sum.hpp"
#include "common/report/attribution.hpp"
#include "common/report/node_index.hpp"
#include "common/report/usage_cube.hpp"
#include "common/result.hpp"

namespace codepulse::report {

inline constexpr uint32_t kNone = UINT32_MAX;

// Adds the kShareSums sums (input, output, cache writes, cache reads, cost,
// list cost, effective cost) to `n`'s: a sum that would pass the int64 range saturates and
// marks `n`, and a query with such a node fails instead of wrapping.
template <class Node>
void add_sums(Node& n, const int64_t (&m)[kShareSums]) {
  bool ok = add_checked(n.input, m[0]);
  ok &= add_checked(n.output, m[1]);
  ok &= add_checked(n.cache_create, m[2]);
  ok &= add_checked(n.cache_read, m[3]);
  ok &= add_checked(n.cost, m[4]);
  ok &= add_checked(n.list_cost, m[5]);
  ok &= add_checked(n.effective, m[6]);
  if (!ok) n.overflow = true;
}

// A query's working memory, kept by the cube between queries: big reports
// reuse it instead of faulting fresh pages in every time (giving back the
// memory of a million-node report made the next one 2.5 s slower here).
struct QueryScratch {
  struct Node {
    int64_t input = 0, output = 0, cache_create = 0, cache_read = 0, cost = 0, list_cost = 0;
    int64_t effective = 0;
    int64_t records = 0, unpriced = 0, skills = 0, mcp = 0;
    uint32_t last_group = kNone, last_session = kNone;
    uint32_t key = 0, parent = kNone;
    uint32_t sessions = 0;  // sessions arrive one after another: a count suffices
    uint32_t days = 0;      // distinct local days
    int32_t day_a = INT32_MIN, day_b = INT32_MIN;  // the first two days
    uint32_t day_bits = kNone;                     // from the third day: a bitmap in day_pool_
    bool others = false;                           // the fold of a --top cut
    bool overflow = false;  // a sum passed the int64 range (add_sums): the query fails
  };
  // Eight words: the sweep reads rows in key order.
  struct alignas(8) Row {
    int64_t m[kShareSums];
    uint32_t records;  // of the share's group (a group is a turn's quarter hour)
    uint32_t session;
    uint16_t day;          // from the report's first day: fewer than 65,536 (plan_sort)
    uint16_t skills, mcp;  // the group's tool calls (saturated)
    uint8_t rep;           // bit k: the group's first share under projection k
    bool unpriced;         // the group's records are all unpriced (UsageCube::Group::priced)
  };
  static_assert(sizeof(Row) == 72);
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
  struct SweepPart {  // one sweeping thread's markers
    std::vector<uint32_t> session_marks, day_marks;
  };
  SweepPart parts[2];

  // What the vectors hold (their capacity), in bytes.
  size_t bytes() const {
    size_t b =
        nodes.capacity() * sizeof(Node) + (first.capacity() + next.capacity()) * 4 +
        depth.capacity() + (rows.capacity() + second_rows.capacity()) * sizeof(Row) +
        (keyed.capacity() + sort_buffer.capacity() + second_keyed.capacity()) * sizeof(Keyed);
    for (const SweepPart& p : parts)
      b += (p.session_marks.capacity() + p.day_marks.capacity()) * 4;
    return b;
  }
};

// One query of a cube: every group in range is split over its tasks and its
// turn's files (and its session's commits) into integer shares that add up
// exactly to the group, each share is added along its path of the tree, and
// the finished tree gets its strings. docs/ATTRIBUTION.md has the rules.
class CubeQuery {
 public:
  using Strategy = UsageCube::Strategy;
  using Node = QueryScratch::Node;
  using Row = QueryScratch::Row;
  using Keyed = QueryScratch::Keyed;
  using SweepPart = QueryScratch::SweepPart;
  CubeQuery(const UsageCube& cube, const ReportQuery& q, const EpicMap& epics, Strategy strategy,
            QueryScratch& scratch, const CommitAttribution* commits);

  Result<Report> run();

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
  // What one collecting thread works with.
  struct Lane {
    // turn -> its files in file_ids (a turn may span sessions, so each
    // lane resolves the turns it meets itself)
    std::vector<uint32_t> resolved, resolved_count;
    std::vector<uint32_t> file_ids;
    std::vector<int64_t> file_weights;
    std::vector<Share> shares;
    SplitScratch split_scratch;
    std::vector<uint32_t> row_share;  // per kept share of the current group: its index
    std::vector<Row>* rows = nullptr;
    std::vector<Keyed>* keyed = nullptr;
    // Unpriced records and their tokens by model id (Report::unpriced).
    struct Unpriced {
      int64_t requests = 0, tokens = 0;
    };
    std::vector<Unpriced> unpriced;
  };

  // --- Collecting and attributing (cube_query.cpp) ------------------------
  void collect(Lane& lane, const std::vector<uint32_t>& sessions, size_t begin, size_t end);
  void prepare_epics(const EpicMap& epics);
  void prepare_commits(const CommitAttribution* commits);
  void prepare_filters();
  BucketInfo compute_bucket(int64_t bucket);
  BucketInfo bucket_info(int64_t bucket);
  void turn_files(Lane& L, uint32_t turn);
  void split(Lane& L, uint32_t gid, const UsageCube::Group& g);
  void add_group(Lane& L, uint32_t gid);
  void tally_unpriced(Lane& L, const UsageCube::Group& g) const;
  std::vector<UnpricedModel> unpriced_models() const;
  bool deep_or_wide() const;

  bool allows(Dimension d, uint32_t id) const {
    const auto i = static_cast<size_t>(d);
    if (!filtered_[i]) return true;
    return std::find(allowed_[i].begin(), allowed_[i].end(), id) != allowed_[i].end();
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
      case Dimension::kAssistant:
        return g.assistant;
      case Dimension::kPerson:
      case Dimension::kTeam:
      case Dimension::kGroup:
      case Dimension::kOrg:
      case Dimension::kLevel:
        return people_key(d, g);
    }
    return 0;
  }

  // --- The people dimensions (cube_people.cpp) -----------------------------
  // Each cube author's person, and this query's ids of every person, team
  // (its group and org) and level: id 0 of each is "(no ...)".
  void prepare_people();
  uint32_t people_key(Dimension d, const UsageCube::Group& g) const;
  bool people_allowed(const UsageCube::Group& g) const;
  // The caller's scope (access_scope.hpp): per cube author, whether it is
  // in (a self scope) or its person (a node scope, checked on the group's
  // UTC day).
  void prepare_scope();
  bool in_scope(const UsageCube::Group& g) const;

  // --- The hashing path (cube_hash.cpp) -----------------------------------
  void hash_shares(const Lane& L, uint32_t gid, const UsageCube::Group& g, const BucketInfo& info);
  void add_to(uint32_t node_id, const Share& s, uint32_t g, const UsageCube::Group& group,
              int64_t day);

  // --- The sorting path (cube_sweep.cpp) ----------------------------------
  bool plan_sort();
  void emit_rows(Lane& L, const UsageCube::Group& g, const BucketInfo& info);
  void sort_keys();
  void add_row(Node& n, uint32_t id, size_t depth, const Row& r, SweepPart& part) const;
  size_t count_nodes(size_t begin, size_t end) const;
  void sweep_range(size_t begin, size_t end, size_t at, SweepPart& part);
  // A keyed row's row: the second collecting lane's carry kSecondLane.
  static constexpr uint32_t kSecondLane = 0x8000'0000u;
  const Row& row(uint32_t id) const {
    return id & kSecondLane ? second_rows_[id & ~kSecondLane] : rows_[id];
  }
  void root_pass();
  void sweep();
  uint64_t level_mask(size_t level) const;

  // --- The tree: --top (cube_top_cut.cpp), nodes (cube_materialize.cpp) --
  void cut_top();
  void link_children();
  size_t returned_nodes() const;
  const Dictionary& names(Dimension d) const;
  const std::string& key_name(size_t level, uint32_t key) const;
  const std::string& name_of(uint32_t id) const;
  Metrics metrics_of(uint32_t i) const;
  ReportNode materialize();

  const UsageCube& c_;
  const ReportQuery& q_;
  const size_t levels_;
  const Strategy strategy_;
  std::vector<Dimension> level_dims_;
  bool want_files_ = false, want_tasks_ = false;
  int64_t since_ = 0, until_ = 0;
  Dictionary epic_names_, date_names_, commit_names_, pr_names_;
  Dictionary person_names_, team_names_, group_names_, org_names_, level_names_;
  bool want_people_ = false, people_filters_ = false;
  std::vector<uint32_t> author_person_;  // cube author id -> timeline person (kNone: no one)
  std::vector<uint32_t> person_ids_, team_ids_, group_ids_, org_ids_, level_ids_;
  std::optional<ScopeMatcher> scope_;     // engaged unless the scope is the whole organisation
  std::vector<uint8_t> author_in_scope_;  // a self scope: cube author id -> in
  std::vector<uint32_t> scope_person_;    // a node scope: cube author id -> person (kNone)
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

}  // namespace codepulse::report
