// The report engine's data: usage records folded into groups, one per turn,
// quarter hour and set of dimension values, with every dimension value
// dictionary-encoded. A report is a hash aggregation over these groups'
// integer columns, not over raw rows; a turn's files are kept beside it and
// split its groups at query time (docs/ATTRIBUTION.md).
//
// The collector keeps one cube for its whole store in memory and folds each
// commit into it (collector/serve/report_runner.hpp); the tracker and the
// collector's `report --db` build one for the asked range from the database
// (build_report). Both answer through the same query code, so they agree.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/pricing/pricer.hpp"
#include "common/record/usage_record.hpp"
#include "common/report/attribution.hpp"
#include "common/report/people_timeline.hpp"
#include "common/report/report.hpp"
#include "common/report/seat_charges.hpp"
#include "common/report/session_links.hpp"

namespace codepulse::report {

// One usage record as reports see it.
struct UsageFact {
  int64_t record_id = 0;  // the store's row id: the turn of a record without turn_id
  int64_t revision = 0;   // the stored version's (0 where a reader does not ask)
  std::string author;     // "" reads as "(unknown)"
  std::string session, model /* "-fast" appended for fast mode */, repo, branch, task_keys, turn_id;
  std::string assistant{"claude-code"};
  int64_t ts_ms = 0;
  int64_t input = 0, output = 0, cache_create = 0 /* 5m + 1h */, cache_read = 0;
  // What pricing needs besides: the cube prices every fact it folds with its
  // Pricer (common/pricing/pricer.hpp); no stored cost is read.
  int64_t cache_create_1h = 0, web_search = 0, web_fetch = 0;
  bool fast = false;
  std::string inference_geo;
  std::vector<ToolUse> tools;

  // The model id as logged (without the "-fast" of fast mode).
  std::string_view logged_model() const;
  UsageToPrice to_price() const;
};

// The Skill and MCP calls among a record's tool calls (the cube's counts,
// and what the analytics store keeps per record).
struct ToolCallCounts {
  int64_t skills = 0, mcp = 0;
};
ToolCallCounts tool_call_counts(const std::vector<ToolUse>& tools);

// A group as an analytics store summed it (collector/analytics/): the
// records of one quarter hour sharing every key of a cube group, their
// costs priced already. `turn_id` and `record_id` name the turn as a
// UsageFact's do; a store that left turns out of its key (a report that
// splits nothing by turn) passes one turn for all.
struct GroupFact {
  int64_t bucket_ms = 0;  // the quarter hour's start
  std::string author, session, model, repo, branch, task_keys, assistant, turn_id;
  int64_t record_id = 0;
  bool priced = true;
  int64_t input = 0, output = 0, cache_create = 0, cache_read = 0;
  int64_t cost_nanos = 0, list_cost_nanos = 0;  // 0 when !priced
  int64_t records = 0, skills = 0, mcp = 0;
  int64_t first_ms = 0, last_ms = 0;  // the first and last record's times
};

// A session as its records tell it, summed elsewhere (an analytics store):
// what add() gathers from each record and its tool calls for linking
// sessions to commits (session_links.hpp).
struct SessionFact {
  std::string session;
  std::string author, repo, branch;  // of its latest record (the highest id among ties)
  int64_t first_ms = 0, last_ms = 0;
  // Of its records that changed a file (unset when edited_files is empty).
  int64_t first_edit_ms = 0, last_edit_ms = 0;
  std::vector<std::string> edited_files;  // paths a change call named
  std::vector<std::string> commit_shas;   // what its `git commit` calls reported
  std::vector<std::string> models, assistants;
};

// Strings to dense ids and back; ids are stable for the dictionary's life.
class Dictionary {
 public:
  uint32_t intern(std::string_view s);
  std::optional<uint32_t> find(std::string_view s) const;
  const std::string& name(uint32_t id) const { return *names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<const std::string*> names_;  // keys of ids_ (stable addresses)
};

// The minutes of a group: usage is kept per quarter hour, the finest step of
// any time zone's offset, so every zone's days are whole groups.
inline constexpr int64_t kBucketMs = 15 * 60 * 1000;

struct QueryScratch;  // cube_query_internal.hpp

class UsageCube {
 public:
  // Prices every fact with `pricer` (the builtin book when none is given).
  explicit UsageCube(std::shared_ptr<const Pricer> pricer = nullptr);
  ~UsageCube();
  UsageCube(UsageCube&&) noexcept;
  UsageCube& operator=(UsageCube&&) noexcept;

  // Folds a record in (sign +1) or out (-1, with exactly the values it was
  // folded in with: a replaced record's old version).
  void add(const UsageFact& f, int sign = 1);
  // A group summed elsewhere (an analytics store), folded in like the
  // records it sums, except their tool calls: its turn gets no files and its
  // session no edits or commits, so reports that split by file need add(),
  // and reports that link outcomes set_session() too.
  void add_group(const GroupFact& g);
  // A session as all of its records tell it (SessionFact), replacing what
  // the groups added so far told: after the last add_group(), a cube of
  // groups links sessions to commits as one of records does. A session no
  // group names (filtered out) still links.
  void set_session(const SessionFact& s);
  // Only the files of the record's turn: a record just outside a report's
  // range still tells which files its turn changed.
  void add_turn_files(const UsageFact& f);
  // Puts each session's groups next to each other, sessions in the order
  // they were first seen (a group's place otherwise is when its first
  // record arrived, every session's interleaved): a report reads a session's
  // groups one after another, so they stream from memory instead of each
  // being a cache miss. Called once the cube is built; groups added later go
  // at the end as before. Nothing a report answers changes.
  void compact();
  // Whether the groups added since the last compact() are a tenth of all,
  // and there are at least `min_groups`: a collector that runs for months
  // compacts again, so recent sessions' groups lie together too.
  bool compaction_due(size_t min_groups = 100'000) const {
    return groups_.size() >= min_groups &&
           (groups_.size() - compacted_groups_) * 10 >= groups_.size();
  }

  // The report over the groups whose quarter hour starts in [since, until).
  // answers() is false when a bound is not on a quarter hour: such a report
  // needs the raw records (build_report).
  static bool answers(const ReportQuery& q);
  // How the tree is aggregated: hashing each share into its nodes (few
  // nodes), or sorting the shares by path and sweeping them (many nodes; a
  // big report is swept on two threads, kSortTwoThreads even a small one).
  // kAuto picks; all give the same report.
  enum class Strategy { kAuto, kHash, kSort, kSortTwoThreads };
  // Fails only when the tree has more nodes than q.max_nodes (after --top).
  // `commits` is needed when the query uses the commit or pr dimension.
  Result<Report> query(const ReportQuery& q, const EpicMap& epics,
                       Strategy strategy = Strategy::kAuto,
                       const CommitAttribution* commits = nullptr) const;

  // What session-commit linking needs of the sessions with usage active in
  // [from_ms, to_ms] (the first request at or before to_ms, the last at or
  // after from_ms), and of every session that reported a commit (an exact
  // link ignores time). By default every session with usage.
  std::vector<SessionActivity> session_activity(int64_t from_ms = INT64_MIN,
                                                int64_t to_ms = INT64_MAX) const;
  // The authors of the sessions with usage, each once, in session order.
  std::vector<std::string> session_authors() const;

  // Seats (seat_charges.hpp): a report's effective cost spreads each seat's
  // monthly charge over its holder's usage of its assistant that month, by
  // list cost; usage no seat covers keeps its organisation cost. No seats:
  // the effective cost is the organisation's.
  void set_seats(SeatContext seats);
  const SeatContext& seats() const { return seats_; }
  // The seat months overlapping [since_ms, until_ms) (UTC months) whose
  // charge found no priced usage to spread over, by seat then month; those
  // of the authors and assistants `where` names (none under a filter on
  // another dimension: an idle seat has no repository, model, task...).
  std::vector<IdleSeat> idle_seats(int64_t since_ms, int64_t until_ms,
                                   const std::vector<Filter>& where = {}) const;

  // The people directory (people_timeline.hpp) answering the person, team,
  // group, org and level dimensions at query time, from each group's author
  // and UTC day: changing it re-groups every later report, nothing is
  // re-folded. None: every record is "(no person)", "(no team)"...
  void set_people(std::shared_ptr<const PeopleTimeline> people) { people_ = std::move(people); }
  const PeopleTimeline* people() const { return people_.get(); }

  const Pricer& pricer() const { return *pricer_; }
  size_t group_count() const { return groups_.size(); }
  size_t turn_count() const { return turns_.size(); }
  int64_t record_count() const { return records_; }
  // Records no price covers (at their time), and their distinct models.
  int64_t unpriced_count() const { return unpriced_records_; }
  size_t unpriced_model_count() const { return unpriced_by_model_.size(); }
  size_t memory_bytes() const;
  // The working memory the last query left for the next one to reuse.
  size_t scratch_bytes() const;

 private:
  friend class CubeQuery;
  struct Group {
    int64_t bucket = 0;
    uint32_t turn = 0, author = 0, session = 0, model = 0, repo = 0, branch = 0, tasks = 0;
    // Few distinct values: 16 bits keep the group's key in 40 bytes.
    uint16_t assistant = 0;
    // Part of the key: a group's records are all priced or all unpriced, so
    // a share of a group is wholly one or the other.
    bool priced = true;
    int64_t input = 0, output = 0, cache_create = 0, cache_read = 0;
    int64_t cost_nanos = 0, list_cost_nanos = 0;  // at organisation rates, at list prices
    // Counts of one turn's quarter hour: 32 bits keep the group at 104 bytes.
    int32_t records = 0, unpriced = 0;  // unpriced: records when !priced, else 0
    int32_t skills = 0, mcp = 0;        // tool calls
  };
  static_assert(sizeof(Group) == 104);
  struct Turn {
    std::vector<TurnFile> files;  // attribution.hpp
  };

  uint32_t turn_of(std::string_view author, std::string_view turn_id, int64_t record_id);
  uint32_t turn_of(const UsageFact& f) { return turn_of(f.author, f.turn_id, f.record_id); }
  uint32_t author_of(std::string_view author);
  uint32_t author_of(const UsageFact& f) { return author_of(f.author); }
  uint16_t assistant_of(std::string_view assistant);
  uint32_t tasks_of(std::string_view task_keys);
  // Adds a fold's sums to group `gid` (sign -1 subtracts); a sum leaving the
  // int64 range saturates and marks the cube.
  void fold_sums(uint32_t gid, int sign, int64_t input, int64_t output, int64_t cache_create,
                 int64_t cache_read, int64_t cost, int64_t list_cost);
  struct SessionInfo;
  // The turn's files, and the session's edited files when `session` is
  // given; true when a tool changed a file.
  bool fold_tools(uint32_t turn, const std::vector<ToolUse>& tools, int sign,
                  SessionInfo* session = nullptr);
  SessionInfo& session_info(uint32_t session);
  void fold_session(SessionInfo& s, const UsageFact& f, const Group& key, int sign, bool edited);
  // The session's times, and its records of the group's model and assistant.
  void fold_session_use(SessionInfo& s, int64_t first_ms, int64_t last_ms, const Group& key,
                        int32_t records);
  uint32_t group_of(const Group& key);
  size_t group_hash(const Group& g) const;
  static bool same_key(const Group& a, const Group& b);
  void grow_index();

  uint16_t assistant_of(const UsageFact& f) { return assistant_of(f.assistant); }
  // Effective cost per group (cube_effective.cpp): computed before a query
  // when seats are set and the cube changed since.
  void refresh_effective() const;
  int64_t effective_of(uint32_t gid) const {
    return effective_.empty() ? groups_[gid].cost_nanos : effective_[gid];
  }
  Dictionary authors_, sessions_, models_, repos_, branches_, task_sets_, tasks_, files_,
      assistants_;
  std::vector<std::vector<uint32_t>> task_set_tasks_;  // task set id -> task ids
  uint32_t no_file_ = 0;
  std::unordered_map<uint64_t, uint32_t> turn_ids_;  // 64-bit hash of (author, turn) -> turn
  std::vector<uint64_t> turn_hashes_;                // turn -> that hash
  std::vector<Turn> turns_;
  std::vector<Group> groups_;
  std::vector<uint32_t> index_;  // open addressing over groups_; kEmpty when free
  // Groups by session, in the order they were made (a session's time
  // order), with the quarter hours each session spans: a report walks
  // session by session, so each node meets a session's usage in one run and
  // counts distinct sessions without a set.
  struct SessionGroups {
    std::vector<uint32_t> groups;
    int64_t first_bucket = INT64_MAX, last_bucket = INT64_MIN;
  };
  std::vector<SessionGroups> by_session_;
  // By session id: what linking sessions to commits needs. Times only grow (a
  // replaced record comes back with its time); file edits are counted.
  struct SessionInfo {
    int64_t first_ms = INT64_MAX, last_ms = INT64_MIN;
    int64_t first_edit_ms = INT64_MAX, last_edit_ms = INT64_MIN;
    uint32_t author = 0, repo = 0, branch = 0;
    int64_t latest_ms = INT64_MIN;  // of the record that set author, repo and branch
    std::vector<std::pair<uint32_t, int32_t>> edited;  // file id, change calls
    std::vector<std::string> commit_shas;
    // Its records by model and assistant (session_activity names those
    // with records, without reading the session's groups).
    struct Uses {
      uint32_t model = 0;
      uint16_t assistant = 0;
      int32_t records = 0;
    };
    std::vector<Uses> uses;
  };
  std::vector<SessionInfo> session_info_;
  size_t compacted_groups_ = 0;  // groups_.size() at the last compact()
  int64_t min_bucket_ = INT64_MAX, max_bucket_ = INT64_MIN;
  // The working memory of the last query, for the next (queries run on one
  // thread at a time, like add()).
  mutable std::unique_ptr<QueryScratch> scratch_;
  int64_t records_ = 0;
  // A group's sum passed the int64 range (saturated, not wrapped): every
  // query fails from then on rather than show a wrong total.
  bool overflow_ = false;
  int64_t unpriced_records_ = 0;
  std::unordered_map<uint32_t, int64_t> unpriced_by_model_;  // model id -> unpriced records
  std::shared_ptr<const Pricer> pricer_;
  SeatContext seats_;
  std::shared_ptr<const PeopleTimeline> people_;
  mutable std::vector<int64_t> effective_;  // by group; empty: no seats
  mutable bool effective_stale_ = true;
  // seat_key -> the list cost its charges were spread over (0: idle).
  mutable std::map<std::string, int64_t, std::less<>> seat_list_;
};

// `seats` less those whose holder is outside q.scope on the month's first
// day; under a privacy floor (q.min_group_size > 1) each holder is shown as
// "(others)" (access_scope.hpp).
std::vector<IdleSeat> scoped_idle_seats(std::vector<IdleSeat> seats, const ReportQuery& q,
                                        const PeopleTimeline* people);

}  // namespace codepulse::report
