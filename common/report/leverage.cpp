#include "common/report/leverage.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace codepulse::report {
namespace {

struct WeightName {
  const char* name;
  double LeverageWeights::*field;
};
constexpr WeightName kWeights[] = {{"lines_added", &LeverageWeights::lines_added},
                                   {"lines_removed", &LeverageWeights::lines_removed},
                                   {"refactoring", &LeverageWeights::refactoring},
                                   {"skills", &LeverageWeights::skills},
                                   {"mcp", &LeverageWeights::mcp}};

}  // namespace

double leverage_activity(const LeverageInputs& in, const LeverageWeights& w) {
  return static_cast<double>(in.lines_added) * w.lines_added +
         static_cast<double>(in.lines_removed) * w.lines_removed +
         static_cast<double>(in.refactoring) * w.refactoring +
         static_cast<double>(in.skills) * w.skills + static_cast<double>(in.mcp) * w.mcp;
}

std::optional<double> leverage_score(const LeverageInputs& in, const LeverageWeights& w) {
  if (in.cost_nanos <= 0) return std::nullopt;
  return leverage_activity(in, w) / (static_cast<double>(in.cost_nanos) / 1e9);
}

Result<LeverageWeights> parse_leverage_weights(std::string_view text) {
  LeverageWeights w;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view item = text.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    const std::string_view name = item.substr(0, eq);
    const auto* known = std::find_if(std::begin(kWeights), std::end(kWeights),
                                     [name](const WeightName& k) { return name == k.name; });
    if (eq == std::string_view::npos || known == std::end(kWeights))
      return make_error(
          "leverage weights: expected NAME=NUMBER with NAME one of lines_added, "
          "lines_removed, refactoring, skills, mcp; got '" +
          std::string(item.substr(0, 100)) + "'");
    const std::string number(item.substr(eq + 1));
    char* end = nullptr;
    const double v = std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0' || !std::isfinite(v) || v < 0 || v > 1000)
      return make_error("leverage weights: " + std::string(name) +
                        " must be a number from 0 to 1000, got '" + number.substr(0, 100) + "'");
    w.*(known->field) = v;
  }
  return w;
}

std::string format_leverage_weights(const LeverageWeights& w) {
  std::string out;
  for (const WeightName& k : kWeights) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s=%g", out.empty() ? "" : ",", k.name, w.*(k.field));
    out += buf;
  }
  return out;
}

std::optional<double> percentile(std::vector<int64_t>& values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double rank = (p / 100.0) * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  const double frac = rank - static_cast<double>(lo);
  return static_cast<double>(values[lo]) +
         (static_cast<double>(values[hi]) - static_cast<double>(values[lo])) * frac;
}

}  // namespace codepulse::report
