// A program's subcommand, started: its flags parsed, --help answered, a bad
// flag refused with one line on stderr, and the exit codes both programs use.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cli/args.hpp"

namespace codepulse {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Prints "<program>: <message>" to stderr; returns `code`.
int fail_command(std::string_view program, const std::string& message, int code);

// A command's parsed flags, or the exit code the command ends with when
// parsing already answered it.
class CommandArgs {
 public:
  static CommandArgs done(int exit_code) {
    CommandArgs c;
    c.exit_code_ = exit_code;
    return c;
  }
  explicit CommandArgs(Args args) : args_(std::move(args)) {}

  explicit operator bool() const { return args_.has_value(); }
  const Args& operator*() const { return *args_; }
  const Args* operator->() const { return &*args_; }
  int exit_code() const { return exit_code_; }

 private:
  CommandArgs() = default;
  std::optional<Args> args_;
  int exit_code_ = kExitOk;
};

// kYes: without a positional argument (a subcommand) the help is printed and
// the command ends with kExitUsage.
enum class NeedsArguments { kNo, kYes };

// Parses `argv` against `specs`. --help prints `usage` and the flags and ends
// the command (kExitOk); an unknown flag or a missing value ends it with
// kExitUsage after "<program>: <what is wrong>" on stderr.
CommandArgs parse_command(std::string_view program, const std::vector<std::string>& argv,
                          const std::vector<FlagSpec>& specs, const std::string& usage,
                          NeedsArguments needs = NeedsArguments::kNo);

}  // namespace codepulse
