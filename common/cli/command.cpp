#include "common/cli/command.hpp"

#include <cstdio>

namespace codepulse {

int fail_command(std::string_view program, const std::string& message, int code) {
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(program.size()), program.data(),
               message.c_str());
  return code;
}

CommandArgs parse_command(std::string_view program, const std::vector<std::string>& argv,
                          const std::vector<FlagSpec>& specs, const std::string& usage,
                          NeedsArguments needs) {
  auto args = Args::parse(argv, specs);
  if (!args) return CommandArgs::done(fail_command(program, args.error().message, kExitUsage));
  const bool help = args->has("help");
  if (help || (needs == NeedsArguments::kYes && args->positional().empty())) {
    std::puts(format_help(usage, specs).c_str());
    return CommandArgs::done(help ? kExitOk : kExitUsage);
  }
  return CommandArgs(std::move(args).value());
}

}  // namespace codepulse
