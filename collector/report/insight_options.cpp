// Waste and anomaly settings by name (insight_options.hpp).
#include "collector/report/insight_options.hpp"

#include <charconv>

#include "common/text_controls.hpp"

namespace codepulse::collector {

namespace {

std::string underscored(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (c == '-') c = '_';
  return out;
}

Result<int64_t> whole(std::string_view name, std::string_view value, int64_t min, int64_t max) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || v < min || v > max)
    return make_error(std::string(name) + ": expected a whole number from " + std::to_string(min) +
                      " to " + std::to_string(max) + ", got '" + replace_control_characters(value) +
                      "'");
  return v;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& waste_option_names() {
  static const std::vector<std::pair<std::string, std::string>> names{
      {"no_commit_days", "days after a session's last request its commits may come (7)"},
      {"error_loop_errors", "failed calls of one tool in a row that make a loop (3)"},
      {"idle_minutes", "minutes without a request after which a turn is abandoned (30)"},
  };
  return names;
}

const std::vector<std::pair<std::string, std::string>>& anomaly_option_names() {
  static const std::vector<std::pair<std::string, std::string>> names{
      {"k", "times the trailing median a day or session must pass (3)"},
      {"trailing_days", "days of history before the one judged (28)"},
      {"min_active_days", "active days (or sessions) the history needs (5)"},
      {"pricier_ratio", "times last week's main model's price this week's must reach (2)"},
      {"burst_per_minute", "requests of one session in 60 s above which it is a burst (30)"},
  };
  return names;
}

Result<bool> set_waste_option(WasteOptions& o, std::string_view name, std::string_view value) {
  const std::string n = underscored(name);
  int64_t* target = nullptr;
  int64_t min = 1, max = 365, scale = 1;
  if (n == "no_commit_days") {
    target = &o.no_commit_days;
  } else if (n == "error_loop_errors") {
    target = &o.error_loop_errors;
    min = 2;
    max = 1000;
  } else if (n == "idle_minutes") {
    target = &o.abandon_idle_ms;
    max = 7 * 24 * 60;
    scale = 60'000;
  } else {
    return false;
  }
  auto v = whole(name, value, min, max);
  if (!v) return v.error();
  *target = *v * scale;
  return true;
}

Result<bool> set_anomaly_option(AnomalyOptions& o, std::string_view name, std::string_view value) {
  const std::string n = underscored(name);
  int64_t* target = nullptr;
  int64_t min = 1, max = 1000;
  if (n == "k") {
    target = &o.k;
    min = 2;
  } else if (n == "trailing_days") {
    target = &o.trailing_days;
    min = 7;
    max = 365;
  } else if (n == "min_active_days") {
    target = &o.min_active_days;
    max = 365;
  } else if (n == "pricier_ratio") {
    target = &o.pricier_ratio;
    min = 2;
  } else if (n == "burst_per_minute") {
    target = &o.burst_per_minute;
    max = 100'000;
  } else {
    return false;
  }
  auto v = whole(name, value, min, max);
  if (!v) return v.error();
  *target = *v;
  return true;
}

}  // namespace codepulse::collector
