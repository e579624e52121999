// A record's tool calls as one JSON array, the form both stores keep them in
// (and the report engine reads). Only the allowlisted ToolUse fields exist.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/record/usage_record.hpp"
#include "common/result.hpp"

namespace codepulse {

// [{"id":"toolu_..","name":"Edit","path":"src/a.cpp","action":2,"seen":1,
//   "added":3,"removed":1}, ...]: a field at its default (empty, 0) is left
// out; decode_tools reads both that and the full form older stores hold.
std::string encode_tools(const std::vector<ToolUse>& tools);
Result<std::vector<ToolUse>> decode_tools(std::string_view json);

// Whether a result with these counts and commit sha is taken for call `t`:
// the call has no result yet, or has one that counted nothing where this one
// does (a subagent's result streamed into its parent may lack the counts its
// own file's copy has). Otherwise the first result stays.
bool result_adds_to(const ToolUse& t, int64_t added, int64_t removed, std::string_view sha);

// Adds the calls of `from` whose ids `into` lacks; a result seen in `from`
// fills a call of `into` that has none (or adds counts it lacks,
// result_adds_to). True when `into` changed.
bool merge_tools(std::vector<ToolUse>& into, const std::vector<ToolUse>& from);

}  // namespace codepulse
