// Loading, validating, overriding and rendering a program's configuration
// (config_flags.cpp: the same keys on the command line).
// toml++ is used here only, in its no-exceptions mode: a parse error is a value.
#define TOML_EXCEPTIONS 0
#include "common/config/config.hpp"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>

#include "common/ascii.hpp"

namespace codepulse {
namespace {

using Units = std::vector<std::pair<std::string_view, int64_t>>;

constexpr int64_t kKiB = int64_t{1} << 10, kMiB = int64_t{1} << 20, kGiB = int64_t{1} << 30,
                  kTiB = int64_t{1} << 40;

// Accepted suffixes, lower case. K/M/G/T and KiB... are binary, KB/MB... decimal.
const Units kByteUnits = {{"", 1},
                          {"b", 1},
                          {"k", kKiB},
                          {"kib", kKiB},
                          {"kb", 1000},
                          {"m", kMiB},
                          {"mib", kMiB},
                          {"mb", 1000000},
                          {"g", kGiB},
                          {"gib", kGiB},
                          {"gb", 1000000000},
                          {"t", kTiB},
                          {"tib", kTiB},
                          {"tb", 1000000000000}};
const Units kDurationUnits = {{"", 1},      {"ms", 1},      {"s", 1000},
                              {"m", 60000}, {"min", 60000}, {"h", 3600000}};

const ConfigKey* find_key(const ConfigKeys& keys, std::string_view name) {
  for (const auto& k : keys)
    if (k.name == name) return &k;
  return nullptr;
}

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

// "<digits>[ ]<unit>", a unit from `units` (any case), as digits * multiplier.
std::optional<int64_t> parse_scaled(std::string_view text, const Units& units) {
  text = trim(text);
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
    ++digits;
  auto n = parse_int(text.substr(0, digits));
  if (!n) return std::nullopt;
  std::string unit(trim(text.substr(digits)));
  for (char& c : unit)
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (const auto& [name, mult] : units)
    if (name == unit) {
      if (*n > INT64_MAX / mult) return std::nullopt;
      return *n * mult;
    }
  return std::nullopt;
}

// The largest unit that divides `v` exactly: "1MiB", "10s"; else `v` + `plain`.
std::string human(int64_t v, const Units& units, const char* plain) {
  for (const auto& [name, mult] : units)
    if (v > 0 && v % mult == 0) return std::to_string(v / mult) + std::string(name);
  return std::to_string(v) + plain;
}
std::string human_bytes(int64_t v) {
  return human(v, {{"TiB", kTiB}, {"GiB", kGiB}, {"MiB", kMiB}, {"KiB", kKiB}}, " bytes");
}
std::string human_ms(int64_t v) {
  return human(v, {{"h", 3600000}, {"m", 60000}, {"s", 1000}}, "ms");
}

// What a value of `k` must look like, for messages and `config show`.
std::string describe(const ConfigKey& k) {
  std::string base;
  std::string (*fmt)(int64_t) = [](int64_t v) { return std::to_string(v); };
  switch (k.type) {
    case ConfigType::kString:
      return "a string";
    case ConfigType::kPath:
      return "a path";
    case ConfigType::kBool:
      return "true or false";
    case ConfigType::kStringList:
      return "a list of strings without commas, like [\"a\", \"b\"]";
    case ConfigType::kEnum: {
      std::string out = "one of ";
      for (const auto& c : k.choices)
        out += (&c == &k.choices.front() ? "" : ", ") + c;
      return out;
    }
    case ConfigType::kInt:
      base = "an integer";
      break;
    case ConfigType::kBytes:
      base = "a size like 256MiB, 64MB or 1048576";
      fmt = human_bytes;
      break;
    case ConfigType::kDuration:
      base = "a duration like 200ms or 2s";
      fmt = human_ms;
      break;
  }
  const bool lo = k.min != INT64_MIN, hi = k.max != INT64_MAX;
  if (lo && hi) return base + " (" + fmt(k.min) + " to " + fmt(k.max) + ")";
  if (lo) return base + " (at least " + fmt(k.min) + ")";
  if (hi) return base + " (at most " + fmt(k.max) + ")";
  return base;
}

// The canonical text of `text` as a value of `k`, or nullopt when it is not one.
std::optional<std::string> parse_value(const ConfigKey& k, const std::string& text,
                                       const Environment& env) {
  std::optional<int64_t> n;
  switch (k.type) {
    case ConfigType::kString:
      return text;
    case ConfigType::kPath:
      if (text == "~") return env.home;
      if (text.starts_with("~/")) return env.home + text.substr(1);
      return text;
    case ConfigType::kBool:
      if (text == "true" || text == "false") return text;
      return std::nullopt;
    case ConfigType::kEnum:
      if (std::find(k.choices.begin(), k.choices.end(), text) != k.choices.end()) return text;
      return std::nullopt;
    case ConfigType::kStringList: {
      std::string out;
      std::istringstream in(text);
      for (std::string item; std::getline(in, item, ',');)
        if (auto t = trim(item); !t.empty()) out += (out.empty() ? "" : ",") + std::string(t);
      return out;
    }
    case ConfigType::kInt:
      n = parse_int(trim(text));
      break;
    case ConfigType::kBytes:
      n = parse_scaled(text, kByteUnits);
      break;
    case ConfigType::kDuration:
      n = parse_scaled(text, kDurationUnits);
      break;
  }
  if (!n || *n < k.min || *n > k.max) return std::nullopt;
  return std::to_string(*n);
}

// A TOML basic string.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string unknown_key(const ConfigKeys& keys, std::string_view name) {
  // Near: at most two edits away, or one name starts the other ("state" -> "state_dir").
  const ConfigKey* best = nullptr;
  size_t best_score = 3;
  std::string all;
  for (const auto& k : keys) {
    all += (all.empty() ? "" : ", ") + k.name;
    const bool prefix = name.size() >= 4 && (k.name.starts_with(name) || name.starts_with(k.name));
    const size_t score = prefix ? 0 : edit_distance(name, k.name);
    if (score < best_score) best = &k, best_score = score;
  }
  const std::string head = "unknown key '" + std::string(name) + "'";
  if (best) return head + " (did you mean '" + best->name + "'?)";
  return head + " (known keys: " + all + ")";
}

// The text of a TOML value, when its TOML type can hold a value of `k`.
std::optional<std::string> node_text(const ConfigKey& k, const toml::node& node) {
  const bool numeric =
      k.type == ConfigType::kInt || k.type == ConfigType::kBytes || k.type == ConfigType::kDuration;
  if (const auto* s = node.as_string();
      s && k.type != ConfigType::kInt && k.type != ConfigType::kBool)
    return s->get();
  if (const auto* i = node.as_integer(); i && numeric) return std::to_string(i->get());
  if (const auto* b = node.as_boolean(); b && k.type == ConfigType::kBool)
    return std::string(b->get() ? "true" : "false");
  if (const auto* a = node.as_array(); a && k.type == ConfigType::kStringList) {
    std::string out;
    for (const auto& e : *a) {
      const auto* s = e.as_string();
      if (!s || s->get().find(',') != std::string::npos) return std::nullopt;
      out += (out.empty() ? "" : ",") + s->get();
    }
    return out;
  }
  return std::nullopt;
}

Status read_file(const ConfigKeys& keys, const std::string& path, const Environment& env,
                 std::map<std::string, ConfigValue>& values) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return make_error("cannot read config file " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return make_error("config file " + path + " is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot read config file " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();

  toml::parse_result parsed = toml::parse(text, path);
  if (!parsed) {
    const auto& pos = parsed.error().source().begin;
    return make_error(path + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
                      ": " + std::string(parsed.error().description()));
  }
  std::vector<std::pair<uint32_t, std::string>> problems;  // (line, message), all reported
  for (const auto& [name, node] : parsed.table()) {
    const std::string key(name.str());
    const uint32_t line =
        node.source().begin.line ? node.source().begin.line : name.source().begin.line;
    const std::string where = path + ":" + std::to_string(line);
    const ConfigKey* k = find_key(keys, key);
    std::optional<std::string> value;
    if (node.is_table() || node.is_array_of_tables()) {
      problems.emplace_back(line, where + ": '" + key +
                                      "' is a table; the configuration is flat: top-level "
                                      "'key = value' lines only, no [sections]");
    } else if (!k) {
      problems.emplace_back(line, where + ": " + unknown_key(keys, key));
    } else if (auto t = node_text(*k, node); t && (value = parse_value(*k, *t, env))) {
      values[key] = {*value, where};
    } else {
      std::ostringstream shown;  // strings as on the command line, the rest as TOML
      if (const auto* s = node.as_string())
        shown << quote(s->get());
      else
        shown << toml::node_view<const toml::node>(node);
      problems.emplace_back(
          line, where + ": key '" + key + "': expected " + describe(*k) + ", got " + shown.str());
    }
  }
  if (problems.empty()) return {};
  std::stable_sort(problems.begin(), problems.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string message;
  for (const auto& p : problems)
    message += (message.empty() ? "" : "\n") + p.second;
  return make_error(message);
}

}  // namespace

Result<std::string> canonical_config_value(const ConfigKey& key, const std::string& text,
                                           const Environment& env) {
  if (auto v = parse_value(key, text, env)) return *v;
  return make_error("expected " + describe(key) + ", got " + quote(text));
}

Result<Config> Config::load(const std::optional<std::string>& file,
                            const std::vector<ConfigOverride>& overrides, const Environment& env,
                            const ConfigKeys& keys, std::string program) {
  Config c;
  c.keys_ = &keys;
  c.program_ = std::move(program);
  for (const auto& k : keys) {
    const std::string text = k.default_from ? k.default_from(env) : k.default_value;
    auto v = canonical_config_value(k, text, env);
    if (!v) return make_error("built-in default of key '" + k.name + "': " + v.error().message);
    c.values_[k.name] = {*v, "default"};
  }
  if (file) {
    if (auto s = read_file(keys, *file, env, c.values_); !s) return s.error();
  }
  for (const auto& [key, text, source] : overrides) {
    const ConfigKey* k = find_key(keys, key);
    if (!k) return make_error(source + ": " + unknown_key(keys, key));
    auto v = canonical_config_value(*k, text, env);
    if (!v) return make_error(source + ": key '" + key + "': " + v.error().message);
    c.values_[key] = {*v, source};
  }
  return c;
}

std::string Config::str(const std::string& key) const {
  return values_.at(key).text;
}

int64_t Config::num(const std::string& key) const {
  return parse_int(values_.at(key).text).value_or(0);
}

bool Config::flag(const std::string& key) const {
  return values_.at(key).text == "true";
}

std::vector<std::string> Config::list(const std::string& key) const {
  std::vector<std::string> out;
  std::istringstream in(values_.at(key).text);
  for (std::string item; std::getline(in, item, ',');)
    out.push_back(item);
  return out;
}

bool Config::is_set(const std::string& key) const {
  return !values_.at(key).text.empty();
}

std::string Config::render() const {
  std::string out =
      "# " + program_ +
      " configuration in effect, as TOML.\n"
      "# Precedence: built-in default < config file < --set KEY=VALUE < --KEY VALUE.\n";
  for (const auto& k : *keys_) {
    const ConfigValue& v = values_.at(k.name);
    std::string value, unit;
    switch (k.type) {
      case ConfigType::kInt:
      case ConfigType::kBool:
        value = v.text;
        break;
      case ConfigType::kBytes:
        value = v.text, unit = "bytes, ";
        break;
      case ConfigType::kDuration:
        value = v.text, unit = "ms, ";
        break;
      case ConfigType::kString:
      case ConfigType::kPath:
      case ConfigType::kEnum:
        value = quote(v.text);
        break;
      case ConfigType::kStringList:
        for (const auto& item : list(k.name))
          value += (value.empty() ? "" : ", ") + quote(item);
        value = "[" + value + "]";
        break;
    }
    out += "\n# " + k.help + "\n# " + describe(k) + "\n" + k.name + " = " + value + "  # " + unit +
           "from " + v.source + "\n";
  }
  return out;
}

}  // namespace codepulse
