// Hotspots (docs/HOTSPOTS.md): the files of a range ranked by how often they
// changed, how many people changed them and how recently they were heavily
// rewritten, each with its AI share of changes and lines, the rework of its
// lines and the spend on it. Only the commits' counts are read: no line of
// a file ever reaches the collector.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collector/store/store.hpp"
#include "common/report/access_scope.hpp"
#include "common/report/outcome_facts.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

struct HotspotOptions {
  // A heavy rewrite: one commit removing at least heavy_rewrite_lines lines
  // of the file, in the last recent_days of the range.
  int64_t recent_days = 14;
  int64_t heavy_rewrite_lines = 50;
  int64_t limit = 20;  // files listed, 0 = all
  std::string repo;    // only this repository's files ("" = all)
  // Only the commits (and the spend) of the people in this node of the
  // people directory (a team, group or org, with the nodes below it) on
  // the commit's day, or of this person (any of their emails). One at most.
  std::string team, person;
};

struct Hotspot {
  std::string repo, path;
  int64_t changes = 0;         // commits that changed the file
  int64_t authors = 0;         // distinct author emails among them
  int64_t heavy_rewrites = 0;  // recent heavy rewrites (above)
  int64_t lines_added = 0, lines_removed = 0;
  int64_t ai_changes = 0;  // of the changes, AI commits (a trailer, a session, AI-written lines)
  int64_t scored_lines = 0, ai_lines = 0;  // line provenance of its added lines
  int64_t reworked_lines = 0;              // of its lines added in the range, reworked since
  int64_t last_change_ms = 0;
  std::optional<int64_t> cost_nanos;  // spend attributed to the file (the report's file dimension)
  // changes + 2 × (authors − 1) + 5 × heavy_rewrites: a file many people keep
  // changing and recently rewrote ranks first.
  int64_t score = 0;
};

// Spend per (repo, path), from the report engine.
using FileSpend = std::map<std::pair<std::string, std::string>, int64_t>;

// The files changed by the commits of [since_ms, until_ms), ranked by score,
// then changes, then lines changed, then repo and path; at most o.limit.
// A merge (more than one parent) changes no file.
// `keep`: the commits counted (all when empty); o.team and o.person are
// applied by store_hotspots through it.
using CommitFilter = std::function<bool(const CommitRecord&)>;
std::vector<Hotspot> rank_hotspots(const report::CommitFacts& facts, int64_t since_ms,
                                   int64_t until_ms, const HotspotOptions& o,
                                   const FileSpend& spend = {}, const CommitFilter& keep = {});

// rank_hotspots over the store's commits, with the spend of the store's
// report grouped by repository and file; o.team or o.person resolved with
// the store's people directory (an unknown node is an error). Under
// `access`'s privacy floor a person filter, or a team filter whose commits
// stand for fewer people than the floor, is refused (report::kBelowFloor).
Result<std::vector<Hotspot>> store_hotspots(Store& store, int64_t since_ms, int64_t until_ms,
                                            const HotspotOptions& o,
                                            const report::ReportAccess& access = {});

// The start of store_hotspots' error for a team filter naming no node of
// the people directory (a bad request, not a failure).
inline constexpr const char* kNoSuchNode = "no such team";

// The settings together: an error when both team and person are set.
Status check_hotspot_options(const HotspotOptions& o);

// The settings by name (dashes or underscores): recent_days, heavy_rewrite_lines,
// limit, repo. True when the name is one of them; an error for a bad value.
Result<bool> set_hotspot_option(HotspotOptions& o, std::string_view name, std::string_view value);
const std::vector<std::pair<std::string, std::string>>& hotspot_option_names();

// "table", "json" ({"options": {...}, "scoring": "...", "files": [...]}) or "csv".
std::string render_hotspots(const std::vector<Hotspot>& spots, const HotspotOptions& o,
                            std::string_view format);

}  // namespace codepulse::collector
