// The commits a tracker's state folder has queued, as line provenance
// counts them (docs/PROVENANCE.md): per file of one commit, its scored added
// lines and of them the assistants'.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace codepulse::test {

// path -> (lines_added, ai_lines_added) of the queued commit `sha` in the
// tracker state folder `state`; empty when no such commit is queued.
std::map<std::string, std::pair<int64_t, int64_t>> queued_line_counts(const std::string& state,
                                                                      const std::string& sha);

}  // namespace codepulse::test
