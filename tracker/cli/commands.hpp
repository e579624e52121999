// The tracker's commands, one file each; main.cpp dispatches.
#pragma once

#include <string>
#include <vector>

#include "common/environment.hpp"

namespace codepulse::tracker {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

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

}  // namespace codepulse::tracker
