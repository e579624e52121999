// A small evaluator for the PromQL that docs/OPERATIONS.md's alerts use,
// against one scrape of the collector's /metrics: selectors with =, !=, =~
// and !~ matchers, rate() and increase() over a range, histogram_quantile(),
// sum/max/min/avg (with by), arithmetic with numbers, and comparisons. It
// checks that every selector matches a series of the right type; from one
// scrape a rate is 0, so only instant expressions can be said to fire.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace codepulse::test {

struct MetricSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Prometheus text format: the samples and each family's # TYPE.
struct MetricScrape {
  std::vector<MetricSample> samples;
  std::map<std::string, std::string> types;
};
MetricScrape parse_metrics_text(const std::string& text);

struct AlertEvaluation {
  std::string error;    // "" when well-formed and every selector matches a series
  bool instant = true;  // no rate() or increase(): `fires` is meaningful
  bool fires = false;   // the expression's result is not empty now
};
AlertEvaluation evaluate_alert(const std::string& expression, const MetricScrape& scrape);

}  // namespace codepulse::test
