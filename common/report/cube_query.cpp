// A report from the cube: the groups in range are collected session by
// session (on two threads when big), filtered, and split by the attribution
// rules (attribution.hpp) into shares that the hashing or the sorting path
// adds into the tree; then the tree is cut and materialized.
#include <algorithm>
#include <memory>
#include <thread>

#include "common/report/cube_query_internal.hpp"
#include "common/report/date_keys.hpp"
#include "common/report/report_cut.hpp"
#include "common/result.hpp"

namespace codepulse::report {

CubeQuery::CubeQuery(const UsageCube& cube, const ReportQuery& q, const EpicMap& epics,
                     Strategy strategy, QueryScratch& scratch, const CommitAttribution* commits)
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
  second_rows_.clear();
  second_keyed_.clear();
  want_files_ = q.uses(Dimension::kFile);
  // Files split each task's share, so tasks are split whenever files are.
  want_tasks_ = want_files_ || q.uses(Dimension::kTask) || q.uses(Dimension::kEpic);
  if (q.uses(Dimension::kEpic)) prepare_epics(epics);
  if (q.uses(Dimension::kCommit) || q.uses(Dimension::kPr)) prepare_commits(commits);
  prepare_people();
  prepare_scope();
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

Result<Report> CubeQuery::run() {
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
    std::jthread other([&] { collect(lanes_[1], sessions, half, sessions.size()); });
    collect(lanes_[0], sessions, 0, half);
    other.join();
    // One list of keys; the second lane's rows stay where they are (row()).
    keyed_.reserve(keyed_.size() + second_keyed_.size());
    for (Keyed k : second_keyed_) {
      k.row |= kSecondLane;
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
    if (n > q_.max_nodes) return too_many_nodes(n, q_.max_nodes);
  }
  // A node's sums, and its total tokens (Metrics::total_tokens), must fit.
  const auto overflowed = [](const Node& n) {
    int64_t total = n.input;
    return n.overflow || !add_checked(total, n.output) || !add_checked(total, n.cache_create) ||
           !add_checked(total, n.cache_read);
  };
  if (c_.overflow_ || std::any_of(nodes_.begin(), nodes_.end(), overflowed))
    return make_error(
        "a total of this report passes the 64-bit range (over 9.2e18 tokens or nano-dollars: "
        "$9.2 billion) and cannot be shown exactly; report a shorter range or fewer authors");
  report.root = materialize();
  report.unpriced = unpriced_models();
  return report;
}

void CubeQuery::collect(Lane& lane, const std::vector<uint32_t>& sessions, size_t begin,
                        size_t end) {
  lane.resolved.assign(want_files_ ? c_.turns_.size() : 0, kNone);
  lane.resolved_count.assign(lane.resolved.size(), 0);
  // Groups made since the last compaction lie where their first record put
  // them, every session's interleaved, so each would be a cache miss: the
  // group kPrefetch ahead (both of its cache lines) is asked for while this
  // one is added. Across sessions the pipeline carries on.
  constexpr size_t kPrefetch = 12;
  const UsageCube::Group* groups = c_.groups_.data();
  const auto prefetch = [groups](uint32_t gid) {
    const char* at = reinterpret_cast<const char*>(groups + gid);
    __builtin_prefetch(at);
    __builtin_prefetch(at + sizeof(UsageCube::Group) - 1);
  };
  size_t ahead_session = begin, ahead_index = 0;
  const auto advance = [&] {  // prefetches the next group not yet asked for
    while (ahead_session < end) {
      const auto& list = c_.by_session_[sessions[ahead_session]].groups;
      if (ahead_index < list.size()) {
        prefetch(list[ahead_index++]);
        return;
      }
      ++ahead_session;
      ahead_index = 0;
    }
  };
  for (size_t k = 0; k < kPrefetch; ++k)
    advance();
  for (size_t i = begin; i < end; ++i)
    for (uint32_t g : c_.by_session_[sessions[i]].groups) {
      advance();
      add_group(lane, g);
    }
}

// Task -> epic id, in this query's dictionary.
void CubeQuery::prepare_epics(const EpicMap& epics) {
  epic_names_.intern(kNoEpic);  // the first epic id, whatever the tasks
  task_epic_.resize(c_.tasks_.size());
  for (size_t t = 0; t < c_.tasks_.size(); ++t)
    task_epic_[t] = epic_names_.intern(epic_of(epics, c_.tasks_.name(static_cast<uint32_t>(t))));
}

// Session -> commit ids, commit -> pull request id, in this query's
// dictionaries.
void CubeQuery::prepare_commits(const CommitAttribution* commits) {
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
void CubeQuery::prepare_filters() {
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
    if (people_dimension(f.dimension)) people_filters_ = true;
    if (id) allowed.push_back(*id);
  }
}

CubeQuery::BucketInfo CubeQuery::compute_bucket(int64_t bucket) {
  const int64_t day = local_day(bucket * (kBucketMs / 1000), q_.tz);
  BucketInfo info;
  info.day = day;
  auto it = day_dates_.find(day);
  if (it == day_dates_.end())
    it = day_dates_.emplace(day, date_names_.intern(date_key(day, q_.granularity))).first;
  info.date = it->second;
  return info;
}

CubeQuery::BucketInfo CubeQuery::bucket_info(int64_t bucket) {
  const int64_t i = bucket - first_bucket_;
  if (i >= 0 && i < static_cast<int64_t>(bucket_table_.size())) {
    BucketInfo& slot = bucket_table_[static_cast<size_t>(i)];
    if (slot.date == kNone) slot = compute_bucket(bucket);
    return slot;
  }
  return compute_bucket(bucket);
}

// The turn's files and weights (attributed_files), once per lane.
void CubeQuery::turn_files(Lane& L, uint32_t turn) {
  if (L.resolved[turn] != kNone) return;
  L.resolved[turn] = static_cast<uint32_t>(L.file_ids.size());
  L.resolved_count[turn] = static_cast<uint32_t>(
      attributed_files(c_.turns_[turn].files, c_.no_file_, c_.files_, L.file_ids, L.file_weights));
}

// The group's shares over the tasks and files the report asks for.
void CubeQuery::split(Lane& L, uint32_t gid, const UsageCube::Group& g) {
  const std::vector<uint32_t>* tasks = want_tasks_ ? &c_.task_set_tasks_[g.tasks] : nullptr;
  const uint32_t* fids = nullptr;
  const int64_t* weights = nullptr;
  size_t file_count = 1;
  if (want_files_) {
    turn_files(L, g.turn);
    fids = &L.file_ids[L.resolved[g.turn]];
    weights = &L.file_weights[L.resolved[g.turn]];
    file_count = L.resolved_count[g.turn];
  }
  const int64_t totals[kShareSums] = {
      g.input,      g.output,          g.cache_create,      g.cache_read,
      g.cost_nanos, g.list_cost_nanos, c_.effective_of(gid)};
  split_shares(totals, tasks ? tasks->data() : nullptr, tasks ? tasks->size() : 1, fids, weights,
               file_count, L.split_scratch, L.shares);
}

void CubeQuery::add_group(Lane& L, uint32_t gid) {
  const UsageCube::Group& g = c_.groups_[gid];
  if (g.records <= 0) return;  // emptied by replacements
  const int64_t start = g.bucket * kBucketMs;
  if (start < since_ || start >= until_) return;
  // Outside the caller's scope: never in any node, the root included.
  if (scope_ && !in_scope(g)) return;
  const BucketInfo info = bucket_info(g.bucket);
  if (group_filters_ &&
      (!allows(Dimension::kModel, g.model) || !allows(Dimension::kRepo, g.repo) ||
       !allows(Dimension::kAuthor, g.author) || !allows(Dimension::kSession, g.session) ||
       !allows(Dimension::kBranch, g.branch) || !allows(Dimension::kDate, info.date) ||
       !allows(Dimension::kAssistant, g.assistant) || (people_filters_ && !people_allowed(g))))
    return;
  split(L, gid, g);
  if (want_commits_) split_over_commits(session_commits_[g.session], L.split_scratch, L.shares);
  if (!g.priced) tally_unpriced(L, g);
  if (sorted_)
    emit_rows(L, g, info);
  else
    hash_shares(L, gid, g, info);
}

// An unpriced group's records under its model, with the tokens of the shares
// the filters keep (the group counts when one is kept, as at the root).
void CubeQuery::tally_unpriced(Lane& L, const UsageCube::Group& g) const {
  int64_t tokens = 0;
  bool kept = false;
  for (const Share& s : L.shares) {
    if (share_filters_ && !share_allowed(s)) continue;
    kept = true;
    tokens += s.m[0] + s.m[1] + s.m[2] + s.m[3];
  }
  if (!kept) return;
  if (L.unpriced.size() <= g.model) L.unpriced.resize(g.model + 1);
  L.unpriced[g.model].requests += g.unpriced;
  L.unpriced[g.model].tokens += tokens;
}

// Both lanes' tallies by model name, most requests first.
std::vector<UnpricedModel> CubeQuery::unpriced_models() const {
  std::vector<UnpricedModel> out;
  for (const Lane& L : lanes_)
    for (uint32_t m = 0; m < L.unpriced.size(); ++m) {
      if (L.unpriced[m].requests == 0) continue;
      const std::string& name = c_.models_.name(m);
      auto it = std::find_if(out.begin(), out.end(),
                             [&name](const UnpricedModel& u) { return u.model == name; });
      if (it == out.end()) it = out.insert(out.end(), UnpricedModel{name, 0, 0});
      it->requests += L.unpriced[m].requests;
      it->tokens += L.unpriced[m].tokens;
    }
  std::sort(out.begin(), out.end(), [](const UnpricedModel& a, const UnpricedModel& b) {
    if (a.requests != b.requests) return a.requests > b.requests;
    return a.model < b.model;
  });
  return out;
}

// Many nodes expected: files or sessions in the path, or four levels.
bool CubeQuery::deep_or_wide() const {
  return levels_ >= 4 || q_.uses(Dimension::kFile) ||
         std::find(level_dims_.begin(), level_dims_.end(), Dimension::kSession) !=
             level_dims_.end();
}

bool UsageCube::answers(const ReportQuery& q) {
  return (!q.since_ms || *q.since_ms % kBucketMs == 0) &&
         (!q.until_ms || *q.until_ms % kBucketMs == 0);
}

// Here, where QueryScratch is complete.
UsageCube::UsageCube(std::shared_ptr<const Pricer> pricer)
    : pricer_(pricer ? std::move(pricer) : Pricer::builtin()) {
  no_file_ = files_.intern(kNoFile);
  index_.assign(1024, UINT32_MAX);  // every slot free
}
UsageCube::~UsageCube() = default;
UsageCube::UsageCube(UsageCube&&) noexcept = default;
UsageCube& UsageCube::operator=(UsageCube&&) noexcept = default;

size_t UsageCube::scratch_bytes() const {
  return scratch_ ? scratch_->bytes() : 0;
}

Result<Report> UsageCube::query(const ReportQuery& q, const EpicMap& epics, Strategy strategy,
                                const CommitAttribution* commits) const {
  if (!scratch_) scratch_ = std::make_unique<QueryScratch>();
  refresh_effective();
  auto r = CubeQuery(*this, q, epics, strategy, *scratch_, commits).run();
  if (r)
    r->idle_seats = scoped_idle_seats(
        idle_seats(q.since_ms.value_or(INT64_MIN), q.until_ms.value_or(INT64_MAX), q.where), q,
        people_.get());
  return r;
}

}  // namespace codepulse::report
