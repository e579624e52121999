// parse: the reader of a message's "usage" object: token counts, the cache
// write breakdown, server tool counts, speed, inference_geo and the advisor
// entries of usage.iterations. Used by message_reader.cpp.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <vector>

namespace codepulse::tracker {

// Token counts of a usage object, or of one of its iterations, as read.
struct UsageCounts {
  bool valid = true;  // false: a count is negative, not an integer or absurd
  bool has_breakdown = false;
  int64_t input = 0, output = 0, cache_creation_total = 0, cache_read = 0;
  int64_t c5m = 0, c1h = 0;
  bool have_input = false, have_output = false;
};

// An advisor_message entry of usage.iterations: its index in the array, its
// model and its counts. Nothing else of an iteration is read.
struct AdvisorFields : UsageCounts {
  int64_t index = 0;
  std::string model;
  bool has_model = false;
};

// message.usage as read; checked when the line turns out to be a request.
struct UsageFields : UsageCounts {
  bool present = false;
  int64_t web_search = 0, web_fetch = 0;
  bool fast = false;
  std::string inference_geo;  // "" unless a short code of [a-z0-9_-]
  std::vector<AdvisorFields> advisors;
  // A broken usage.iterations (not an array, an entry that is not an object,
  // an advisor entry with a bad model or counts): what is wrong.
  std::string iterations_problem;
};

// Reads every field of a usage object into `u` (u.present is set).
void read_usage(simdjson::ondemand::object usage, UsageFields& u);

}  // namespace codepulse::tracker
