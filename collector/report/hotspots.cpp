// Hotspots from the commits' counts (hotspots.hpp, docs/HOTSPOTS.md).
#include "collector/report/hotspots.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>

#include "collector/report/store_report.hpp"
#include "common/ascii.hpp"
#include "common/json_writer.hpp"
#include "common/report/output_sinks.hpp"
#include "common/report/people_timeline.hpp"
#include "common/report/privacy_floor.hpp"
#include "common/text_controls.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr int64_t kDayMs = 86'400'000;

std::string underscored(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (c == '-') c = '_';
  return out;
}

struct Tally {
  Hotspot h;
  std::set<std::string> authors;
};

std::string money(int64_t nanos) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(nanos) / 1e9);
  return buf;
}

std::string share(int64_t part, int64_t whole) {
  if (whole <= 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

// Whether `name` is a node of the directory (any case).
bool has_node(const report::PeopleTimeline& people, const std::string& name) {
  for (const auto& team : people.teams())
    for (const std::string& up : team.path)
      if (iequals(up, name)) return true;
  return false;
}

// Who an author is, for counting people: their person's key, else the email.
std::string people_key(const report::PeopleTimeline& people, std::string_view email) {
  const std::string_view trimmed = trim(email);
  if (const auto person = people.person_of(trimmed)) return "#" + std::to_string(*person);
  return ascii_lower(trimmed);
}

}  // namespace

std::vector<Hotspot> rank_hotspots(const report::CommitFacts& facts, int64_t since_ms,
                                   int64_t until_ms, const HotspotOptions& o,
                                   const FileSpend& spend, const CommitFilter& keep) {
  std::map<std::pair<std::string, std::string>, Tally> files;
  const int64_t recent_from = until_ms - o.recent_days * kDayMs;
  const auto counted = [&](const CommitRecord& c) {
    return c.committer_ms >= since_ms && c.committer_ms < until_ms && (!keep || keep(c));
  };
  for (const CommitRecord& c : facts.commits) {
    if (!counted(c)) continue;
    if (!o.repo.empty() && c.repo != o.repo) continue;
    if (c.parents.size() > 1) continue;
    for (const CommitFile& f : c.files) {
      Tally& t = files[{c.repo, f.path}];
      Hotspot& h = t.h;
      h.changes += 1;
      t.authors.insert(ascii_lower(trim(c.author_email)));
      h.lines_added += f.added;
      h.lines_removed += f.removed;
      h.scored_lines += f.lines_added;
      h.ai_lines += f.ai_lines_added;
      if (c.ai_coauthor || f.ai_lines_added > 0) h.ai_changes += 1;
      if (c.committer_ms >= recent_from && f.removed >= o.heavy_rewrite_lines)
        h.heavy_rewrites += 1;
      h.last_change_ms = std::max(h.last_change_ms, c.committer_ms);
    }
  }
  // Rework of the lines the range's commits added, by the file they were added in.
  std::set<std::pair<std::string, std::string>> in_range;  // (repo, sha)
  for (const CommitRecord& c : facts.commits)
    if (counted(c)) in_range.emplace(c.repo, c.sha);
  for (const report::ReworkFact& r : facts.rework_of_commits) {
    if (in_range.count({r.repo, r.original_sha}) == 0) continue;
    auto it = files.find({r.repo, r.path});
    if (it != files.end()) it->second.h.reworked_lines += r.lines;
  }
  std::vector<Hotspot> out;
  out.reserve(files.size());
  for (auto& [key, t] : files) {
    Hotspot h = std::move(t.h);
    h.repo = key.first;
    h.path = key.second;
    h.authors = static_cast<int64_t>(t.authors.size());
    h.score = h.changes + 2 * (h.authors - 1) + 5 * h.heavy_rewrites;
    if (auto s = spend.find(key); s != spend.end()) h.cost_nanos = s->second;
    out.push_back(std::move(h));
  }
  std::sort(out.begin(), out.end(), [](const Hotspot& a, const Hotspot& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.changes != b.changes) return a.changes > b.changes;
    const int64_t ca = a.lines_added + a.lines_removed, cb = b.lines_added + b.lines_removed;
    if (ca != cb) return ca > cb;
    return std::tie(a.repo, a.path) < std::tie(b.repo, b.path);
  });
  if (o.limit > 0 && out.size() > static_cast<size_t>(o.limit))
    out.resize(static_cast<size_t>(o.limit));
  return out;
}

Result<std::vector<Hotspot>> store_hotspots(Store& store, int64_t since_ms, int64_t until_ms,
                                            const HotspotOptions& o,
                                            const report::ReportAccess& access) {
  if (auto s = check_hotspot_options(o); !s) return s.error();
  // The filter is a scope (access_scope.hpp): the report's spend and the
  // commits are both cut by it, each on its own day.
  report::AccessScope filter;
  std::shared_ptr<const report::PeopleTimeline> people;
  if (!o.team.empty() || !o.person.empty()) {
    auto loaded = store_people(store);
    if (!loaded) return loaded.error();
    people = std::move(loaded).value();
    if (!o.team.empty()) {
      if (!has_node(*people, o.team))
        return make_error(std::string(kNoSuchNode) + ": '" + replace_control_characters(o.team) +
                          "' is no team, group or org of the people directory "
                          "(codepulse-collector people list shows them)");
      filter = report::AccessScope{report::AccessScope::Kind::kNode, "team", o.team};
    } else {
      if (access.min_group_size > 1)
        return make_error(std::string(report::kBelowFloor) +
                          ": the person filter leaves 1 person, fewer than this collector's "
                          "min_group_size (" +
                          std::to_string(access.min_group_size) + ")");
      filter = report::AccessScope{report::AccessScope::Kind::kSelf, "self", o.person};
    }
  }
  const report::ScopeMatcher matcher(filter, people.get());
  CommitFilter keep;
  if (!filter.whole())
    keep = [&matcher](const CommitRecord& c) {
      return matcher.allows(trim(c.author_email), report::utc_day_of(c.committer_ms));
    };
  auto facts = store.load_commits(since_ms, until_ms);
  if (!facts) return facts.error();
  if (!o.team.empty() && access.min_group_size > 1) {
    std::set<std::string> who;
    for (const CommitRecord& c : facts->commits)
      if (c.committer_ms >= since_ms && c.committer_ms < until_ms && keep(c))
        who.insert(people_key(*people, c.author_email));
    if (who.size() < access.min_group_size)
      return make_error(std::string(report::kBelowFloor) + ": the team filter leaves " +
                        std::to_string(who.size()) + (who.size() == 1 ? " person" : " people") +
                        " with commits, fewer than this collector's min_group_size (" +
                        std::to_string(access.min_group_size) + "); widen it");
  }
  report::ReportQuery q;
  q.since_ms = since_ms;
  q.until_ms = until_ms;
  q.group_by = {report::Dimension::kRepo, report::Dimension::kFile};
  q.scope = filter;
  auto spent = build_report(store, q);
  if (!spent) return spent.error();
  FileSpend spend;
  for (const report::ReportNode& repo : spent->root.children)
    for (const report::ReportNode& file : repo.children)
      spend[{repo.key, file.key}] = file.metrics.cost(report::CostBasis::kOrg);
  return rank_hotspots(*facts, since_ms, until_ms, o, spend, keep);
}

const std::vector<std::pair<std::string, std::string>>& hotspot_option_names() {
  static const std::vector<std::pair<std::string, std::string>> names{
      {"recent_days", "the last days of the range in which heavy rewrites count (14)"},
      {"heavy_rewrite_lines", "lines of a file one commit must remove to rewrite it heavily (50)"},
      {"limit", "files listed, 0 for all (20)"},
      {"repo", "only this repository's files (all)"},
      {"team", "only the commits and spend of the people in this team, group or org (all)"},
      {"person", "only the commits and spend of this person, by any of their emails (all)"},
  };
  return names;
}

Status check_hotspot_options(const HotspotOptions& o) {
  if (!o.team.empty() && !o.person.empty())
    return make_error("team and person: give one of them, not both");
  return {};
}

Result<bool> set_hotspot_option(HotspotOptions& o, std::string_view name, std::string_view value) {
  const std::string n = underscored(name);
  if (n == "repo" || n == "team" || n == "person") {
    if (value.empty() || value.size() > 512 || replace_control_characters(value) != value)
      return make_error(std::string(name) + ": expected " +
                        (n == "repo"   ? "a repository name"
                         : n == "team" ? "the name of a team, group or org"
                                       : "a person's email"));
    (n == "repo" ? o.repo : n == "team" ? o.team : o.person) = std::string(value);
    return true;
  }
  int64_t* target = nullptr;
  int64_t min = 1, max = 365;
  if (n == "recent_days") {
    target = &o.recent_days;
  } else if (n == "heavy_rewrite_lines") {
    target = &o.heavy_rewrite_lines;
    max = 1'000'000;
  } else if (n == "limit") {
    target = &o.limit;
    min = 0;
    max = 100'000;
  } else {
    return false;
  }
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || v < min || v > max)
    return make_error(std::string(name) + ": expected a whole number from " + std::to_string(min) +
                      " to " + std::to_string(max) + ", got '" + replace_control_characters(value) +
                      "'");
  *target = v;
  return true;
}

std::string render_hotspots(const std::vector<Hotspot>& spots, const HotspotOptions& o,
                            std::string_view format) {
  static constexpr const char* kScoring =
      "score = changes + 2 x (authors - 1) + 5 x heavy_rewrites; a heavy rewrite is one commit "
      "removing at least heavy_rewrite_lines lines of the file in the last recent_days of the "
      "range";
  std::string out;
  if (format == "json") {
    JsonWriter w(out);
    w.begin_object();
    w.key("options")
        .begin_object()
        .field("recent_days", o.recent_days)
        .field("heavy_rewrite_lines", o.heavy_rewrite_lines)
        .field("limit", o.limit)
        .field("repo", o.repo)
        .field("team", o.team)
        .field("person", o.person)
        .end_object();
    w.field("scoring", std::string_view(kScoring));
    w.key("files").begin_array();
    for (const Hotspot& h : spots) {
      w.begin_object()
          .field("repo", h.repo)
          .field("path", h.path)
          .field("score", h.score)
          .field("changes", h.changes)
          .field("authors", h.authors)
          .field("heavy_rewrites", h.heavy_rewrites)
          .field("lines_added", h.lines_added)
          .field("lines_removed", h.lines_removed)
          .field("ai_changes", h.ai_changes)
          .field("scored_lines_added", h.scored_lines)
          .field("ai_written_lines", h.ai_lines)
          .field("reworked_lines", h.reworked_lines)
          .field("last_change", format_iso8601_utc_ms(h.last_change_ms));
      w.key("cost_nanos");
      if (h.cost_nanos)
        w.value(*h.cost_nanos);
      else
        w.null();
      w.end_object();
    }
    w.end_array().end_object();
    out += '\n';
    return out;
  }
  if (format == "csv") {
    out =
        "repo,path,score,changes,authors,heavy_rewrites,lines_added,lines_removed,ai_changes,"
        "scored_lines_added,ai_written_lines,reworked_lines,last_change,cost_usd\n";
    for (const Hotspot& h : spots) {
      out += report::csv_text_cell(h.repo) + ',' + report::csv_text_cell(h.path);
      for (const int64_t v :
           {h.score, h.changes, h.authors, h.heavy_rewrites, h.lines_added, h.lines_removed,
            h.ai_changes, h.scored_lines, h.ai_lines, h.reworked_lines})
        out += ',' + std::to_string(v);
      out += ',' + format_iso8601_utc_ms(h.last_change_ms) + ',' +
             (h.cost_nanos ? money(*h.cost_nanos) : "") + '\n';
    }
    return out;
  }
  out = "Hotspots (" + std::string(kScoring) + ")\n";
  char line[512];
  std::snprintf(line, sizeof line, "%6s %7s %7s %7s %8s %9s %9s %10s  %s\n", "score", "changes",
                "authors", "rewrite", "ai_chg", "ai_lines", "reworked", "cost_usd", "file");
  out += line;
  for (const Hotspot& h : spots) {
    const std::string ai = share(h.ai_lines, h.scored_lines);
    std::snprintf(line, sizeof line, "%6lld %7lld %7lld %7lld %8lld %9s %9lld %10s  ",
                  static_cast<long long>(h.score), static_cast<long long>(h.changes),
                  static_cast<long long>(h.authors), static_cast<long long>(h.heavy_rewrites),
                  static_cast<long long>(h.ai_changes), ai.empty() ? "-" : ai.c_str(),
                  static_cast<long long>(h.reworked_lines),
                  h.cost_nanos ? money(*h.cost_nanos).c_str() : "-");
    out += line + report::terminal_text(h.repo + ":" + h.path) + '\n';
  }
  if (spots.empty()) out += "(no file changed in the range)\n";
  return out;
}

}  // namespace codepulse::collector
