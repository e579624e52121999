// Outcomes into a report (docs/METRICS.md): sessions are linked to commits,
// commits to pull requests; the cube splits spend over the links, and each
// commit and pull request adds its outcomes to every node its dimension
// values lead to, once per node.
#include "common/report/outcome_report.hpp"

#include <algorithm>
#include <unordered_map>

#include "common/ascii.hpp"
#include "common/checked_sum.hpp"
#include "common/report/attribution.hpp"
#include "common/report/outcome_overlay.hpp"
#include "common/report/privacy_floor.hpp"
#include "common/report/report_cut.hpp"

namespace codepulse::report {
namespace {

constexpr const char* kNoSession = "(no session)";

}  // namespace

bool is_merge_commit(const CommitRecord& c) {
  return c.parents.size() > 1 || ascii_lower(c.committer_email) == "noreply@github.com";
}

namespace {

// The report of the query as asked, within its scope (no privacy floor).
Result<Report> query_exact(const UsageCube& cube, const ReportQuery& q, const EpicMap& epics,
                           const OutcomeReader& read_outcomes, std::optional<TimeRange> range,
                           const LinkWindows& windows) {
  if (!q.wants_outcomes()) return cube.query(q, epics);
  const int64_t since = range ? range->since_ms : q.since_ms.value_or(INT64_MIN);
  const int64_t until = range ? range->until_ms : q.until_ms.value_or(INT64_MAX);
  // Commits a little after the range may still be linked to its sessions.
  const int64_t margin = std::max(windows.strong_ms, windows.weak_ms);
  OutcomeData data;
  if (read_outcomes) {
    auto loaded = read_outcomes(since, until < INT64_MAX - margin ? until + margin : until);
    if (!loaded) return loaded.error();
    data = std::move(loaded).value();
  }
  const std::vector<CommitRecord>& commits = data.commits.commits;
  const std::vector<PullRequestFact>& prs = data.pull_requests;

  // Links, then the attribution the cube splits spend by.
  // Only sessions that can link to a commit read (committed in [since,
  // until + margin)): a session links by time to commits from its start
  // to `margin` after its end, and by a reported SHA at any time.
  const std::vector<SessionActivity> sessions =
      cube.session_activity(since > INT64_MIN + margin ? since - margin : INT64_MIN,
                            until < INT64_MAX - margin ? until + margin : INT64_MAX);
  const std::vector<SessionCommitLink> links = link_sessions(sessions, commits, q.links, windows);
  const auto pr_of = commit_prs(commits, prs);
  const CommitAttribution attribution = attribute_commits(sessions, commits, links, prs, pr_of);
  std::vector<std::vector<size_t>> sessions_of_commit(commits.size());
  for (const SessionCommitLink& l : links)
    sessions_of_commit[l.commit].push_back(l.session);

  ReportQuery whole = q;  // cut and counted after the outcomes are in
  whole.top = 0;
  whole.max_nodes = 0;
  auto report = cube.query(whole, epics, UsageCube::Strategy::kAuto, &attribution);
  if (!report) return report.error();

  auto epics_of = [&epics](const Values& tasks) {
    Values out;
    for (const std::string& t : tasks)
      add_unique(out, std::string(epic_of(epics, t)));
    return out;
  };
  auto date_of = [&q](int64_t ms) { return date_key_at(ms, q.tz, q.granularity); };
  // Git emails are compared without case: a commit's author is shown as the
  // collector knows the person (a token's author), else in lower case.
  std::unordered_map<std::string, std::string> known_authors;
  for (const std::string& author : cube.session_authors())
    known_authors.emplace(ascii_lower(author), author);
  auto author_of = [&known_authors](const std::string& email) -> std::string {
    if (email.empty()) return kUnknownAuthor;
    std::string low = ascii_lower(email);
    auto it = known_authors.find(low);
    return it != known_authors.end() ? it->second : low;
  };

  // The people dimensions of an author (an email, or a login for a pull
  // request without one) on the UTC day of `ms`.
  const PeopleTimeline empty_people;
  const PeopleTimeline& people = cube.people() ? *cube.people() : empty_people;
  auto people_of = [&people](std::vector<Values>& v, const std::string& author, int64_t ms) {
    const int64_t day = (ms >= 0 ? ms : ms - 86'399'999) / 86'400'000;
    for (Dimension d : {Dimension::kPerson, Dimension::kTeam, Dimension::kGroup, Dimension::kOrg,
                        Dimension::kLevel})
      v[static_cast<size_t>(d)] = {people.key(d, author, day)};
  };

  // The caller's scope: commits and pull requests of people outside it
  // never enter (their authors on the day they were made or merged).
  const ScopeMatcher scope(q.scope, cube.people());
  Overlay overlay(q);
  bool overflow = false;  // a checked sum saturated
  // Commits of the range.
  // Rework done to a commit, by its sha (views into `data`); the repository
  // is compared at each commit.
  std::unordered_map<std::string_view, std::vector<const ReworkFact*>> rework_of;
  for (const ReworkFact& r : data.commits.rework_of_commits)
    rework_of[r.original_sha].push_back(&r);
  std::vector<const ReworkFact*> rw;                     // the commit's own
  std::vector<int64_t> pr_commits_first(prs.size(), 0);  // earliest author time of its commits
  std::vector<Values> pr_commit_keys(prs.size()), pr_sessions(prs.size()), pr_models(prs.size()),
      pr_assistants(prs.size());
  for (size_t i = 0; i < commits.size(); ++i) {
    const CommitRecord& c = commits[i];
    auto pr = pr_of.find(c.sha);
    Values linked_sessions, linked_models, linked_assistants;
    for (size_t s : sessions_of_commit[i]) {
      add_unique(linked_sessions, sessions[s].session);
      for (const std::string& m : sessions[s].models)
        add_unique(linked_models, m);
      for (const std::string& a : sessions[s].assistants)
        add_unique(linked_assistants, a);
    }
    if (pr != pr_of.end()) {
      const size_t p = pr->second;
      add_unique(pr_commit_keys[p], commit_key(c.sha));
      for (const std::string& s : linked_sessions)
        add_unique(pr_sessions[p], s);
      for (const std::string& m : linked_models)
        add_unique(pr_models[p], m);
      for (const std::string& a : linked_assistants)
        add_unique(pr_assistants[p], a);
      if (c.author_ms > 0 && (pr_commits_first[p] == 0 || c.author_ms < pr_commits_first[p]))
        pr_commits_first[p] = c.author_ms;
    }
    if (c.committer_ms < since || c.committer_ms >= until) continue;
    if (!scope.allows(c.author_email, utc_day_of(c.committer_ms))) continue;
    const bool pushed_only = i < data.commits.pushed_only.size() && data.commits.pushed_only[i];
    const bool merge = is_merge_commit(c) ||
                       (i < data.commits.pushed_merge.size() && data.commits.pushed_merge[i]);
    if (!q.count_merge_commits && merge) continue;
    std::vector<Values> v(kDimensionCount);
    const Values tasks = attributed_tasks(c.task_keys);
    v[static_cast<size_t>(Dimension::kModel)] = or_default(linked_models, kNoSession);
    v[static_cast<size_t>(Dimension::kAssistant)] = or_default(linked_assistants, kNoSession);
    v[static_cast<size_t>(Dimension::kRepo)] = {c.repo};
    for (const CommitFile& f : c.files)
      add_unique(v[static_cast<size_t>(Dimension::kFile)], f.path);
    // A merge commit counted changed no file of its own: under no file at all.
    if (!merge)
      v[static_cast<size_t>(Dimension::kFile)] =
          or_default(std::move(v[static_cast<size_t>(Dimension::kFile)]), kNoFile);
    v[static_cast<size_t>(Dimension::kAuthor)] = {author_of(c.author_email)};
    v[static_cast<size_t>(Dimension::kTask)] = tasks;
    v[static_cast<size_t>(Dimension::kEpic)] = epics_of(tasks);
    v[static_cast<size_t>(Dimension::kDate)] = {date_of(c.committer_ms)};
    v[static_cast<size_t>(Dimension::kSession)] = or_default(linked_sessions, kNoSession);
    v[static_cast<size_t>(Dimension::kBranch)] = {c.branch.empty() ? kNoBranch : c.branch};
    v[static_cast<size_t>(Dimension::kCommit)] = {commit_key(c.sha)};
    v[static_cast<size_t>(Dimension::kPr)] = {pr != pr_of.end() ? pr_key(prs[pr->second])
                                                                : std::string(kNoPr)};
    people_of(v, c.author_email, c.committer_ms);
    const bool ai = c.ai_coauthor || !sessions_of_commit[i].empty();
    const bool ai_unknown = pushed_only && !ai;
    rw.clear();
    if (auto it = rework_of.find(c.sha); it != rework_of.end())
      for (const ReworkFact* r : it->second)
        if (r->repo == c.repo) rw.push_back(r);
    overlay.add(std::move(v), [&](Outcomes& o, const std::string* file) {
      // Checked sums: a total past the int64 range fails the report (below).
      int64_t added = 0, removed = 0, reworked = 0, refactoring = 0, scored = 0, ai_lines = 0;
      bool ok = true;
      for (const CommitFile& f : c.files)
        if (!file || f.path == *file) {
          ok &= add_checked(added, f.added);
          ok &= add_checked(removed, f.removed);
          ok &= add_checked(scored, f.lines_added);
          ok &= add_checked(ai_lines, f.ai_lines_added);
        }
      for (const ReworkFact* r : rw)
        if (!file || r->path == *file) ok &= add_checked(reworked, r->lines);
      for (const ReworkedLines& r : c.reworked)
        if (!file || r.path == *file) ok &= add_checked(refactoring, r.lines);
      o.commits += 1;
      ok &= add_checked(o.lines_added, added);
      ok &= add_checked(o.lines_removed, removed);
      ok &= add_checked(o.reworked_lines, reworked);
      ok &= add_checked(o.refactoring_lines, refactoring);
      ok &= add_checked(o.scored_lines_added, scored);
      ok &= add_checked(o.ai_written_lines, ai_lines);
      if (c.on_default_branch) ok &= add_checked(o.accepted_ai_lines, ai_lines);
      if (ai_unknown) o.ai_unknown_commits += 1;
      // Survival, per mark, over the files measured at it; duplication.
      for (const CommitFile& f : c.files) {
        if (file && f.path != *file) continue;
        const std::pair<int64_t, int64_t> marks[] = {{f.lines_alive_21d, f.ai_lines_alive_21d},
                                                     {f.lines_alive_90d, f.ai_lines_alive_90d}};
        for (size_t m = 0; m < 2; ++m) {
          const auto [alive, ai_alive] = marks[m];
          if (alive < 0 || f.lines_added <= 0) continue;
          ok &= add_checked(o.ai_lines_measured[m], f.ai_lines_added);
          ok &= add_checked(o.ai_lines_alive[m], ai_alive);
          ok &= add_checked(o.other_lines_measured[m], f.lines_added - f.ai_lines_added);
          ok &= add_checked(o.other_lines_alive[m], alive - ai_alive);
        }
        ok &= add_checked(o.ai_blocks, f.ai_blocks);
        ok &= add_checked(o.ai_blocks_repeated, f.ai_blocks_repeated);
        ok &= add_checked(o.other_blocks, f.other_blocks);
        ok &= add_checked(o.other_blocks_repeated, f.other_blocks_repeated);
      }
      // Rework at line level, for a scored commit whose every reworked
      // entry was told at line level.
      if (scored > 0) {
        int64_t line_ai = 0, line_other = 0;
        bool told = true;
        for (const ReworkFact* r : rw) {
          if (file && r->path != *file) continue;
          if (r->ai_lines < 0) {
            told = false;
            break;
          }
          ok &= add_checked(line_ai, r->ai_lines);
          ok &= add_checked(line_other, r->lines - r->ai_lines);
        }
        if (told) {
          ok &= add_checked(o.line_rework_ai_base, ai_lines);
          ok &= add_checked(o.line_rework_other_base, scored - ai_lines);
          ok &= add_checked(o.line_reworked_ai, line_ai);
          ok &= add_checked(o.line_reworked_other, line_other);
        }
      }
      if (ai) {
        o.ai_commits += 1;
        ok &= add_checked(o.ai_lines_added, added);
        ok &= add_checked(o.ai_reworked_lines, reworked);
      }
      if (!ok) overflow = true;
    });
  }
  // Pull requests: merged in the range, or opened in it and not merged.
  for (size_t p = 0; p < prs.size(); ++p) {
    const PullRequestFact& pr = prs[p];
    const bool merged = pr.state == PullRequestFact::State::kMerged && pr.merged_ms > 0;
    const int64_t when = merged ? pr.merged_ms : pr.opened_ms;
    if (when <= 0 || when < since || when >= until) continue;
    if (!scope.allows(!pr.author_email.empty() ? pr.author_email : pr.author, utc_day_of(when)))
      continue;
    int64_t first_commit = pr.first_commit_ms;
    const int64_t tracked = pr_commits_first[p];
    if (tracked > 0 && (first_commit <= 0 || tracked < first_commit)) first_commit = tracked;
    std::vector<Values> v(kDimensionCount);
    const Values tasks = attributed_tasks(pr.task_keys);
    v[static_cast<size_t>(Dimension::kModel)] = or_default(pr_models[p], kNoSession);
    v[static_cast<size_t>(Dimension::kAssistant)] = or_default(pr_assistants[p], kNoSession);
    v[static_cast<size_t>(Dimension::kRepo)] = {pr.repo};
    v[static_cast<size_t>(Dimension::kFile)] = {kNoFile};
    v[static_cast<size_t>(Dimension::kAuthor)] = {
        !pr.author_email.empty() ? author_of(pr.author_email)
                                 : (pr.author.empty() ? kUnknownAuthor : pr.author)};
    v[static_cast<size_t>(Dimension::kTask)] = tasks;
    v[static_cast<size_t>(Dimension::kEpic)] = epics_of(tasks);
    v[static_cast<size_t>(Dimension::kDate)] = {date_of(when)};
    v[static_cast<size_t>(Dimension::kSession)] = or_default(pr_sessions[p], kNoSession);
    v[static_cast<size_t>(Dimension::kBranch)] = {pr.head_branch.empty() ? kNoBranch
                                                                         : pr.head_branch};
    v[static_cast<size_t>(Dimension::kCommit)] = or_default(pr_commit_keys[p], kNoCommit);
    v[static_cast<size_t>(Dimension::kPr)] = {pr_key(pr)};
    people_of(v, !pr.author_email.empty() ? pr.author_email : pr.author, when);
    const int64_t opened = pr.opened_ms;
    const int64_t ready = pr.ready_ms > 0 ? pr.ready_ms : opened;
    const bool coded = first_commit > 0 && first_commit <= opened;
    const int64_t start = coded ? first_commit : opened;
    const bool reviewed = pr.first_review_ms > 0 && (!merged || pr.first_review_ms <= pr.merged_ms);
    overlay.add(std::move(v), [&](Outcomes& o, const std::string*) {
      o.prs += 1;
      if (!merged) return;
      o.merged_prs += 1;
      o.cycle_ms.push_back(pr.merged_ms - start);
      if (coded) o.coding_ms.push_back(opened - first_commit);
      if (reviewed) {
        o.pickup_ms.push_back(std::max<int64_t>(0, pr.first_review_ms - ready));
        o.review_ms.push_back(pr.merged_ms - pr.first_review_ms);
      }
    });
  }
  if (overflow)
    return make_error(
        "a line total of this report passes the 64-bit range and cannot be shown exactly; "
        "report a shorter range or fewer repositories");
  graft(report->root, overlay.tree(), 0);
  if (q.top > 0) cut_top(report->root, q);
  if (q.max_nodes > 0) {
    const size_t n = count_nodes(report->root);
    if (n > q.max_nodes) return too_many_nodes(n, q.max_nodes);
  }
  report->query = q;
  return report;
}

}  // namespace

Result<Report> query_cube(const UsageCube& cube, const ReportQuery& q, const EpicMap& epics,
                          const OutcomeReader& read_outcomes, std::optional<TimeRange> range,
                          const LinkWindows& windows) {
  if (q.min_group_size <= 1) return query_exact(cube, q, epics, read_outcomes, range, windows);
  // The privacy floor counts each row's people on a hidden author level,
  // then cuts and counts the floored tree as asked.
  ReportQuery inner = q;
  inner.group_by.push_back(Dimension::kAuthor);
  inner.top = 0;
  inner.max_nodes = 0;
  inner.min_group_size = 0;
  auto r = query_exact(cube, inner, epics, read_outcomes, range, windows);
  if (!r) return r.error();
  if (auto s = apply_privacy_floor(r->root, q.group_by.size(), q.min_group_size, cube.people(),
                                   !q.where.empty());
      !s)
    return s.error();
  if (q.top > 0) cut_top(r->root, q);
  if (q.max_nodes > 0) {
    const size_t n = count_nodes(r->root);
    if (n > q.max_nodes) return too_many_nodes(n, q.max_nodes);
  }
  r->query = q;
  r->idle_seats = scoped_idle_seats(std::move(r->idle_seats), q, cube.people());
  return r;
}

}  // namespace codepulse::report
