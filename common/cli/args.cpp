#include "common/cli/args.hpp"

namespace codepulse {

Result<Args> Args::parse(const std::vector<std::string>& argv, const std::vector<FlagSpec>& specs) {
  Args a;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      if (arg.size() > 1 && arg[0] == '-' && arg != "-")
        return make_error("unknown option '" + arg + "' (options start with --)");
      a.positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    const FlagSpec* spec = nullptr;
    for (const auto& s : specs)
      if (s.name == name) spec = &s;
    if (!spec) return make_error("unknown option '--" + name + "' (see --help)");
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else {
        if (i + 1 >= argv.size()) return make_error("option '--" + name + "' needs a value");
        value = argv[++i];
      }
    } else if (inline_value) {
      return make_error("option '--" + name + "' takes no value");
    }
    auto& slot = a.values_[name];
    if (!slot.empty() && !spec->repeatable)
      return make_error("option '--" + name + "' given more than once");
    slot.push_back(value);
  }
  return a;
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::string format_help(const std::string& usage, const std::vector<FlagSpec>& specs) {
  std::string out = usage + "\n\nOptions:\n";
  for (const auto& s : specs) {
    std::string left = "  --" + s.name + (s.takes_value ? " " + s.value_name : "");
    if (left.size() < 30)
      left += std::string(30 - left.size(), ' ');
    else
      left += "\n" + std::string(30, ' ');
    out += left + s.help + (s.repeatable ? " (repeatable)" : "") + "\n";
  }
  return out;
}

}  // namespace codepulse
