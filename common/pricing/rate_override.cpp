#include "common/pricing/rate_override.hpp"

#include <simdjson.h>

#include <cmath>

#include "common/json_writer.hpp"
#include "common/utf8.hpp"

namespace codepulse {

namespace dom = simdjson::dom;

bool glob_match(std::string_view p, std::string_view t) {
  size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*')
    ++pi;
  return pi == p.size();
}

const char* scope_name(RateOverride::Scope scope) {
  switch (scope) {
    case RateOverride::Scope::kAll:
      return "all";
    case RateOverride::Scope::kEndpoint:
      return "endpoint";
    case RateOverride::Scope::kFamily:
      return "family";
  }
  return "all";
}

bool RateOverride::applies(std::string_view family, EndpointKind endpoint, int64_t ts_ms) const {
  return ts_ms >= from_ms && ts_ms < until_ms && covers(family, endpoint);
}

bool RateOverride::covers(std::string_view family, EndpointKind endpoint) const {
  switch (scope) {
    case Scope::kAll:
      return true;
    case Scope::kEndpoint:
      return match == endpoint_name(endpoint);
    case Scope::kFamily:
      return glob_match(match, family);
  }
  return false;
}

namespace {

Result<double> number_at(dom::object obj, std::string_view key, const std::string& where) {
  dom::element el;
  if (obj[key].get(el)) return make_error(where + ": missing key '" + std::string(key) + "'");
  double v = 0;
  if (!el.get_double().get(v)) return v;
  int64_t i = 0;
  if (!el.get_int64().get(i)) return static_cast<double>(i);
  return make_error(where + "." + std::string(key) + ": expected a number");
}

Result<int64_t> time_at(dom::object obj, const char* key, const std::string& where,
                        int64_t absent) {
  dom::element el;
  if (obj[key].get(el)) return absent;
  std::string_view text;
  std::optional<int64_t> ms;
  if (!el.get_string().get(text)) ms = parse_effective_time(text);
  if (!ms)
    return make_error(where + "." + key +
                      ": expected an ISO 8601 time with Z or an offset, or a date");
  if (*ms % (15 * 60'000) != 0) return make_error(where + "." + key + ": not on a quarter hour");
  return *ms;
}

}  // namespace

Result<RateOverride> parse_rate_override(std::string_view json, const std::string& where) {
  dom::parser parser;
  simdjson::padded_string padded(json);
  dom::object obj;
  if (auto err = parser.parse(padded).get_object().get(obj); err)
    return make_error(where + ": expected a JSON object: " + simdjson::error_message(err));
  static constexpr std::string_view kKeys[] = {"id",         "scope",     "match", "from",
                                               "until",      "percent",   "rates", "note",
                                               "created_by", "created_ms"};
  for (auto field : obj) {
    bool known = false;
    for (auto k : kKeys)
      known |= field.key == k;
    if (!known) return make_error(where + ": unknown key '" + excerpt(field.key) + "'");
  }
  RateOverride o;
  std::string_view text;
  if (obj["scope"].get_string().get(text))
    return make_error(where + ": missing string key 'scope' (all, endpoint or family)");
  if (text == "all") {
    o.scope = RateOverride::Scope::kAll;
  } else if (text == "endpoint") {
    o.scope = RateOverride::Scope::kEndpoint;
  } else if (text == "family") {
    o.scope = RateOverride::Scope::kFamily;
  } else {
    return make_error(where + ".scope: '" + excerpt(text) + "' is not all, endpoint or family");
  }
  if (!obj["match"].get_string().get(text)) o.match = std::string(text);
  if (o.scope != RateOverride::Scope::kAll && o.match.empty())
    return make_error(where + ": scope '" + scope_name(o.scope) + "' needs 'match'");
  auto from = time_at(obj, "from", where, kBeginningOfTime);
  if (!from) return from.error();
  auto until = time_at(obj, "until", where, kEndOfTime);
  if (!until) return until.error();
  o.from_ms = *from;
  o.until_ms = *until;
  if (o.until_ms <= o.from_ms) return make_error(where + ": 'until' must be after 'from'");
  dom::element el;
  const bool has_percent = !obj["percent"].get(el);
  const bool has_rates = !obj["rates"].get(el);
  if (has_percent == has_rates)
    return make_error(where + ": give exactly one of 'percent' and 'rates'");
  if (has_percent) {
    auto pct = number_at(obj, "percent", where);
    if (!pct) return pct.error();
    if (!std::isfinite(*pct) || *pct <= -100 || *pct > 1000)
      return make_error(where + ".percent: must be above -100 and at most 1000");
    auto ppm = multiplier_to_ppm(1.0 + *pct / 100.0, where + ".percent");
    if (!ppm) return ppm.error();
    o.multiplier_ppm = *ppm;
  } else {
    dom::object ro;
    if (obj["rates"].get_object().get(ro)) return make_error(where + ".rates: expected an object");
    Rates r;
    struct Field {
      std::string_view key;
      int64_t Rates::*member;
    };
    static constexpr Field kFields[] = {{"input", &Rates::input},
                                        {"output", &Rates::output},
                                        {"cache_write_5m", &Rates::cache_write_5m},
                                        {"cache_write_1h", &Rates::cache_write_1h},
                                        {"cache_read", &Rates::cache_read}};
    for (auto field : ro) {
      bool known = false;
      for (const auto& f : kFields)
        known |= field.key == f.key;
      if (!known) return make_error(where + ".rates: unknown key '" + excerpt(field.key) + "'");
    }
    for (const auto& f : kFields) {
      auto v = number_at(ro, f.key, where + ".rates");
      if (!v) return v.error();
      auto nanos = usd_per_mtok_to_nanos(*v, where + ".rates." + std::string(f.key));
      if (!nanos) return nanos.error();
      r.*(f.member) = *nanos;
    }
    o.rates = r;
  }
  if (!obj["note"].get_string().get(text)) o.note = std::string(text);
  if (!obj["created_by"].get_string().get(text)) o.created_by = std::string(text);
  if (int64_t v = 0; !obj["created_ms"].get_int64().get(v)) o.created_ms = v;
  if (int64_t v = 0; !obj["id"].get_int64().get(v)) o.id = v;
  return o;
}

std::string rate_override_json(const RateOverride& o) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("id", o.id);
  w.field("scope", scope_name(o.scope));
  if (o.scope != RateOverride::Scope::kAll) w.field("match", o.match);
  if (o.from_ms != kBeginningOfTime) w.field("from", format_effective_time(o.from_ms));
  if (o.until_ms != kEndOfTime) w.field("until", format_effective_time(o.until_ms));
  if (o.multiplier_ppm) {
    // ppm -> percent with up to 4 decimals: (ppm - 1e6) / 1e4.
    w.key("percent").raw_number(format_decimal(*o.multiplier_ppm - kOnePpm, 10'000, 4));
  }
  if (o.rates) {
    w.key("rates").begin_object();
    w.key("input").raw_number(nanos_to_usd_per_mtok(o.rates->input));
    w.key("output").raw_number(nanos_to_usd_per_mtok(o.rates->output));
    w.key("cache_write_5m").raw_number(nanos_to_usd_per_mtok(o.rates->cache_write_5m));
    w.key("cache_write_1h").raw_number(nanos_to_usd_per_mtok(o.rates->cache_write_1h));
    w.key("cache_read").raw_number(nanos_to_usd_per_mtok(o.rates->cache_read));
    w.end_object();
  }
  w.field("note", o.note);
  w.field("created_by", o.created_by);
  w.field("created_ms", o.created_ms);
  w.end_object();
  return out;
}

Status check_rate_override(const RateOverride& o, const PriceBook& book) {
  const std::string name = "override" + (o.id ? " " + std::to_string(o.id) : std::string());
  if (o.scope == RateOverride::Scope::kEndpoint && o.match != "anthropic" && o.match != "bedrock" &&
      o.match != "vertex")
    return make_error(name + ": endpoint '" + excerpt(o.match) +
                      "' is not anthropic, bedrock or vertex");
  if (o.scope == RateOverride::Scope::kFamily) {
    bool any = false;
    for (const auto& m : book.models())
      any |= glob_match(o.match, m.family);
    if (!any)
      return make_error(name + ": the pattern '" + excerpt(o.match) +
                        "' matches no model family of book " + excerpt(book.revision()));
  }
  return {};
}

}  // namespace codepulse
