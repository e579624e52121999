#include "common/pricing.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/embedded_prices.hpp"

namespace codepulse {
namespace {

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

Result<int64_t> price_to_nanos(simdjson::dom::element el, const std::string& where) {
  double v = 0;
  if (auto err = el.get_double().get(v); err) {
    int64_t i = 0;
    if (el.get_int64().get(i)) return make_error(where + ": expected a number");
    v = static_cast<double>(i);
  }
  if (!(v >= 0) || v > 1e6) return make_error(where + ": price out of range");
  const double nanos = v * 1000.0;  // USD per million tokens -> nano-dollars per token
  const double rounded = std::round(nanos);
  if (std::fabs(nanos - rounded) > 1e-6)
    return make_error(where + ": more than 3 decimals per million tokens is not supported");
  return static_cast<int64_t>(rounded);
}

Result<Rates> parse_rates(simdjson::dom::object obj, const std::string& where) {
  Rates r;
  struct Field {
    const char* key;
    int64_t Rates::*member;
  };
  static constexpr Field kFields[] = {{"input", &Rates::input},
                                      {"output", &Rates::output},
                                      {"cache_write_5m", &Rates::cache_write_5m},
                                      {"cache_write_1h", &Rates::cache_write_1h},
                                      {"cache_read", &Rates::cache_read}};
  for (const auto& f : kFields) {
    simdjson::dom::element el;
    if (obj[f.key].get(el)) return make_error(where + ": missing key '" + f.key + "'");
    auto nanos = price_to_nanos(el, where + "." + f.key);
    if (!nanos) return nanos.error();
    r.*(f.member) = *nanos;
  }
  return r;
}

}  // namespace

std::string normalize_model_id(std::string_view id) {
  std::string s;
  s.reserve(id.size());
  for (char c : id)
    s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  // Provider prefixes: "anthropic/", "bedrock/...", "vertex_ai/", and Bedrock's
  // "[region.]anthropic." form.
  if (auto slash = s.rfind('/'); slash != std::string::npos) s.erase(0, slash + 1);
  if (auto pos = s.find("anthropic."); pos != std::string::npos) s.erase(0, pos + 10);
  // Suffixes: "[1m]", Bedrock "-v1:0", Vertex "@20250929", "-20250929", "-latest".
  if (ends_with(s, "[1m]")) s.resize(s.size() - 4);
  if (auto pos = s.rfind("-v"); pos != std::string::npos) {
    std::string_view tail = std::string_view(s).substr(pos + 2);
    const auto colon = tail.find(':');
    if (is_digits(tail.substr(0, colon)) &&
        (colon == std::string_view::npos || is_digits(tail.substr(colon + 1))))
      s.resize(pos);
  }
  if (auto at = s.find('@'); at != std::string::npos) s.resize(at);
  if (ends_with(s, "-latest")) s.resize(s.size() - 7);
  if (s.size() > 9 && s[s.size() - 9] == '-' && is_digits(std::string_view(s).substr(s.size() - 8)))
    s.resize(s.size() - 9);
  return s;
}

std::string format_usd(int64_t nanos, int decimals) {
  const bool neg = nanos < 0;
  uint64_t v = neg ? static_cast<uint64_t>(-(nanos + 1)) + 1 : static_cast<uint64_t>(nanos);
  uint64_t scale = 1;
  for (int i = decimals; i < 9; ++i)
    scale *= 10;
  v = (v + scale / 2) / scale;  // round half away from zero
  uint64_t unit = 1;
  for (int i = 0; i < decimals; ++i)
    unit *= 10;
  char buf[48];
  if (decimals == 0) {
    std::snprintf(buf, sizeof buf, "%s%llu", neg ? "-" : "", static_cast<unsigned long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%s%llu.%0*llu", neg ? "-" : "",
                  static_cast<unsigned long long>(v / unit), decimals,
                  static_cast<unsigned long long>(v % unit));
  }
  return buf;
}

const PriceTable& PriceTable::builtin() {
  static const PriceTable table = [] {
    auto parsed = parse(embedded_default_prices(), "builtin price table");
    if (!parsed) {
      std::fprintf(stderr, "codepulse: %s\n", parsed.error().message.c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return table;
}

Result<PriceTable> PriceTable::parse(std::string_view json, const std::string& source) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root); err)
    return make_error(source + ": invalid JSON: " + simdjson::error_message(err));
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) return make_error(source + ": top level must be an object");
  PriceTable t;
  std::string_view version;
  if (obj["version"].get_string().get(version) || version.empty())
    return make_error(source + ": missing string key 'version'");
  t.version_ = std::string(version);
  if (simdjson::dom::element el; !obj["web_search_usd_per_1000"].get(el)) {
    auto per_thousand = price_to_nanos(el, source + ": web_search_usd_per_1000");
    if (!per_thousand) return per_thousand.error();
    // USD per 1,000 requests -> nano-dollars per request.
    t.web_search_nanos_each_ = *per_thousand * 1000;
  }
  if (int64_t th = 0; !obj["long_context_threshold_tokens"].get_int64().get(th)) {
    if (th <= 0) return make_error(source + ": long_context_threshold_tokens must be positive");
    t.long_context_threshold_ = th;
  }
  simdjson::dom::array models;
  if (obj["models"].get_array().get(models))
    return make_error(source + ": missing array key 'models'");
  size_t index = 0;
  for (simdjson::dom::element m : models) {
    const std::string where = source + ": models[" + std::to_string(index++) + "]";
    simdjson::dom::object mo;
    if (m.get_object().get(mo)) return make_error(where + ": expected an object");
    ModelPrice mp;
    std::string_view family;
    if (mo["family"].get_string().get(family) || family.empty())
      return make_error(where + ": missing string key 'family'");
    mp.family = normalize_model_id(family);
    if (simdjson::dom::array aliases; !mo["aliases"].get_array().get(aliases)) {
      for (simdjson::dom::element a : aliases) {
        std::string_view s;
        if (a.get_string().get(s)) return make_error(where + ".aliases: expected strings");
        mp.aliases.push_back(normalize_model_id(s));
      }
    }
    auto base = parse_rates(mo, where);
    if (!base) return base.error();
    mp.base = *base;
    if (simdjson::dom::object lc; !mo["long_context"].get_object().get(lc)) {
      auto rates = parse_rates(lc, where + ".long_context");
      if (!rates) return rates.error();
      mp.long_context = *rates;
    }
    if (simdjson::dom::element fm; !mo["fast_multiplier"].get(fm)) {
      auto milli = price_to_nanos(fm, where + ".fast_multiplier");
      if (!milli) return milli.error();
      mp.fast_multiplier_milli = *milli;
    }
    t.models_.push_back(std::move(mp));
  }
  return t;
}

Result<PriceTable> PriceTable::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot read price table " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

const ModelPrice* PriceTable::find(std::string_view model_id) const {
  const std::string norm = normalize_model_id(model_id);
  for (const auto& m : models_) {
    if (m.family == norm) return &m;
    for (const auto& a : m.aliases)
      if (a == norm) return &m;
  }
  return nullptr;
}

namespace {
__extension__ typedef __int128 Wide;
}  // namespace

CostResult PriceTable::cost(std::string_view model_id, const TokenCounts& t) const {
  return cost_for(find(model_id), t);
}

CostResult PriceTable::cost_for(const ModelPrice* m, const TokenCounts& t) const {
  CostResult r;
  if (!m) return r;
  const Wide prompt = Wide{t.input} + t.cache_write_5m + t.cache_write_1h + t.cache_read;
  r.long_context = m->long_context.has_value() && prompt > long_context_threshold_;
  const Rates& rt = r.long_context ? *m->long_context : m->base;
  // In 128 bits, clamped to 64: counts from a log are bounded by the parser,
  // but no input may make this overflow.
  Wide nanos = Wide{t.input} * rt.input + Wide{t.output} * rt.output +
               Wide{t.cache_write_5m} * rt.cache_write_5m +
               Wide{t.cache_write_1h} * rt.cache_write_1h + Wide{t.cache_read} * rt.cache_read;
  if (t.fast) {
    if (m->fast_multiplier_milli > 0)
      nanos =
          nanos / 1000 * m->fast_multiplier_milli + nanos % 1000 * m->fast_multiplier_milli / 1000;
    else
      r.fast_unpriced = true;
  }
  nanos += Wide{t.web_search_requests} * web_search_nanos_each_;
  r.nanos = static_cast<int64_t>(std::clamp<Wide>(nanos, INT64_MIN, INT64_MAX));
  return r;
}

}  // namespace codepulse
