// Sources: which files below Copilot CLI's and Claude Desktop's folders are
// logs, and which folders are entered.
#include <catch2/catch.hpp>

#include "common/environment.hpp"
#include "common/record/assistant.hpp"
#include "tracker/discover/sources.hpp"

using namespace codepulse;
using namespace codepulse::tracker;

namespace {

Sources find(const Environment& env) {
  auto s = Sources::find(env, {});
  REQUIRE(s);
  return std::move(s).value();
}

}  // namespace

TEST_CASE("sources: Copilot CLI exports", "[discover][copilot]") {
  Environment env;
  env.home = "/h";
  env.copilot_otel_file = "/tmp/x/copilot-otel.jsonl";
  env.copilot_home = "/ch";
  const Sources s = find(env);
  CHECK(s.copilot_home() == "/ch");
  auto f = s.classify("/tmp/x/copilot-otel.jsonl");
  REQUIRE(f);
  CHECK(f->assistant == kCopilotCli);
  CHECK(f->format == LogFormat::kCopilotOtel);
  // Beside the exporter's file: nothing else, and no folder below.
  CHECK_FALSE(s.classify("/tmp/x/other.jsonl"));
  CHECK_FALSE(s.descend("/tmp/x/sub"));
  // ~/.copilot/otel and $COPILOT_HOME/otel are read whole, subfolders too.
  CHECK(s.classify("/h/.copilot/otel/a.jsonl"));
  CHECK(s.classify("/h/.copilot/otel/2026/b.jsonl"));
  CHECK(s.descend("/h/.copilot/otel/2026"));
  CHECK(s.classify("/ch/otel/c.jsonl"));
  CHECK_FALSE(s.classify("/h/.copilot/otel/a.json"));
}

TEST_CASE("sources: Claude Desktop agent-mode sessions", "[discover][desktop]") {
  Environment env;
  env.home = "/h";
  env.xdg_config_home = "/x";
  const Sources s = find(env);
  const std::string root = "/x/Claude/local-agent-mode-sessions/org/acct";
  auto t = s.classify(root + "/local_1/.claude/projects/-p/s.jsonl");
  REQUIRE(t);
  CHECK(t->assistant == kClaudeDesktop);
  CHECK(t->format == LogFormat::kClaude);
  CHECK(s.classify(root + "/local_1/.claude/projects/-p/s/subagents/agent-1.jsonl"));
  CHECK(s.classify(root + "/agent/local_ditto_2/.claude/projects/-p/s.jsonl"));
  CHECK(
      s.classify("/h/Library/Application Support/Claude/local-agent-mode-sessions/o/a/"
                 "local_3/.claude/projects/-p/s.jsonl"));
  CHECK_FALSE(s.classify(root + "/local_1/audit.jsonl"));
  CHECK_FALSE(s.classify(root + "/local_1/uploads/.claude/projects/x.jsonl"));
  CHECK_FALSE(s.classify(root + "/local_1.json"));
  CHECK(s.descend(root));
  CHECK(s.descend(root + "/local_1"));
  CHECK(s.descend(root + "/local_1/.claude"));
  CHECK(s.descend(root + "/local_1/.claude/projects/-p"));
  CHECK(s.descend(root + "/agent"));
  CHECK_FALSE(s.descend(root + "/local_1/uploads"));
  CHECK_FALSE(s.descend(root + "/local_1/outputs"));
  CHECK_FALSE(s.descend(root + "/local_1/.claude/backups"));
  CHECK_FALSE(s.descend(root + "/rpm"));
  // Claude Code's own folders are no Desktop root.
  CHECK_FALSE(s.classify("/h/.claude/projects/-p/s.jsonl"));
}
