// A program's configuration keys on its command line: one flag per key and
// --set KEY=VALUE, turned into overrides for Config::load.
#include <algorithm>

#include "common/ascii.hpp"
#include "common/config/config.hpp"

namespace codepulse {
namespace {

std::string flag_name(const ConfigKey& k) {
  if (!k.flag.empty()) return k.flag;
  std::string f = k.name;
  std::replace(f.begin(), f.end(), '_', '-');
  return f;
}

}  // namespace

std::vector<FlagSpec> config_flags(const ConfigKeys& keys) {
  std::vector<FlagSpec> specs = {
      {"set", true, true, "set a configuration key (see 'config show')", "KEY=VALUE"}};
  for (const auto& k : keys) {
    std::string value_name;
    switch (k.type) {
      case ConfigType::kString:
        value_name = "TEXT";
        break;
      case ConfigType::kPath:
        value_name = "PATH";
        break;
      case ConfigType::kInt:
        value_name = "N";
        break;
      case ConfigType::kBytes:
        value_name = "SIZE";
        break;
      case ConfigType::kDuration:
        value_name = "DURATION";
        break;
      case ConfigType::kBool:
        value_name = "true|false";
        break;
      case ConfigType::kStringList:
        value_name = "DIR";
        break;
      case ConfigType::kEnum:
        for (const auto& c : k.choices)
          value_name += (value_name.empty() ? "" : "|") + c;
        break;
    }
    if (!k.value_name.empty()) value_name = k.value_name;
    std::string help = k.help;
    if (!k.default_value.empty()) help += " (default " + k.default_value + ")";
    specs.push_back({flag_name(k), true, k.type == ConfigType::kStringList, help, value_name});
  }
  return specs;
}

Result<std::vector<ConfigOverride>> config_overrides(const Args& args, const ConfigKeys& keys) {
  std::vector<ConfigOverride> out;
  for (const auto& s : args.all("set")) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || trim(std::string_view(s).substr(0, eq)).empty())
      return make_error("--set: expected KEY=VALUE, got '" + s + "'");
    out.emplace_back(std::string(trim(std::string_view(s).substr(0, eq))), s.substr(eq + 1),
                     "--set");
  }
  for (const auto& k : keys) {
    const std::string flag = flag_name(k);
    const auto given = args.all(flag);
    if (given.empty()) continue;
    std::string value = given.back();
    if (k.type == ConfigType::kStringList) {
      value.clear();
      for (const auto& g : given)
        value += (value.empty() ? "" : ",") + g;
    }
    out.emplace_back(k.name, value, "--" + flag);
  }
  return out;
}

}  // namespace codepulse
