// The OpenCode runner (opencode_run.hpp): its config, command and logs.
#include "tests/support/opencode_run.hpp"

#include <cstdio>

#include "common/json_writer.hpp"

namespace codepulse::test {
namespace {

std::string quoted(const std::string& s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string cost_json(const OpenCodeCost& c) {
  char buf[200];
  std::snprintf(buf, sizeof buf,
                R"(,"cost":{"input":%.6g,"output":%.6g,"cache_read":%.6g,"cache_write":%.6g})",
                c.input, c.output, c.cache_read, c.cache_write);
  return buf;
}

}  // namespace

OpenCodeRun run_opencode(const std::string& opencode, const RunSpec& spec,
                         const std::optional<OpenCodeCost>& cost) {
  const std::string model_ref = quoted("mock/" + spec.model);
  write_file(spec.home + "/.config/opencode/opencode.json",
             R"({"$schema":"https://opencode.ai/config.json",)"
             R"("provider":{"mock":{"npm":"@ai-sdk/anthropic","name":"Mock Anthropic",)"
             R"("options":{"baseURL":)" +
                 quoted(spec.base_url + "/v1") + R"(,"apiKey":"sk-ant-mock-key"},)" +
                 R"("models":{)" + quoted(spec.model) + R"(:{"name":"Mock model")" +
                 (cost ? cost_json(*cost) : "") + "}}}}," + R"("model":)" + model_ref +
                 R"(,"small_model":)" + model_ref +
                 R"(,"permission":{"edit":"allow","bash":"allow","webfetch":"allow"},)"
                 R"("autoupdate":false,"share":"disabled"})"
                 "\n");
  OpenCodeRun out;
  static_cast<OfflineRun&>(out) = run_offline(
      spec.home, spec.cwd,
      {"OPENCODE_PURE=1", "OPENCODE_DISABLE_MODELS_FETCH=1", "OPENCODE_DISABLE_AUTOUPDATE=1",
       "OPENCODE_DISABLE_SHARE=1", "OPENCODE_DISABLE_DEFAULT_PLUGINS=1",
       "OPENCODE_DISABLE_LSP_DOWNLOAD=1", "OPENCODE_DISABLE_CLAUDE_CODE=1",
       "npm_config_registry=" + spec.base_url + "/npm-registry/"},
      {opencode, "run", "--format", "json", spec.prompt});
  out.data_dir = spec.home + "/.local/share/opencode";
  out.db_path = out.data_dir + "/opencode.db";
  return out;
}

}  // namespace codepulse::test
