// The waste ledger's rules (docs/WASTE.md): which share of each usage
// record's spend never reached the product, rule by rule, from the records,
// the commits and the links between sessions and commits.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/report/outcome_facts.hpp"
#include "common/report/session_links.hpp"
#include "common/report/usage_cube.hpp"

namespace codepulse::collector {

enum class WasteRule { kNoCommit, kErrorLoop, kRepeatedRead, kAbandoned, kRework };
inline constexpr size_t kWasteRuleCount = 5;

const char* waste_rule_name(WasteRule r);  // "no_commit", "error_loop", ...
const char* waste_rule_definition(WasteRule r);

struct WasteOptions {
  int64_t no_commit_days = 7;             // (a) a session's commits count this long after it
  int64_t error_loop_errors = 3;          // (b) failed calls of one tool in a row, in a turn
  int64_t abandon_idle_ms = 30 * 60'000;  // (d) no request for this long after the last one
  report::LinkLevel links = report::LinkLevel::kStrong;  // the weakest link that counts (as report)
  report::LinkWindows windows;
};

// The share of one record a rule counts: num/den of its spend (0 < num <= den),
// charged to the tool calls `tools` (indexes into the fact's tools; empty:
// the record's calls as they are).
struct WasteShare {
  int64_t num = 1, den = 1;
  std::vector<size_t> tools;
};

using WasteFlags = std::array<std::optional<WasteShare>, kWasteRuleCount>;

// One WasteFlags per fact of `facts` (any order; a session's records should
// all be there). `commits` holds the commits that may link to them and the
// rework of those commits. Sessions whose last request is more recent than
// `now_ms` minus the rule's wait are not judged by rules (a) and (d).
std::vector<WasteFlags> waste_flags(const std::vector<report::UsageFact>& facts,
                                    const report::CommitFacts& commits, const WasteOptions& o,
                                    int64_t now_ms);

// The rule of `flags` with the largest share (a record two rules count is
// counted once in the total, at its largest share), or nullopt.
std::optional<WasteShare> largest_share(const WasteFlags& flags);

// `f` with its tokens and web calls scaled by the share (rounded down) and
// only the share's tool calls (all when the share names none).
report::UsageFact scaled_fact(const report::UsageFact& f, const WasteShare& s);

}  // namespace codepulse::collector
