// The prices in force as rows and JSON (price_views.hpp).
#include "collector/report/price_views.hpp"

#include <algorithm>

#include "common/json_writer.hpp"
#include "common/pricing/usd.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr EndpointKind kEndpoints[] = {EndpointKind::kAnthropic, EndpointKind::kBedrock,
                                       EndpointKind::kVertex};

MtokRates scaled(MtokRates r, int64_t ppm) {
  for (int64_t* v : {&r.input, &r.output, &r.cache_write_5m, &r.cache_write_1h, &r.cache_read})
    *v = apply_ppm(*v, ppm);
  return r;
}

// The rates of a period for one endpoint at `at_ms` when an override applies.
std::optional<OrgRates> org_rates(const Pricer& pricer, const ModelEntry& entry,
                                  const PricePeriod& period, EndpointKind endpoint, int64_t at_ms) {
  OrgRates out;
  out.endpoint = endpoint;
  out.rates = per_mtok(period.rates);
  // Pricer's order: the last absolute override replaces, then every percentage.
  const RateOverride* absolute = nullptr;
  for (const RateOverride& o : pricer.overrides())
    if (o.rates && o.applies(entry.family, endpoint, at_ms)) absolute = &o;
  if (absolute) {
    out.rates = per_mtok(*absolute->rates);
    out.override_ids.push_back(absolute->id);
  }
  for (const RateOverride& o : pricer.overrides())
    if (o.multiplier_ppm && o.applies(entry.family, endpoint, at_ms)) {
      out.rates = scaled(out.rates, *o.multiplier_ppm);
      out.override_ids.push_back(o.id);
    }
  if (out.override_ids.empty()) return std::nullopt;
  std::sort(out.override_ids.begin(), out.override_ids.end());
  return out;
}

void write_rates(JsonWriter& w, const MtokRates& r) {
  w.begin_object();
  w.key("input").raw_number(usd_per_mtok_text(r.input));
  w.key("output").raw_number(usd_per_mtok_text(r.output));
  w.key("cache_write_5m").raw_number(usd_per_mtok_text(r.cache_write_5m));
  w.key("cache_write_1h").raw_number(usd_per_mtok_text(r.cache_write_1h));
  w.key("cache_read").raw_number(usd_per_mtok_text(r.cache_read));
  w.end_object();
}

void write_time(JsonWriter& w, std::string_view key, int64_t ms, int64_t open_end) {
  w.key(key);
  if (ms == open_end)
    w.null();
  else
    w.value(format_effective_time(ms));
}

void write_multipliers(JsonWriter& w, std::string_view key,
                       const std::vector<NamedMultiplier>& list) {
  w.key(key).begin_object();
  for (const NamedMultiplier& m : list)
    w.key(m.key).raw_number(ppm_to_multiplier(m.ppm));
  w.end_object();
}

void write_period(JsonWriter& w, const PricePeriod& p, bool with_sources) {
  w.begin_object();
  write_time(w, "from", p.from_ms, kBeginningOfTime);
  write_time(w, "until", p.until_ms, kEndOfTime);
  w.key("rates");
  write_rates(w, per_mtok(p.rates));
  w.key("long_context");
  if (p.long_context) {
    w.begin_object().field("above_tokens", p.long_context->above_tokens).key("rates");
    write_rates(w, per_mtok(p.long_context->rates));
    w.end_object();
  } else {
    w.null();
  }
  write_multipliers(w, "speed_multipliers", p.speed);
  write_multipliers(w, "inference_geo_multipliers", p.inference_geo);
  w.key("regional_endpoint_multiplier").raw_number(ppm_to_multiplier(p.regional_ppm));
  if (with_sources) {
    w.key("sources").begin_array();
    for (const std::string& s : p.sources)
      w.value(s);
    w.end_array();
  }
  w.end_object();
}

void write_overrides(JsonWriter& w, const std::vector<const RateOverride*>& overrides) {
  w.key("overrides").begin_array();
  for (const RateOverride* o : overrides)
    w.raw_number(rate_override_json(*o));  // already JSON
  w.end_array();
}

}  // namespace

MtokRates per_mtok(const Rates& r) {
  constexpr int64_t kM = 1'000'000;
  return {r.input * kM, r.output * kM, r.cache_write_5m * kM, r.cache_write_1h * kM,
          r.cache_read * kM};
}

std::string usd_per_mtok_text(int64_t nanos_per_mtok) {
  std::string s = format_usd(nanos_per_mtok, 9);
  while (s.back() == '0')
    s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::vector<FamilyNow> families_at(const Pricer& pricer, int64_t at_ms) {
  std::vector<FamilyNow> out;
  for (const ModelEntry& entry : pricer.book().models()) {
    FamilyNow f;
    f.entry = &entry;
    f.period = entry.period_at(at_ms);
    if (f.period)
      f.state = "current";
    else if (entry.periods.empty() || at_ms >= entry.periods.back().until_ms)
      f.state = "retired";
    else if (at_ms < entry.periods.front().from_ms)
      f.state = "upcoming";
    else
      f.state = "between periods";
    if (f.period)
      for (EndpointKind e : kEndpoints)
        if (auto org = org_rates(pricer, entry, *f.period, e, at_ms)) f.org.push_back(*org);
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<const RateOverride*> overrides_reaching(const Pricer& pricer, const ModelEntry& entry) {
  std::vector<const RateOverride*> out;
  for (const RateOverride& o : pricer.overrides())
    if (o.scope != RateOverride::Scope::kFamily || glob_match(o.match, entry.family))
      out.push_back(&o);
  std::sort(out.begin(), out.end(),
            [](const RateOverride* a, const RateOverride* b) { return a->id < b->id; });
  return out;
}

std::string override_summary(const RateOverride& o) {
  std::string out = o.scope == RateOverride::Scope::kAll        ? std::string("everything")
                    : o.scope == RateOverride::Scope::kEndpoint ? "endpoint " + o.match
                                                                : "family " + o.match;
  if (o.multiplier_ppm) {
    const int64_t delta = *o.multiplier_ppm - kOnePpm;
    out += std::string(", ") + (delta < 0 ? "-" : "+") +
           usd_per_mtok_text((delta < 0 ? -delta : delta) * 100'000) + "%";
  }
  if (o.rates) {
    const MtokRates r = per_mtok(*o.rates);
    out += ", rates " + usd_per_mtok_text(r.input) + "/" + usd_per_mtok_text(r.output) + "/" +
           usd_per_mtok_text(r.cache_write_5m) + "/" + usd_per_mtok_text(r.cache_write_1h) + "/" +
           usd_per_mtok_text(r.cache_read);
  }
  if (o.from_ms != kBeginningOfTime) out += ", from " + format_effective_time(o.from_ms);
  if (o.until_ms != kEndOfTime) out += ", until " + format_effective_time(o.until_ms);
  if (!o.note.empty()) out += " (" + o.note + ")";
  return out;
}

std::string prices_json(const Pricer& pricer, const std::optional<StoredBook>& imported,
                        int64_t at_ms) {
  std::string out;
  JsonWriter w(out);
  const PriceBook& book = pricer.book();
  w.begin_object()
      .field("revision", book.revision())
      .field("digest", book.digest())
      .field("source", book.source());
  w.key("imported");
  if (imported) {
    w.begin_object()
        .field("id", imported->id)
        .field("by", imported->imported_by)
        .field("at", format_iso8601_utc_ms(imported->imported_ms))
        .field("note", imported->note)
        .end_object();
  } else {
    w.null();  // the builtin book
  }
  w.field("pricing_digest", pricer.fingerprint())
      .field("at", format_effective_time(at_ms / 60'000 * 60'000));
  std::vector<const RateOverride*> all;
  for (const RateOverride& o : pricer.overrides())
    all.push_back(&o);
  std::sort(all.begin(), all.end(),
            [](const RateOverride* a, const RateOverride* b) { return a->id < b->id; });
  write_overrides(w, all);
  w.key("families").begin_array();
  for (const FamilyNow& f : families_at(pricer, at_ms)) {
    w.begin_object()
        .field("family", f.entry->family)
        .field("provider", f.entry->provider)
        .field("state", f.state);
    w.key("period");
    if (f.period)
      write_period(w, *f.period, false);
    else
      w.null();
    w.key("organisation").begin_array();
    for (const OrgRates& o : f.org) {
      w.begin_object().field("endpoint", endpoint_name(o.endpoint)).key("rates");
      write_rates(w, o.rates);
      w.key("overrides").begin_array();
      for (int64_t id : o.override_ids)
        w.value(id);
      w.end_array().end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string family_json(const Pricer& pricer, const ModelEntry& entry) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("family", entry.family)
      .field("provider", entry.provider)
      .field("book", pricer.book().revision());
  w.key("aliases").begin_array();
  for (const std::string& a : entry.aliases)
    w.value(a);
  w.end_array();
  w.key("periods").begin_array();
  for (const PricePeriod& p : entry.periods)
    write_period(w, p, true);
  w.end_array();
  write_overrides(w, overrides_reaching(pricer, entry));
  w.end_object();
  return out;
}

std::string change_json(const char* what, int64_t id, const Pricer& pricer) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field(what, id)
      .field("revision", pricer.book().revision())
      .field("digest", pricer.book().digest())
      .field("pricing_digest", pricer.fingerprint())
      .end_object();
  return out;
}

std::string history_json(const std::vector<PriceChange>& changes) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("changes").begin_array();
  for (const PriceChange& c : changes) {
    w.begin_object()
        .field("kind", price_change_name(c.kind))
        .field("id", c.id)
        .field("by", c.by)
        .field("at", format_iso8601_utc_ms(c.at_ms))
        .field("at_ms", c.at_ms);
    if (c.kind == PriceChange::Kind::kImport) {
      w.field("revision", c.revision).field("digest", c.digest).field("note", c.note);
    } else {
      w.key("override").raw_number(c.override_json);  // already JSON
    }
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string unpriced_json(const std::vector<UnpricedModel>& models, int64_t since_ms,
                          int64_t until_ms) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("since");
  if (since_ms == INT64_MIN)
    w.null();
  else
    w.value(format_iso8601_utc_ms(since_ms));
  w.key("until");
  if (until_ms == INT64_MAX)
    w.null();
  else
    w.value(format_iso8601_utc_ms(until_ms));
  w.field("note", kUnpricedNote);
  w.key("models").begin_array();
  for (const UnpricedModel& m : models) {
    w.begin_object().field("model", m.model);
    w.key("family");
    if (m.family.empty())
      w.null();
    else
      w.value(m.family);
    w.field("why", m.family.empty() ? "not in the book" : "no price at the records' times")
        .field("requests", m.requests)
        .field("tokens", m.tokens)
        .field("first", format_iso8601_utc_ms(m.first_ms))
        .field("last", format_iso8601_utc_ms(m.last_ms))
        .end_object();
  }
  w.end_array().end_object();
  return out;
}

}  // namespace codepulse::collector
