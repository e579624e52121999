// The tracker's commands, one file each; main.cpp dispatches.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/cli/command.hpp"
#include "common/environment.hpp"

namespace codepulse::tracker {

inline constexpr std::string_view kProgram = "codepulse-tracker";

// Prints "codepulse-tracker: <message>" to stderr; returns `code`.
int fail(const std::string& message, int code = kExitFailure);

int run_scan_command(const Environment& env, const std::vector<std::string>& args);
int run_report_command(const Environment& env, const std::vector<std::string>& args);
int run_daemon_command(const Environment& env, const std::vector<std::string>& args);
int run_status_command(const Environment& env, const std::vector<std::string>& args);
int run_queue_command(const Environment& env, const std::vector<std::string>& args);
int run_config_command(const Environment& env, const std::vector<std::string>& args);
int run_flush_command(const Environment& env, const std::vector<std::string>& args);
int run_doctor_command(const Environment& env, const std::vector<std::string>& args);
int run_enroll_command(const Environment& env, const std::vector<std::string>& args);
int run_hook_command(const Environment& env, const std::vector<std::string>& args);

}  // namespace codepulse::tracker
