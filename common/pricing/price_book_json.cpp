// The price book's JSON form (format 2): the strict reader, which rejects
// anything it does not know, and the canonical writer.
#include <simdjson.h>

#include <algorithm>
#include <initializer_list>

#include "common/hashing.hpp"
#include "common/json_writer.hpp"
#include "common/pricing/model_id.hpp"
#include "common/pricing/price_book.hpp"
#include "common/utf8.hpp"

namespace codepulse {

namespace dom = simdjson::dom;

class PriceBookReader {
 public:
  explicit PriceBookReader(std::string source) : source_(std::move(source)) {}
  Result<PriceBook> read(std::string_view json);

 private:
  Status known_keys(dom::object obj, std::initializer_list<std::string_view> keys,
                    const std::string& where);
  Result<int64_t> price(dom::object obj, std::string_view key, const std::string& where);
  Result<Rates> rates(dom::object obj, const std::string& where);
  Result<std::vector<NamedMultiplier>> multipliers(dom::object obj, const std::string& where);
  Status times(dom::object obj, const std::string& where, int64_t& from, int64_t& until,
               bool& has_until);
  Result<std::vector<std::string>> strings(dom::element el, const std::string& where);
  Result<PricePeriod> period(dom::object obj, const std::string& where, bool& has_until);
  Result<ModelEntry> model(dom::object obj, const std::string& where);
  Result<ServerToolPrice> server_tool(dom::object obj, const std::string& where);

  std::string source_;
};

namespace {

Result<double> number(dom::element el, const std::string& where) {
  double v = 0;
  if (!el.get_double().get(v)) return v;
  int64_t i = 0;
  if (!el.get_int64().get(i)) return static_cast<double>(i);
  uint64_t u = 0;
  if (!el.get_uint64().get(u)) return static_cast<double>(u);
  return make_error(where + ": expected a number");
}

// Periods in time order, each `until` defaulting to the next `from`.
Status close_periods(std::vector<PricePeriod>& periods, const std::vector<bool>& has_until,
                     const std::string& where) {
  for (size_t i = 0; i < periods.size(); ++i) {
    const std::string at = where + ".periods[" + std::to_string(i) + "]";
    if (i > 0 && periods[i].from_ms == kBeginningOfTime)
      return make_error(at + ": only the first period may leave out 'from'");
    if (i + 1 < periods.size()) {
      if (periods[i + 1].from_ms <= periods[i].from_ms)
        return make_error(at + ": periods must be in time order, without overlap");
      if (!has_until[i]) periods[i].until_ms = periods[i + 1].from_ms;
      if (periods[i].until_ms > periods[i + 1].from_ms)
        return make_error(at + ": 'until' " + format_effective_time(periods[i].until_ms) +
                          " overlaps the next period, which starts " +
                          format_effective_time(periods[i + 1].from_ms));
    }
    if (periods[i].until_ms <= periods[i].from_ms)
      return make_error(at + ": 'until' must be after 'from'");
  }
  return {};
}

}  // namespace

Status PriceBookReader::known_keys(dom::object obj, std::initializer_list<std::string_view> keys,
                                   const std::string& where) {
  for (auto field : obj) {
    if (std::find(keys.begin(), keys.end(), field.key) == keys.end())
      return make_error(where + ": unknown key '" + excerpt(field.key) + "'");
  }
  return {};
}

Result<int64_t> PriceBookReader::price(dom::object obj, std::string_view key,
                                       const std::string& where) {
  dom::element el;
  const std::string at = where + "." + std::string(key);
  if (obj[key].get(el)) return make_error(where + ": missing key '" + std::string(key) + "'");
  auto v = number(el, at);
  if (!v) return v.error();
  return usd_per_mtok_to_nanos(*v, at);
}

Result<Rates> PriceBookReader::rates(dom::object obj, const std::string& where) {
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
  for (const auto& f : kFields) {
    auto nanos = price(obj, f.key, where);
    if (!nanos) return nanos.error();
    r.*(f.member) = *nanos;
  }
  return r;
}

Result<std::vector<NamedMultiplier>> PriceBookReader::multipliers(dom::object obj,
                                                                  const std::string& where) {
  std::vector<NamedMultiplier> out;
  for (auto field : obj) {
    const std::string at = where + "." + excerpt(field.key);
    if (field.key.empty()) return make_error(where + ": empty key");
    auto v = number(field.value, at);
    if (!v) return v.error();
    auto ppm = multiplier_to_ppm(*v, at);
    if (!ppm) return ppm.error();
    out.push_back({std::string(field.key), *ppm});
  }
  return out;
}

Status PriceBookReader::times(dom::object obj, const std::string& where, int64_t& from,
                              int64_t& until, bool& has_until) {
  for (const char* key : {"from", "until"}) {
    dom::element el;
    if (obj[key].get(el)) continue;
    std::string_view text;
    if (el.get_string().get(text))
      return make_error(where + "." + key + ": expected an ISO 8601 time or date");
    const auto ms = parse_effective_time(text);
    if (!ms)
      return make_error(where + "." + key + ": '" + excerpt(text) +
                        "' is not an ISO 8601 time with Z or an offset, or a date");
    if (*ms % (15 * 60'000) != 0)
      return make_error(where + "." + key + ": '" + excerpt(text) +
                        "' is not on a quarter hour (reports group usage by quarter hour)");
    (key[0] == 'f' ? from : until) = *ms;
    if (key[0] == 'u') has_until = true;
  }
  return {};
}

Result<std::vector<std::string>> PriceBookReader::strings(dom::element el,
                                                          const std::string& where) {
  dom::array arr;
  if (el.get_array().get(arr)) return make_error(where + ": expected an array of strings");
  std::vector<std::string> out;
  for (dom::element s : arr) {
    std::string_view v;
    if (s.get_string().get(v)) return make_error(where + ": expected an array of strings");
    out.emplace_back(v);
  }
  return out;
}

Result<PricePeriod> PriceBookReader::period(dom::object obj, const std::string& where,
                                            bool& has_until) {
  if (auto st = known_keys(obj,
                           {"from", "until", "input", "output", "cache_write_5m", "cache_write_1h",
                            "cache_read", "long_context", "speed_multipliers",
                            "inference_geo_multipliers", "regional_endpoint_multiplier", "sources"},
                           where);
      !st)
    return st.error();
  PricePeriod p;
  if (auto st = times(obj, where, p.from_ms, p.until_ms, has_until); !st) return st.error();
  auto base = rates(obj, where);
  if (!base) return base.error();
  p.rates = *base;
  if (dom::element el; !obj["long_context"].get(el)) {
    const std::string at = where + ".long_context";
    dom::object lc;
    if (el.get_object().get(lc)) return make_error(at + ": expected an object");
    if (auto st = known_keys(
            lc,
            {"above_tokens", "input", "output", "cache_write_5m", "cache_write_1h", "cache_read"},
            at);
        !st)
      return st.error();
    int64_t above = 0;
    if (lc["above_tokens"].get_int64().get(above) || above <= 0)
      return make_error(at + ": 'above_tokens' must be a positive integer");
    auto r = rates(lc, at);
    if (!r) return r.error();
    p.long_context = LongContext{above, *r};
  }
  for (const char* key : {"speed_multipliers", "inference_geo_multipliers"}) {
    dom::element el;
    if (obj[key].get(el)) continue;
    dom::object m;
    if (el.get_object().get(m)) return make_error(where + "." + key + ": expected an object");
    auto list = multipliers(m, where + "." + key);
    if (!list) return list.error();
    (key[0] == 's' ? p.speed : p.inference_geo) = std::move(*list);
  }
  if (dom::element el; !obj["regional_endpoint_multiplier"].get(el)) {
    const std::string at = where + ".regional_endpoint_multiplier";
    auto v = number(el, at);
    if (!v) return v.error();
    auto ppm = multiplier_to_ppm(*v, at);
    if (!ppm) return ppm.error();
    p.regional_ppm = *ppm;
  }
  if (dom::element el; !obj["sources"].get(el)) {
    auto s = strings(el, where + ".sources");
    if (!s) return s.error();
    p.sources = std::move(*s);
  }
  return p;
}

Result<ModelEntry> PriceBookReader::model(dom::object obj, const std::string& where) {
  if (auto st = known_keys(obj, {"family", "provider", "aliases", "periods"}, where); !st)
    return st.error();
  ModelEntry m;
  std::string_view family;
  if (obj["family"].get_string().get(family) || family.empty())
    return make_error(where + ": missing string key 'family'");
  m.family = normalize_model_id(family);
  if (m.family != family)
    return make_error(where + ": family '" + excerpt(family) + "' is not normalised (write '" +
                      excerpt(m.family) + "')");
  // From here on, errors name the family too.
  const std::string named = where + " (" + excerpt(m.family) + ")";
  std::string_view provider = "anthropic";
  if (dom::element el; !obj["provider"].get(el) && el.get_string().get(provider))
    return make_error(named + ".provider: expected a string");
  m.provider = std::string(provider);
  if (dom::element el; !obj["aliases"].get(el)) {
    auto aliases = strings(el, named + ".aliases");
    if (!aliases) return aliases.error();
    for (const auto& a : *aliases)
      m.aliases.push_back(normalize_model_id(a));
  }
  dom::array periods;
  if (obj["periods"].get_array().get(periods))
    return make_error(named + ": missing array key 'periods'");
  std::vector<bool> has_until;
  size_t i = 0;
  for (dom::element el : periods) {
    const std::string at = named + ".periods[" + std::to_string(i++) + "]";
    dom::object po;
    if (el.get_object().get(po)) return make_error(at + ": expected an object");
    bool until = false;
    auto p = period(po, at, until);
    if (!p) return p.error();
    m.periods.push_back(std::move(*p));
    has_until.push_back(until);
  }
  if (m.periods.empty()) return make_error(named + ": 'periods' is empty");
  if (auto st = close_periods(m.periods, has_until, named); !st) return st.error();
  return m;
}

Result<ServerToolPrice> PriceBookReader::server_tool(dom::object obj, const std::string& where) {
  if (auto st = known_keys(obj, {"tool", "usd_per_1000", "from", "until", "sources"}, where); !st)
    return st.error();
  ServerToolPrice t;
  std::string_view tool;
  if (obj["tool"].get_string().get(tool) || (tool != "web_search" && tool != "web_fetch"))
    return make_error(where + ".tool: expected \"web_search\" or \"web_fetch\"");
  t.tool = std::string(tool);
  dom::element el;
  if (obj["usd_per_1000"].get(el)) return make_error(where + ": missing key 'usd_per_1000'");
  auto v = number(el, where + ".usd_per_1000");
  if (!v) return v.error();
  // USD per 1,000 requests has the same scale as USD per million tokens per
  // 1,000: nano-dollars per request = that value x 1,000.
  auto per = usd_per_mtok_to_nanos(*v, where + ".usd_per_1000");
  if (!per) return per.error();
  t.nanos_each = *per * 1000;
  bool has_until = false;
  if (auto st = times(obj, where, t.from_ms, t.until_ms, has_until); !st) return st.error();
  if (t.until_ms <= t.from_ms) return make_error(where + ": 'until' must be after 'from'");
  if (obj["sources"].get(el) == simdjson::SUCCESS) {
    auto s = strings(el, where + ".sources");
    if (!s) return s.error();
    t.sources = std::move(*s);
  }
  return t;
}

Result<PriceBook> PriceBookReader::read(std::string_view json) {
  dom::parser parser;
  simdjson::padded_string padded(json);
  dom::element root;
  if (auto err = parser.parse(padded).get(root); err)
    return make_error(source_ + ": invalid JSON: " + simdjson::error_message(err));
  dom::object obj;
  if (root.get_object().get(obj)) return make_error(source_ + ": the top level must be an object");
  if (auto st = known_keys(obj, {"format", "revision", "source", "unit", "server_tools", "models"},
                           source_);
      !st)
    return st.error();
  int64_t format = 0;
  if (obj["format"].get_int64().get(format) || format != 2)
    return make_error(source_ + ": 'format' must be 2 (docs/PRICING.md)");
  std::string_view unit = "USD per million tokens";
  if (dom::element el;
      !obj["unit"].get(el) && (el.get_string().get(unit) || unit != "USD per million tokens"))
    return make_error(source_ + ": 'unit' must be \"USD per million tokens\"");
  PriceBook book;
  std::string_view text;
  if (obj["revision"].get_string().get(text) || text.empty())
    return make_error(source_ + ": missing string key 'revision'");
  book.revision_ = std::string(text);
  if (dom::element el; !obj["source"].get(el)) {
    if (el.get_string().get(text)) return make_error(source_ + ".source: expected a string");
    book.source_ = std::string(text);
  }
  if (dom::element el; !obj["server_tools"].get(el)) {
    dom::array tools;
    if (el.get_array().get(tools)) return make_error(source_ + ".server_tools: expected an array");
    size_t i = 0;
    for (dom::element t : tools) {
      const std::string at = source_ + ": server_tools[" + std::to_string(i++) + "]";
      dom::object to;
      if (t.get_object().get(to)) return make_error(at + ": expected an object");
      auto tool = server_tool(to, at);
      if (!tool) return tool.error();
      for (const auto& other : book.server_tools_)
        if (other.tool == tool->tool && tool->from_ms < other.until_ms &&
            other.from_ms < tool->until_ms)
          return make_error(at + ": overlaps another '" + tool->tool + "' entry");
      book.server_tools_.push_back(std::move(*tool));
    }
  }
  dom::array models;
  if (obj["models"].get_array().get(models))
    return make_error(source_ + ": missing array key 'models'");
  size_t i = 0;
  for (dom::element m : models) {
    const std::string at = source_ + ": models[" + std::to_string(i++) + "]";
    dom::object mo;
    if (m.get_object().get(mo)) return make_error(at + ": expected an object");
    auto entry = model(mo, at);
    if (!entry) return entry.error();
    std::vector<std::string> names = entry->aliases;
    names.push_back(entry->family);
    for (const auto& name : names)
      if (book.find_family(name))
        return make_error(at + " (" + excerpt(entry->family) + "): '" + excerpt(name) +
                          "' is already priced by an earlier entry");
    book.models_.push_back(std::move(*entry));
  }
  book.digest_ = sha256_hex(book.to_json());
  return book;
}

Result<PriceBook> PriceBook::parse(std::string_view json, const std::string& source_name) {
  return PriceBookReader(source_name).read(json);
}

namespace {

void write_rates(JsonWriter& w, const Rates& r) {
  w.key("input").raw_number(nanos_to_usd_per_mtok(r.input));
  w.key("output").raw_number(nanos_to_usd_per_mtok(r.output));
  w.key("cache_write_5m").raw_number(nanos_to_usd_per_mtok(r.cache_write_5m));
  w.key("cache_write_1h").raw_number(nanos_to_usd_per_mtok(r.cache_write_1h));
  w.key("cache_read").raw_number(nanos_to_usd_per_mtok(r.cache_read));
}

void write_times(JsonWriter& w, int64_t from, int64_t until) {
  if (from != kBeginningOfTime) w.field("from", format_effective_time(from));
  if (until != kEndOfTime) w.field("until", format_effective_time(until));
}

void write_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& v) {
  if (v.empty()) return;
  w.key(key).begin_array();
  for (const auto& s : v)
    w.value(s);
  w.end_array();
}

void write_multipliers(JsonWriter& w, std::string_view key, const std::vector<NamedMultiplier>& v) {
  if (v.empty()) return;
  w.key(key).begin_object();
  for (const auto& m : v)
    w.key(m.key).raw_number(ppm_to_multiplier(m.ppm));
  w.end_object();
}

}  // namespace

std::string PriceBook::to_json() const {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("format", 2);
  w.field("revision", revision_);
  w.field("source", source_);
  w.field("unit", "USD per million tokens");
  w.key("server_tools").begin_array();
  for (const auto& t : server_tools_) {
    w.begin_object();
    w.field("tool", t.tool);
    w.key("usd_per_1000").raw_number(nanos_to_usd_per_mtok(t.nanos_each / 1000));
    write_times(w, t.from_ms, t.until_ms);
    write_strings(w, "sources", t.sources);
    w.end_object();
  }
  w.end_array();
  w.key("models").begin_array();
  for (const auto& m : models_) {
    w.begin_object();
    w.field("family", m.family);
    w.field("provider", m.provider);
    write_strings(w, "aliases", m.aliases);
    w.key("periods").begin_array();
    for (const auto& p : m.periods) {
      w.begin_object();
      write_times(w, p.from_ms, p.until_ms);
      write_rates(w, p.rates);
      if (p.long_context) {
        w.key("long_context").begin_object();
        w.field("above_tokens", p.long_context->above_tokens);
        write_rates(w, p.long_context->rates);
        w.end_object();
      }
      write_multipliers(w, "speed_multipliers", p.speed);
      write_multipliers(w, "inference_geo_multipliers", p.inference_geo);
      if (p.regional_ppm != kOnePpm)
        w.key("regional_endpoint_multiplier").raw_number(ppm_to_multiplier(p.regional_ppm));
      write_strings(w, "sources", p.sources);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace codepulse
