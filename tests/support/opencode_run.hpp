// Runs the real OpenCode CLI (opencode_bin()) once, offline, against a mock
// Messages API (mock_messages_api.hpp) through its Anthropic provider, and
// says where it wrote its logs.
#pragma once

#include <optional>
#include <string>

#include "tests/support/offline_run.hpp"

namespace codepulse::test {

// Prices OpenCode is told for the model, USD per million tokens; it writes
// each message's cost from them.
struct OpenCodeCost {
  double input = 0, output = 0, cache_read = 0, cache_write = 0;
};

// result.out: one JSON event a line (--format json).
struct OpenCodeRun : OfflineRun {
  std::string data_dir;  // home/.local/share/opencode
  std::string db_path;   // data_dir/opencode.db (WAL mode: its rows may all be in -wal)
};

// Writes home/.config/opencode/opencode.json (a provider "mock" using
// @ai-sdk/anthropic at spec.base_url/v1 with the one model spec.model, also the small
// model that titles the session; edits, bash and web fetches allowed), then
// `opencode run --format json PROMPT` in spec.cwd, run_offline() with the
// OPENCODE_* variables that turn off model fetches, updates, sharing,
// plugins, LSP downloads and Claude Code files, and npm_config_registry at
// base_url/npm-registry/ (it asks the registry for its plugin package even
// so; the mock answers 404 and it carries on).
OpenCodeRun run_opencode(const std::string& opencode, const RunSpec& spec,
                         const std::optional<OpenCodeCost>& cost = std::nullopt);

}  // namespace codepulse::test
