// Flags `waste` and `anomalies` share (insight_cli.hpp).
#include "collector/cli/insight_cli.hpp"

namespace codepulse::collector {

namespace {

std::string dashed(std::string name) {
  for (char& c : name)
    if (c == '_') c = '-';
  return name;
}

}  // namespace

std::vector<FlagSpec> option_flags(const std::vector<std::pair<std::string, std::string>>& names) {
  std::vector<FlagSpec> out;
  for (const auto& [name, help] : names)
    out.push_back({dashed(name), true, false, help, "N"});
  return out;
}

Status apply_option_flags(
    const Args& args, const std::vector<std::pair<std::string, std::string>>& names,
    const std::function<Result<bool>(std::string_view name, std::string_view value)>& set) {
  for (const auto& [name, help] : names) {
    const std::string flag = dashed(name);
    if (auto v = args.get(flag)) {
      auto done = set(flag, *v);
      if (!done) return make_error("--" + done.error().message);
    }
  }
  return {};
}

FlagSpec db_flag() {
  return {"db", true, false,
          "the collector's database: a SQLite file, or postgresql://USER@HOST:PORT/DB", "PATH|URI"};
}

}  // namespace codepulse::collector
