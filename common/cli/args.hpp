// Command-line flags: "--name value", "--name=value", repeatable flags and
// switches. An unknown flag or a missing value is an error that names it.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace codepulse {

struct FlagSpec {
  std::string name;  // without "--"
  bool takes_value = true;
  bool repeatable = false;
  std::string help;
  std::string value_name = "VALUE";
};

class Args {
 public:
  static Result<Args> parse(const std::vector<std::string>& argv,
                            const std::vector<FlagSpec>& specs);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

std::string format_help(const std::string& usage, const std::vector<FlagSpec>& specs);

}  // namespace codepulse
