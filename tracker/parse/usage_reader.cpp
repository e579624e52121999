// A message's usage object: token counts (with the cache_creation breakdown),
// server_tool_use, speed, inference_geo, and the advisor_message entries of
// usage.iterations (their index, model and counts; nothing else of them).
#include "tracker/parse/usage_reader.hpp"

#include <string_view>

#include "tracker/parse/json_values_internal.hpp"

namespace codepulse::tracker {

using namespace parse_internal;

namespace {

// More entries than any request has; also the wire's limit on `iteration`.
constexpr int64_t kMaxIterations = 10'000;
constexpr size_t kMaxGeoLength = 32;
constexpr size_t kMaxModelLength = 128;

// usage.cache_creation (or an iteration's): cache writes by lifetime. False
// on a broken field.
bool read_cache_creation(od::object cc, UsageCounts& c) {
  for (auto field : cc) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return false;
    if (key == "ephemeral_5m_input_tokens")
      c.valid &= read_count(v, c.c5m);
    else if (key == "ephemeral_1h_input_tokens")
      c.valid &= read_count(v, c.c1h);
  }
  return true;
}

enum class CountField { kNone, kRead, kBroken };

// One of the token counts a usage object and its iterations share: the four
// counts and the cache_creation breakdown. kNone when `key` is another field;
// kBroken on a broken token inside cache_creation.
CountField read_count_field(const od::raw_json_string& key, od::value v, UsageCounts& c) {
  if (key == "input_tokens") {
    c.valid &= read_count(v, c.input);
    c.have_input = true;
  } else if (key == "output_tokens") {
    c.valid &= read_count(v, c.output);
    c.have_output = true;
  } else if (key == "cache_creation_input_tokens") {
    c.valid &= read_nullable_count(v, c.cache_creation_total);
  } else if (key == "cache_read_input_tokens") {
    c.valid &= read_nullable_count(v, c.cache_read);
  } else if (key == "cache_creation") {
    od::object cc;
    if (v.get_object().get(cc)) return CountField::kRead;  // null or not an object: no breakdown
    c.has_breakdown = true;
    if (!read_cache_creation(cc, c)) return CountField::kBroken;
  } else {
    return CountField::kNone;
  }
  return CountField::kRead;
}

// usage.server_tool_use: web searches and fetches. False on a broken field.
bool read_server_tool_use(od::object stu, UsageFields& u) {
  for (auto field : stu) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return false;
    if (key == "web_search_requests")
      u.valid &= read_count(v, u.web_search);
    else if (key == "web_fetch_requests")
      u.valid &= read_count(v, u.web_fetch);
  }
  return true;
}

// A region code such as "us", "global" or "not_available": short, and only
// [a-z0-9_-]. Anything else is not kept (it could be any text).
bool is_geo_code(std::string_view s) {
  if (s.size() > kMaxGeoLength) return false;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// What is wrong with an advisor entry, or "" when it can be priced.
std::string advisor_problem(const AdvisorFields& a) {
  const std::string where = "usage.iterations[" + std::to_string(a.index) + "] (advisor_message) ";
  if (!a.has_model || a.model.empty() || a.model.size() > kMaxModelLength)
    return where + "has no model id (a string of at most 128 bytes)";
  if (!a.valid || !a.have_input || !a.have_output)
    return where + "has missing, negative, non-integer or absurd (over 10^9) token counts";
  return "";
}

// One entry of usage.iterations; its fields come in any order, so the type
// is known only at the end. Only an advisor_message entry is kept. Returns
// what is wrong, or "".
std::string read_iteration(od::value entry, int64_t index, UsageFields& u) {
  od::object it;
  if (entry.get_object().get(it))
    return "usage.iterations[" + std::to_string(index) + "] is not an object";
  AdvisorFields a;
  a.index = index;
  bool advisor = false;
  for (auto field : it) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return "broken usage.iterations";
    if (key == "type") {
      std::string_view type;
      advisor = !v.get_string().get(type) && type == "advisor_message";
    } else if (key == "model") {
      a.has_model = read_string(v, a.model);
    } else if (read_count_field(key, v, a) == CountField::kBroken) {
      return "broken usage.iterations";
    }
    // Any other field of an iteration is never read.
  }
  if (!advisor) return "";  // message, compaction, fallback_message: in the top level
  std::string problem = advisor_problem(a);
  if (problem.empty()) u.advisors.push_back(std::move(a));
  return problem;
}

// usage.iterations: null or an array of objects.
void read_iterations(od::value v, UsageFields& u) {
  bool null = false;
  if (!v.is_null().get(null) && null) return;
  od::array entries;
  if (v.get_array().get(entries)) {
    u.iterations_problem = "usage.iterations is not an array";
    return;
  }
  int64_t index = 0;
  for (auto entry : entries) {
    od::value e;
    if (entry.get(e)) {
      u.iterations_problem = "broken usage.iterations";
      return;
    }
    if (index >= kMaxIterations) {
      u.iterations_problem =
          "usage.iterations holds more than " + std::to_string(kMaxIterations) + " entries";
      return;
    }
    u.iterations_problem = read_iteration(e, index, u);
    if (!u.iterations_problem.empty()) return;
    ++index;
  }
}

}  // namespace

void read_usage(od::object usage, UsageFields& u) {
  u.present = true;
  for (auto field : usage) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) {
      u.valid = false;
      return;
    }
    const CountField counted = read_count_field(key, v, u);
    if (counted == CountField::kBroken) {
      u.valid = false;
      return;
    }
    if (counted == CountField::kRead) continue;
    if (key == "server_tool_use") {
      od::object stu;
      if (v.get_object().get(stu)) continue;
      if (!read_server_tool_use(stu, u)) {
        u.valid = false;
        return;
      }
    } else if (key == "speed") {
      std::string_view s;
      if (!v.get_string().get(s)) u.fast = (s == "fast");
    } else if (key == "inference_geo") {
      std::string_view geo;
      if (!v.get_string().get(geo) && is_geo_code(geo))
        u.inference_geo.assign(geo);
      else
        u.inference_geo.clear();
    } else if (key == "iterations") {
      u.advisors.clear();
      u.iterations_problem.clear();
      read_iterations(v, u);
    }
  }
}

}  // namespace codepulse::tracker
