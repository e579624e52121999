// codepulse-tracker hook: the Claude Code hook (SessionStart,
// UserPromptSubmit) that warns at a budget's threshold and blocks a prompt
// at an enforced one, from <state>/budgets.json only; `hook install` and
// `hook uninstall` edit Claude Code's user settings (docs/HOOK.md).
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/time.hpp"
#include "tracker/cli/commands.hpp"
#include "tracker/cli/options.hpp"
#include "tracker/hook/claude_settings.hpp"
#include "tracker/hook/hook_decision.hpp"
#include "tracker/ship/budget_state.hpp"

namespace codepulse::tracker {
namespace {

constexpr size_t kMaxInput = 64u << 20;  // a prompt with pasted files; more is not read

const char* kUsage =
    "Usage: codepulse-tracker hook [OPTIONS]\n"
    "       codepulse-tracker hook install [--settings FILE] [OPTIONS]\n"
    "       codepulse-tracker hook uninstall [--settings FILE]\n"
    "\n"
    "Without a subcommand: the Claude Code hook for SessionStart and UserPromptSubmit.\n"
    "It reads the hook's JSON on standard input and the budget state the tracker keeps\n"
    "(<state>/budgets.json, from the collector's answers), never the network: it warns\n"
    "when a budget reaches its threshold or its forecast goes over, and blocks a new\n"
    "prompt when a budget the organisation enforces is used up (unless an admin's\n"
    "override is in force). Anything wrong (no or stale state, bad input) lets Claude\n"
    "Code go on: it always exits 0.\n"
    "install adds it to Claude Code's user settings ($CLAUDE_CONFIG_DIR/settings.json\n"
    "or ~/.claude/settings.json) for both events, keeping every other setting, with a\n"
    "backup in settings.json.codepulse-backup; uninstall removes exactly that.\n"
    "--config and --state given to install are passed on to the hook.";

std::string read_input() {
  std::string in;
  char buf[65536];
  size_t n = 0;
  while (in.size() < kMaxInput && (n = std::fread(buf, 1, sizeof buf, stdin)) > 0)
    in.append(buf, n);
  return in;
}

// 'text' for sh, with ' written as '\''.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string this_program() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return std::string(kProgram);
  return std::string(buf, static_cast<size_t>(n));
}

// The hook itself: exits 0 whatever happens, since a hook that fails with
// exit code 2 would block the prompt.
int answer(const Environment& env, const Args& args) {
  const std::string input = read_input();
  auto config = load_config(args, env);
  if (!config) {
    std::fprintf(stderr, "%s hook: budgets not checked: %s\n", kProgram.data(),
                 config.error().message.c_str());
    return kExitOk;
  }
  const HookAnswer a =
      answer_hook(input, read_budget_state(config->str("state_dir")), now_utc_ms());
  std::fputs(a.out.c_str(), stdout);
  std::fputs(a.err.c_str(), stderr);
  return a.exit_code;
}

int install(const Environment& env, const Args& args, const std::string& settings) {
  auto config = load_config(args, env);
  if (!config) return fail(config.error().message, kExitUsage);
  std::string command = quoted(this_program()) + " hook";
  if (auto file = args.get("config"))
    command += " --config " + quoted(std::filesystem::absolute(*file).string());
  if (auto state = args.get("state"))
    command += " --state " + quoted(std::filesystem::absolute(*state).string());
  auto change = install_hook(settings, command);
  if (!change) return fail(change.error().message);
  if (!change->changed) {
    std::printf("The codepulse hook is already in %s.\n", change->path.c_str());
    return kExitOk;
  }
  std::printf("Added the codepulse hook (SessionStart, UserPromptSubmit) to %s%s.\n",
              change->path.c_str(),
              change->backup.empty() ? "" : (" (the old file: " + change->backup + ")").c_str());
  std::printf("Command: %s\nClaude Code sessions started from now on use it.\n", command.c_str());
  return kExitOk;
}

int uninstall(const std::string& settings) {
  auto change = uninstall_hook(settings);
  if (!change) return fail(change.error().message);
  if (!change->changed) {
    std::printf("No codepulse hook in %s: nothing to remove.\n", change->path.c_str());
    return kExitOk;
  }
  std::printf("Removed the codepulse hook from %s (the old file: %s).\n", change->path.c_str(),
              change->backup.c_str());
  return kExitOk;
}

}  // namespace

int run_hook_command(const Environment& env, const std::vector<std::string>& argv) {
  const auto specs =
      with_config_flags({{"settings", true, false,
                          "install/uninstall: the Claude Code settings file (default: "
                          "$CLAUDE_CONFIG_DIR/settings.json or ~/.claude/settings.json)",
                          "FILE"},
                         {"help", false, false, "show this help"}});
  const bool admin = !argv.empty() && (argv[0] == "install" || argv[0] == "uninstall");
  const auto args = parse_command(kProgram, argv, specs, kUsage);
  // Run by Claude Code (which sets CLAUDE_PROJECT_DIR for its hooks), a bad
  // command line must not exit 2: that would block every prompt.
  const bool by_claude_code = !admin && std::getenv("CLAUDE_PROJECT_DIR") != nullptr;
  if (!args) return by_claude_code ? kExitOk : args.exit_code();
  if (!admin) {
    if (args->positional().empty()) return answer(env, *args);
    const std::string why = "hook: unknown subcommand '" + args->positional().front() +
                            "' (install, uninstall, or none to answer Claude Code)";
    return by_claude_code ? fail(why + "; ignored", kExitOk) : fail(why, kExitUsage);
  }
  if (args->positional().size() != 1)
    return fail("hook " + argv[0] + " takes no further arguments", kExitUsage);
  const std::string settings = args->get("settings").value_or(claude_settings_path(env));
  return argv[0] == "install" ? install(env, *args, settings) : uninstall(settings);
}

}  // namespace codepulse::tracker
