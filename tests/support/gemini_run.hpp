// Runs the real Gemini CLI (gemini_cli_js(), with node) once, offline,
// against a mock Gemini API (mock_gemini_api.hpp), and says where it wrote
// its logs.
#pragma once

#include <string>
#include <vector>

#include "tests/support/offline_run.hpp"

namespace codepulse::test {

// result.out: the --output-format json result (session_id, response, stats).
struct GeminiRun : OfflineRun {
  std::string session_id;               // from the result, empty when it has none
  std::string gemini_dir;               // home/.gemini
  std::vector<std::string> chat_files;  // gemini_dir/tmp/<project>/chats/*.jsonl, sorted
};

// Writes gemini_dir/settings.json (API-key auth; auto-update, usage
// statistics and telemetry off), then `node gemini_js -p PROMPT -m MODEL
// --output-format json --yolo` in spec.cwd, run_offline() with GEMINI_API_KEY,
// GOOGLE_GEMINI_BASE_URL=spec.base_url, GEMINI_CLI_TRUST_WORKSPACE=true (headless
// it refuses an untrusted folder) and GEMINI_CLI_NO_RELAUNCH=true. With -m
// it makes no model-routing call.
GeminiRun run_gemini(const std::string& gemini_js, const RunSpec& spec);

}  // namespace codepulse::test
