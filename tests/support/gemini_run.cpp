// The Gemini CLI runner (gemini_run.hpp): its settings, command and logs.
#include "tests/support/gemini_run.hpp"

namespace codepulse::test {

GeminiRun run_gemini(const std::string& gemini_js, const RunSpec& spec) {
  GeminiRun out;
  out.gemini_dir = spec.home + "/.gemini";
  write_file(out.gemini_dir + "/settings.json",
             R"({"security":{"auth":{"selectedType":"gemini-api-key"}},)"
             R"("general":{"enableAutoUpdate":false,"enableAutoUpdateNotification":false},)"
             R"("privacy":{"usageStatisticsEnabled":false},"telemetry":{"enabled":false}})"
             "\n");
  static_cast<OfflineRun&>(out) =
      run_offline(spec.home, spec.cwd,
                  {"GEMINI_API_KEY=mock-gemini-key", "GOOGLE_GEMINI_BASE_URL=" + spec.base_url,
                   "GEMINI_CLI_TRUST_WORKSPACE=true", "GEMINI_CLI_NO_RELAUNCH=true"},
                  {"node", gemini_js, "-p", spec.prompt, "-m", spec.model, "--output-format",
                   "json", "--yolo"});
  out.session_id = output_field(out, "session_id");
  out.chat_files = files_below(out.gemini_dir + "/tmp", "/chats/", ".jsonl");
  return out;
}

}  // namespace codepulse::test
