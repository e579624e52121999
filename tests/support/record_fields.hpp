// Whole-record comparison for tests: every field of a UsageRecord and its
// ToolUses, named on failure. The structured bindings name every field, so a
// field added to either struct stops this compiling until it is compared too.
#pragma once

#include <array>
#include <catch2/catch.hpp>
#include <cstddef>
#include <tuple>
#include <utility>

#include "common/record/usage_record.hpp"

namespace codepulse::test {

inline auto fields_of(const ToolUse& t) {
  const auto& [tool_use_id, name, path, action, git_commit, result_seen, lines_added, lines_removed,
               commit_sha, error] = t;
  return std::tie(tool_use_id, name, path, action, git_commit, result_seen, lines_added,
                  lines_removed, commit_sha, error);
}
inline constexpr std::array kToolFieldNames = {
    "tool_use_id", "name",        "path",          "action",     "git_commit",
    "result_seen", "lines_added", "lines_removed", "commit_sha", "error"};

// Every field but `tools`, which expect_same_record compares one by one.
inline auto fields_of(const UsageRecord& r) {
  const auto& [dedupe_key, assistant, message_id, request_id, timestamp_ms, session_id, sidechain,
               agent_id, model, input, output, cache_create_5m, cache_create_1h, cache_read,
               reasoning, web_search_requests, web_fetch_requests, fast, inference_geo, iteration,
               cost_nanos, long_context, price_version, cc_version, author, repo, branch, task_keys,
               turn_id, tools] = r;
  (void)tools;
  return std::tie(dedupe_key, assistant, message_id, request_id, timestamp_ms, session_id,
                  sidechain, agent_id, model, input, output, cache_create_5m, cache_create_1h,
                  cache_read, reasoning, web_search_requests, web_fetch_requests, fast,
                  inference_geo, iteration, cost_nanos, long_context, price_version, cc_version,
                  author, repo, branch, task_keys, turn_id);
}
inline constexpr std::array kRecordFieldNames = {"dedupe_key",
                                                 "assistant",
                                                 "message_id",
                                                 "request_id",
                                                 "timestamp_ms",
                                                 "session_id",
                                                 "sidechain",
                                                 "agent_id",
                                                 "model",
                                                 "input",
                                                 "output",
                                                 "cache_create_5m",
                                                 "cache_create_1h",
                                                 "cache_read",
                                                 "reasoning",
                                                 "web_search_requests",
                                                 "web_fetch_requests",
                                                 "fast",
                                                 "inference_geo",
                                                 "iteration",
                                                 "cost_nanos",
                                                 "long_context",
                                                 "price_version",
                                                 "cc_version",
                                                 "author",
                                                 "repo",
                                                 "branch",
                                                 "task_keys",
                                                 "turn_id"};

// CHECKs each field of `got` against `want`, naming the field.
template <class Fields, size_t N>
void expect_same_fields(const Fields& got, const Fields& want,
                        const std::array<const char*, N>& names) {
  static_assert(std::tuple_size_v<Fields> == N, "a field without a name");
  [&]<size_t... I>(std::index_sequence<I...>) {
    auto check = [](const char* name, const auto& g, const auto& w) {
      INFO("field " << name);
      CHECK(g == w);
    };
    (check(names[I], std::get<I>(got), std::get<I>(want)), ...);
  }
  (std::make_index_sequence<N>());
}

inline void expect_same_record(const UsageRecord& got, const UsageRecord& want) {
  expect_same_fields(fields_of(got), fields_of(want), kRecordFieldNames);
  REQUIRE(got.tools.size() == want.tools.size());
  for (size_t i = 0; i < got.tools.size(); ++i) {
    INFO("tools[" << i << "]");
    expect_same_fields(fields_of(got.tools[i]), fields_of(want.tools[i]), kToolFieldNames);
  }
}

}  // namespace codepulse::test
