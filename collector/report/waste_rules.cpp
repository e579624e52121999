// The waste ledger's rules, each over the records of a session (or a turn)
// in time order: no commit, tool-error loops, repeated reads, abandoned
// turns, reworked lines (docs/WASTE.md).
#include "collector/report/waste_rules.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_map>

namespace codepulse::collector {

using report::UsageFact;

const char* waste_rule_name(WasteRule r) {
  switch (r) {
    case WasteRule::kNoCommit:
      return "no_commit";
    case WasteRule::kErrorLoop:
      return "error_loop";
    case WasteRule::kRepeatedRead:
      return "repeated_read";
    case WasteRule::kAbandoned:
      return "abandoned";
    case WasteRule::kRework:
      return "rework";
  }
  return "";
}

const char* waste_rule_definition(WasteRule r) {
  switch (r) {
    case WasteRule::kNoCommit:
      return "the whole spend of sessions linked to no commit committed within N days of the "
             "session's last request";
    case WasteRule::kErrorLoop:
      return "requests' shares for the calls of a tool that failed at least K times in a row "
             "within a turn (no successful call of that tool in between)";
    case WasteRule::kRepeatedRead:
      return "requests' shares for Read calls of a path the session already read, with no "
             "change to it in between";
    case WasteRule::kAbandoned:
      return "the spend of a session's last turn when its last request asked for tool calls "
             "(no final answer) and no request followed within the idle time";
    case WasteRule::kRework:
      return "a session's spend times the share of its linked commits' added lines that later "
             "commits reworked within the rework window";
  }
  return "";
}

namespace {

constexpr size_t idx(WasteRule r) {
  return static_cast<size_t>(r);
}

// Record indexes of each session, in time order (then record id).
std::map<std::string, std::vector<size_t>> by_session(const std::vector<UsageFact>& facts) {
  std::map<std::string, std::vector<size_t>> out;
  for (size_t i = 0; i < facts.size(); ++i)
    if (!facts[i].session.empty()) out[facts[i].session].push_back(i);
  for (auto& [session, list] : out)
    std::sort(list.begin(), list.end(), [&](size_t a, size_t b) {
      if (facts[a].ts_ms != facts[b].ts_ms) return facts[a].ts_ms < facts[b].ts_ms;
      return facts[a].record_id < facts[b].record_id;
    });
  return out;
}

// Sets `rule` on record `i` for the calls `calls` of its tools.
void charge_calls(std::vector<WasteFlags>& out, const std::vector<UsageFact>& facts, size_t i,
                  WasteRule rule, std::vector<size_t> calls) {
  if (calls.empty()) return;
  std::sort(calls.begin(), calls.end());
  calls.erase(std::unique(calls.begin(), calls.end()), calls.end());
  WasteShare s;
  s.num = static_cast<int64_t>(calls.size());
  s.den = static_cast<int64_t>(facts[i].tools.size());
  s.tools = std::move(calls);
  out[i][idx(rule)] = std::move(s);
}

// (b) Per turn and tool name: a streak of failed calls, broken by a
// successful call of the same tool; streaks of at least K calls are loops.
void error_loops(const std::vector<UsageFact>& facts, const std::vector<size_t>& session, int64_t k,
                 std::vector<WasteFlags>& out) {
  using Call = std::pair<size_t, size_t>;                                    // record, tool
  std::map<std::pair<std::string, std::string>, std::vector<Call>> streaks;  // (turn, tool)
  std::map<size_t, std::vector<size_t>> charged;
  auto close = [&](std::vector<Call>& streak) {
    if (static_cast<int64_t>(streak.size()) >= k)
      for (const Call& c : streak)
        charged[c.first].push_back(c.second);
    streak.clear();
  };
  for (size_t i : session) {
    const UsageFact& f = facts[i];
    const std::string turn = f.turn_id.empty() ? "#" + std::to_string(f.record_id) : f.turn_id;
    for (size_t t = 0; t < f.tools.size(); ++t) {
      std::vector<Call>& streak = streaks[{turn, f.tools[t].name}];
      if (f.tools[t].error)
        streak.emplace_back(i, t);
      else
        close(streak);
    }
  }
  for (auto& entry : streaks)
    close(entry.second);
  for (auto& [i, calls] : charged)
    charge_calls(out, facts, i, WasteRule::kErrorLoop, std::move(calls));
}

// (c) A Read of a path the session read before, with no change to the path
// in between.
void repeated_reads(const std::vector<UsageFact>& facts, const std::vector<size_t>& session,
                    std::vector<WasteFlags>& out) {
  std::set<std::string> read;
  for (size_t i : session) {
    std::vector<size_t> calls;
    const UsageFact& f = facts[i];
    for (size_t t = 0; t < f.tools.size(); ++t) {
      const ToolUse& tool = f.tools[t];
      if (!tool.action || tool.path.empty()) continue;
      if (*tool.action == FileAction::kChange) {
        read.erase(tool.path);
      } else if (!read.insert(tool.path).second) {
        calls.push_back(t);
      }
    }
    charge_calls(out, facts, i, WasteRule::kRepeatedRead, std::move(calls));
  }
}

// (d) The session's last request asked for tool calls and nothing followed.
void abandoned_turn(const std::vector<UsageFact>& facts, const std::vector<size_t>& session,
                    int64_t idle_ms, int64_t now_ms, std::vector<WasteFlags>& out) {
  const UsageFact& last = facts[session.back()];
  if (last.tools.empty() || now_ms - last.ts_ms < idle_ms) return;
  for (size_t i : session) {
    const UsageFact& f = facts[i];
    const bool same_turn = last.turn_id.empty() ? i == session.back() : f.turn_id == last.turn_id;
    if (same_turn) out[i][idx(WasteRule::kAbandoned)] = WasteShare{};
  }
}

// Lines each commit added (text files) and lines of it later reworked.
struct CommitLines {
  int64_t added = 0, reworked = 0;
};

std::unordered_map<std::string, CommitLines> commit_lines(const report::CommitFacts& c) {
  std::unordered_map<std::string, CommitLines> out;
  for (const CommitRecord& commit : c.commits) {
    CommitLines& l = out[commit.repo + "@" + commit.sha];
    for (const CommitFile& file : commit.files)
      if (!file.binary) l.added += file.added;
  }
  for (const report::ReworkFact& r : c.rework_of_commits) {
    auto it = out.find(r.repo + "@" + r.original_sha);
    if (it != out.end()) it->second.reworked += r.lines;
  }
  return out;
}

}  // namespace

std::vector<WasteFlags> waste_flags(const std::vector<UsageFact>& facts,
                                    const report::CommitFacts& commits, const WasteOptions& o,
                                    int64_t now_ms) {
  std::vector<WasteFlags> out(facts.size());
  const auto sessions = by_session(facts);
  for (const auto& [id, session] : sessions) {
    error_loops(facts, session, std::max<int64_t>(1, o.error_loop_errors), out);
    repeated_reads(facts, session, out);
    abandoned_turn(facts, session, o.abandon_idle_ms, now_ms, out);
  }

  // (a) and (e): the sessions' links to commits.
  report::UsageCube cube;
  for (const UsageFact& f : facts)
    cube.add(f);
  const std::vector<report::SessionActivity> activity = cube.session_activity();
  const auto links = report::link_sessions(activity, commits.commits, o.links, o.windows);
  const auto lines = commit_lines(commits);
  const int64_t wait_ms = o.no_commit_days * 86'400'000;
  for (size_t s = 0; s < activity.size(); ++s) {
    const report::SessionActivity& a = activity[s];
    auto found = sessions.find(a.session);
    if (found == sessions.end()) continue;
    CommitLines sum;
    bool linked = false;
    for (const report::SessionCommitLink& l : links) {
      if (l.session != s) continue;
      const CommitRecord& c = commits.commits[l.commit];
      if (c.committer_ms > a.last_ms + wait_ms) continue;
      linked = true;
      auto it = lines.find(c.repo + "@" + c.sha);
      if (it == lines.end()) continue;
      sum.added += it->second.added;
      sum.reworked += it->second.reworked;
    }
    if (!linked && now_ms - a.last_ms >= wait_ms) {
      for (size_t i : found->second)
        out[i][idx(WasteRule::kNoCommit)] = WasteShare{};
    }
    if (linked && sum.added > 0 && sum.reworked > 0) {
      const WasteShare share{std::min(sum.reworked, sum.added), sum.added, {}};
      for (size_t i : found->second)
        out[i][idx(WasteRule::kRework)] = share;
    }
  }
  return out;
}

std::optional<WasteShare> largest_share(const WasteFlags& flags) {
  std::optional<WasteShare> best;
  for (const auto& s : flags) {
    if (!s) continue;
    // a/b > c/d  <=>  a*d > c*b (shares are at most a few thousand calls or lines).
    if (!best || static_cast<long double>(s->num) * static_cast<long double>(best->den) >
                     static_cast<long double>(best->num) * static_cast<long double>(s->den))
      best = s;
  }
  return best;
}

namespace {

// floor(v * num / den) without overflow for 0 <= num <= den.
int64_t scale(int64_t v, int64_t num, int64_t den) {
  if (den <= 0 || num >= den) return v;
  return v / den * num + (v % den) * num / den;
}

}  // namespace

UsageFact scaled_fact(const UsageFact& f, const WasteShare& s) {
  UsageFact out = f;
  out.input = scale(f.input, s.num, s.den);
  out.output = scale(f.output, s.num, s.den);
  out.cache_create = scale(f.cache_create, s.num, s.den);
  out.cache_create_1h = scale(f.cache_create_1h, s.num, s.den);
  out.cache_read = scale(f.cache_read, s.num, s.den);
  out.web_search = scale(f.web_search, s.num, s.den);
  out.web_fetch = scale(f.web_fetch, s.num, s.den);
  if (!s.tools.empty()) {
    out.tools.clear();
    for (size_t t : s.tools)
      if (t < f.tools.size()) out.tools.push_back(f.tools[t]);
  }
  return out;
}

}  // namespace codepulse::collector
