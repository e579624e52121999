// The Codex CLI runner (codex_run.hpp): its config, command and logs.
#include "tests/support/codex_run.hpp"

namespace codepulse::test {

CodexRun run_codex(const std::string& codex, const RunSpec& spec) {
  CodexRun out;
  out.codex_home = spec.home + "/.codex";
  write_file(out.codex_home + "/config.toml", "model = \"" + spec.model +
                                                  "\"\n"
                                                  "model_provider = \"mock\"\n\n"
                                                  "[model_providers.mock]\n"
                                                  "name = \"Mock\"\n"
                                                  "base_url = \"" +
                                                  spec.base_url +
                                                  "/v1\"\n"
                                                  "env_key = \"MOCK_OPENAI_KEY\"\n"
                                                  "wire_api = \"responses\"\n");
  static_cast<OfflineRun&>(out) = run_offline(
      spec.home, spec.cwd, {"CODEX_HOME=" + out.codex_home, "MOCK_OPENAI_KEY=sk-mock-openai-key"},
      {codex, "exec", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox",
       "--disable", "plugins", "--disable", "remote_plugin", "--disable", "apps", spec.prompt});
  out.rollouts = files_below(out.codex_home + "/sessions", "/rollout-", ".jsonl");
  return out;
}

}  // namespace codepulse::test
