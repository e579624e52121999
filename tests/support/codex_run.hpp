// Runs the real Codex CLI (codex_bin()) once, offline, against a mock
// Responses API (mock_responses_api.hpp), and says where it wrote its logs.
#pragma once

#include <string>
#include <vector>

#include "tests/support/offline_run.hpp"

namespace codepulse::test {

// result.out: the final message; result.err: its progress.
struct CodexRun : OfflineRun {
  std::string codex_home;             // home/.codex
  std::vector<std::string> rollouts;  // codex_home/sessions/YYYY/MM/DD/rollout-*.jsonl, sorted
};

// Writes codex_home/config.toml (spec.model, and a provider "mock" at
// spec.base_url/v1 with wire_api "responses" and its key in MOCK_OPENAI_KEY), then
// `codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox
// --disable plugins --disable remote_plugin --disable apps PROMPT` in spec.cwd,
// run_offline() with CODEX_HOME and the key. The model should be one Codex
// knows (e.g. "gpt-5.5"): for others it offers no apply_patch tool.
CodexRun run_codex(const std::string& codex, const RunSpec& spec);

}  // namespace codepulse::test
