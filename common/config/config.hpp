// A program's configuration engine: one flat TOML file of the keys its
// declarative table declares (tracker/config/keys.cpp for the tracker,
// collector/serve/server_keys.cpp for the collector), then command-line
// overrides. Every value is validated against its
// key's type and range; a bad file or flag is an Error naming where it was
// (file:line or the flag) and the key. Each effective value remembers its source.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/cli/args.hpp"
#include "common/environment.hpp"
#include "common/result.hpp"

namespace codepulse {

enum class ConfigType { kString, kPath, kInt, kBytes, kDuration, kBool, kEnum, kStringList };

struct ConfigKey {
  std::string name;
  ConfigType type;
  std::string default_value = {};  // as text, validated like any value; "" = unset
  std::string help = {};
  std::vector<std::string> choices = {};     // kEnum
  int64_t min = INT64_MIN, max = INT64_MAX;  // kInt; kBytes in bytes; kDuration in ms
  std::string flag = {};                     // its command-line flag; "" = name with '_' -> '-'
  std::string value_name = {};               // in --help; "" = from the type (PATH, N, ...)
  // A default that depends on the machine (e.g. the state folder); when set,
  // it replaces default_value.
  std::string (*default_from)(const Environment&) = nullptr;
};

using ConfigKeys = std::vector<ConfigKey>;

struct ConfigValue {
  std::string text;    // canonical: bytes as a count, durations in ms, lists comma-joined
  std::string source;  // "default", "/path/file.toml:12", "--set", "--debounce", ...
};

// (key, value, source label), as given on the command line.
using ConfigOverride = std::tuple<std::string, std::string, std::string>;

class Config {
 public:
  // Defaults, then `file` (if given it must exist), then `overrides` in order.
  // `keys` must outlive the Config; `program` names it in render().
  static Result<Config> load(const std::optional<std::string>& file,
                             const std::vector<ConfigOverride>& overrides, const Environment& env,
                             const ConfigKeys& keys, std::string program);

  // A key not in the table is a programming error: these throw std::out_of_range.
  std::string str(const std::string& key) const;
  int64_t num(const std::string& key) const;  // kInt, kBytes (bytes), kDuration (ms)
  bool flag(const std::string& key) const;
  std::vector<std::string> list(const std::string& key) const;
  bool is_set(const std::string& key) const;  // false for "" and an empty list

  const std::map<std::string, ConfigValue>& values() const { return values_; }

  // Every key as TOML `key = value`, preceded by its help and followed by
  // "# from <source>". Loading it back yields the same values.
  std::string render() const;

 private:
  std::map<std::string, ConfigValue> values_;
  const ConfigKeys* keys_ = nullptr;
  std::string program_;
};

// `text` checked against `key`: the canonical text, or "expected ..., got ...".
Result<std::string> canonical_config_value(const ConfigKey& key, const std::string& text,
                                           const Environment& env);

// "--set KEY=VALUE" (repeatable) plus one flag per key, for a command's flag list.
std::vector<FlagSpec> config_flags(const ConfigKeys& keys);
// The overrides in parsed Args: --set ones first, then the dedicated flags, so
// a dedicated flag beats --set for the same key. Lists: repeated flags join.
Result<std::vector<ConfigOverride>> config_overrides(const Args& args, const ConfigKeys& keys);

}  // namespace codepulse
