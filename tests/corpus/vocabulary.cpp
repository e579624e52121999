// The fixed vocabulary the generated text is drawn from.
#include "tests/corpus/vocabulary.hpp"

namespace codepulse::bench::corpus {

const std::vector<std::string> kWords = {
    "parser",    "buffer",   "session", "request",    "cache",     "token",    "config",
    "handler",   "module",   "test",    "fixture",    "schema",    "index",    "query",
    "worker",    "thread",   "queue",   "stream",     "offset",    "ledger",   "daemon",
    "collector", "tracker",  "metric",  "latency",    "timeout",   "retry",    "backoff",
    "endpoint",  "payload",  "header",  "checksum",   "snapshot",  "rollback", "migration",
    "the",       "a",        "and",     "then",       "with",      "from",     "into",
    "should",    "we",       "it",      "this",       "that",      "now",      "first",
    "update",    "refactor", "extract", "inline",     "rename",    "verify",   "check",
    "read",      "write",    "merge",   "split",      "compute",   "render",   "load",
    "file",      "function", "struct",  "field",      "value",     "result",   "error",
    "path",      "line",     "column",  "branch",     "commit",    "build",    "linker",
    "compiler",  "warning",  "failing", "passing",    "green",     "flaky",    "slow",
    "fast",      "small",    "large",   "missing",    "duplicate", "stale",    "fresh",
    "because",   "so",       "but",     "also",       "still",     "only",     "every",
    "component", "view",     "layout",  "transcript", "project",   "usage",    "model",
    "price",     "cost",     "daily",   "report",     "summary",   "window",   "limit"};

const std::vector<std::string> kNonAscii = {"🚀 ship it",
                                            "修复登录错误",
                                            "日本語のテキストを確認",
                                            "שלום עולם",
                                            "مرحبا بالعالم",
                                            "Ωμέγα café naïve",
                                            "한국어 지원 추가",
                                            "✅ tests pass 🎉",
                                            "Привет, мир",
                                            "emoji 😀👍🏽 in code",
                                            "עברית and English",
                                            "数据库迁移完成",
                                            "¿qué pasó? ñandú",
                                            "🐛🔥 regression",
                                            "नमस्ते दुनिया"};

const std::vector<std::string> kHookCommands = {
    "${CLAUDE_PLUGIN_ROOT}/scripts/tool-call-capture.sh",
    "cd ${CLAUDE_PLUGIN_ROOT}/hooks && bun run ./guardian.ts",
    "${CLAUDE_PLUGIN_ROOT}/scripts/pre-commit.sh", "/home/dev/.claude/hooks/format-on-save.sh",
    "/home/dev/.claude/hooks/tmux-waiting.sh clear"};

const std::vector<std::string> kMcpTools = {
    "mcp__github__get_issue", "mcp__github__search_code", "mcp__linear__list_issues",
    "mcp__plugin_showcase_example__inspect_repository_structure", "mcp__sentry__get_event"};

const std::vector<std::string> kSkills = {"elixir:hex-docs-search", "frontend:design-review",
                                          "release-notes", "pdf", "security-review"};

const std::vector<ProjectTemplate> kProjects = {
    {"/home/dev/src/codepulse", "main", "cpp"},
    {"/home/dev/work/my_app.v2", "develop", "py"},
    {"/Users/alice/Projects/web-frontend", "main", "ts"},
    {"/home/dev/src/spotter-worktrees/spotter-dov", "spotter-dov", "ex"},
    {"/home/dev/src/café-tracker", "master", "go"},
    {"/srv/build/infra_tools", "", "py"},
    {"/home/dev/src/api-gateway", "feature/rate-limit", "rs"},
    {"/home/dev/src/ml_pipeline", "main", "py"},
};

const std::vector<std::string> kModuleNames = {
    "parser", "session_store", "http_client", "config", "ledger",   "scanner",  "pricing",
    "report", "cli",           "metrics",     "worker", "util",     "schema",   "cache",
    "auth",   "router",        "format",      "queue",  "snapshot", "exporter", "limits"};

}  // namespace codepulse::bench::corpus
