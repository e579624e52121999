// codepulse-collector leverage: the leverage score of given activity and
// spend, for people checking the formula by hand (docs/METRICS.md).
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "collector/cli/commands.hpp"
#include "common/cli/args.hpp"
#include "common/report/leverage.hpp"

namespace codepulse::collector {
namespace {

Result<int64_t> count_flag(const Args& args, const char* name) {
  const auto v = args.get(name);
  if (!v) return int64_t{0};
  char* end = nullptr;
  const long long n = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || n < 0 || n > 1'000'000'000'000LL)
    return make_error(std::string("--") + name + ": expected a whole number from 0, got '" +
                      v->substr(0, 40) + "'");
  return static_cast<int64_t>(n);
}

}  // namespace

int run_leverage_command(const std::vector<std::string>& argv) {
  const std::vector<FlagSpec> specs = {
      {"lines-added", true, false, "lines added", "N"},
      {"lines-removed", true, false, "lines removed", "N"},
      {"refactoring", true, false, "lines of earlier code updated or deleted", "N"},
      {"skills", true, false, "Skill invocations", "N"},
      {"mcp", true, false, "MCP tool invocations", "N"},
      {"cost", true, false, "spend in US dollars (required)", "USD"},
      {"weights", true, false,
       "weights, e.g. lines_added=1,lines_removed=0.875,refactoring=0.75,skills=1,mcp=0.875 "
       "(the default)",
       "W"},
      {"help", false, false, "show this help"}};
  const auto args =
      parse_command(kProgram, argv, specs,
                    "Usage: codepulse-collector leverage --cost USD [--lines-added N] "
                    "[--lines-removed N]\n"
                    "       [--refactoring N] [--skills N] [--mcp N] [--weights W]\n\n"
                    "The leverage score: (lines added x 1 + lines removed x 0.875 + refactoring x "
                    "0.75\n+ Skill calls x 1 + MCP calls x 0.875) / cost in dollars.");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  report::LeverageInputs in;
  const std::pair<const char*, int64_t*> counts[] = {{"lines-added", &in.lines_added},
                                                     {"lines-removed", &in.lines_removed},
                                                     {"refactoring", &in.refactoring},
                                                     {"skills", &in.skills},
                                                     {"mcp", &in.mcp}};
  for (const auto& [name, field] : counts) {
    auto n = count_flag(*args, name);
    if (!n) return fail(n.error().message, kExitUsage);
    *field = *n;
  }
  const auto cost = args->get("cost");
  if (!cost) return fail("--cost USD is required (see --help)", kExitUsage);
  char* end = nullptr;
  const double dollars = std::strtod(cost->c_str(), &end);
  if (cost->empty() || *end != '\0' || !std::isfinite(dollars) || dollars <= 0 || dollars > 1e12)
    return fail("--cost: expected a positive amount of dollars, got '" + cost->substr(0, 40) + "'",
                kExitUsage);
  in.cost_nanos = std::llround(dollars * 1e9);
  report::LeverageWeights weights;
  if (const auto w = args->get("weights")) {
    auto parsed = report::parse_leverage_weights(*w);
    if (!parsed) return fail("--" + parsed.error().message, kExitUsage);
    weights = *parsed;
  }
  const double activity = report::leverage_activity(in, weights);
  const auto score = report::leverage_score(in, weights);
  std::printf("leverage %.2f\n", score.value_or(0));
  std::printf("  activity %.3f = %lld x %g + %lld x %g + %lld x %g + %lld x %g + %lld x %g\n",
              activity, static_cast<long long>(in.lines_added), weights.lines_added,
              static_cast<long long>(in.lines_removed), weights.lines_removed,
              static_cast<long long>(in.refactoring), weights.refactoring,
              static_cast<long long>(in.skills), weights.skills, static_cast<long long>(in.mcp),
              weights.mcp);
  std::printf("  cost     $%.2f\n", dollars);
  return kExitOk;
}

}  // namespace codepulse::collector
