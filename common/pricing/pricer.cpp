#include "common/pricing/pricer.hpp"

#include <algorithm>

#include "common/hashing.hpp"

namespace codepulse {
namespace {

__extension__ typedef __int128 Wide;

int64_t clamp64(Wide v) {
  return static_cast<int64_t>(std::clamp<Wide>(v, INT64_MIN, INT64_MAX));
}

// Half away from zero; d > 0.
Wide round_div(Wide n, Wide d) {
  const Wide q = n / d, r = n % d;
  if (r * 2 >= d) return q + 1;
  if (r * 2 <= -d) return q - 1;
  return q;
}

// Token costs up to this many nano-dollars are multiplied exactly: three
// multipliers of at most 100x (1e8 ppm each) keep the product below 2^127.
constexpr Wide kExactLimit = Wide{170'000} * 1'000'000'000;

int scope_rank(RateOverride::Scope s) {
  return s == RateOverride::Scope::kAll ? 0 : s == RateOverride::Scope::kEndpoint ? 1 : 2;
}

Wide token_cost(const UsageToPrice& u, const Rates& r) {
  return Wide{u.input} * r.input + Wide{u.output} * r.output +
         Wide{u.cache_write_5m} * r.cache_write_5m + Wide{u.cache_write_1h} * r.cache_write_1h +
         Wide{u.cache_read} * r.cache_read;
}

}  // namespace

int64_t apply_ppm(int64_t v, int64_t ppm) {
  return clamp64(round_div(Wide{v} * ppm, kOnePpm));
}

Pricer::Pricer(std::shared_ptr<const PriceBook> book, std::vector<RateOverride> overrides)
    : book_(std::move(book)), overrides_(std::move(overrides)) {
  std::stable_sort(overrides_.begin(), overrides_.end(),
                   [](const RateOverride& a, const RateOverride& b) {
                     const int ra = scope_rank(a.scope), rb = scope_rank(b.scope);
                     return ra != rb ? ra < rb : a.id < b.id;
                   });
  std::string ids = book_->digest();
  for (const auto& o : overrides_)
    ids += "\n" + rate_override_json(o);
  fingerprint_ = overrides_.empty() ? book_->digest() : sha256_hex(ids);
}

std::shared_ptr<const Pricer> Pricer::builtin() {
  static const std::shared_ptr<const Pricer> pricer =
      std::make_shared<const Pricer>(PriceBook::builtin());
  return pricer;
}

Pricer::Resolved Pricer::resolve(std::string_view model) const {
  constexpr size_t kMaxCached = 4096;
  {
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(model); it != cache_.end()) return it->second;
  }
  const ModelId id = parse_model_id(model);
  const Resolved r{book_->find_family(id.family), id.endpoint, id.regional};
  std::lock_guard lock(cache_mutex_);
  if (cache_.size() < kMaxCached) cache_.emplace(std::string(model), r);
  return r;
}

const ModelEntry* Pricer::entry_for(std::string_view model) const {
  return resolve(model).entry;
}

namespace {

// The fingerprint's text: numbers and length-prefixed strings, each ended,
// so no two different inputs read the same.
class FingerprintText {
 public:
  FingerprintText& num(int64_t v) {
    text_ += std::to_string(v);
    text_.push_back(';');
    return *this;
  }
  FingerprintText& str(std::string_view s) {
    num(static_cast<int64_t>(s.size()));
    text_.append(s);
    return *this;
  }
  FingerprintText& rates(const Rates& r) {
    return num(r.input).num(r.output).num(r.cache_write_5m).num(r.cache_write_1h).num(r.cache_read);
  }
  FingerprintText& multipliers(const std::vector<NamedMultiplier>& list) {
    num(static_cast<int64_t>(list.size()));
    for (const NamedMultiplier& m : list)
      str(m.key).num(m.ppm);
    return *this;
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace

std::string Pricer::model_fingerprint(std::string_view model) const {
  const Resolved m = resolve(model);
  if (!m.entry) return "unpriced";
  FingerprintText t;
  t.str(m.entry->family).str(endpoint_name(m.endpoint)).num(m.regional ? 1 : 0);
  t.num(static_cast<int64_t>(m.entry->periods.size()));
  for (const PricePeriod& p : m.entry->periods) {
    t.num(p.from_ms).num(p.until_ms).rates(p.rates);
    t.num(p.long_context ? 1 : 0);
    if (p.long_context) t.num(p.long_context->above_tokens).rates(p.long_context->rates);
    t.multipliers(p.speed).multipliers(p.inference_geo);
    t.num(m.regional ? p.regional_ppm : kOnePpm);
  }
  t.num(static_cast<int64_t>(book_->server_tools().size()));
  for (const ServerToolPrice& s : book_->server_tools())
    t.str(s.tool).num(s.nanos_each).num(s.from_ms).num(s.until_ms);
  // The overrides that can apply to the model at some time, in the order
  // price() stacks them (their own periods included).
  for (const RateOverride& o : overrides_) {
    if (!o.covers(m.entry->family, m.endpoint)) continue;
    t.str("override").num(o.from_ms).num(o.until_ms);
    t.num(o.multiplier_ppm ? *o.multiplier_ppm : -1);
    t.num(o.rates ? 1 : 0);
    if (o.rates) t.rates(*o.rates);
  }
  return sha256_hex(t.text());
}

PricedUsage Pricer::price(const UsageToPrice& u) const {
  PricedUsage out;
  const Resolved m = resolve(u.model);
  if (!m.entry) return out;
  const PricePeriod* p = m.entry->period_at(u.ts_ms);
  if (!p) return out;
  const Wide prompt = Wide{u.input} + u.cache_write_5m + u.cache_write_1h + u.cache_read;
  out.long_context = p->long_context && prompt > p->long_context->above_tokens;
  // The request's multipliers (docs/PRICING.md "Rounding").
  int64_t multipliers[3];
  int count = 0;
  if (u.fast) {
    if (auto ppm = p->speed_ppm("fast"))
      multipliers[count++] = *ppm;
    else
      out.speed_unpriced = true;
  }
  if (auto ppm = p->geo_ppm(u.inference_geo))
    multipliers[count++] = *ppm;
  else
    out.geo_unpriced = true;
  if (m.regional) multipliers[count++] = p->regional_ppm;
  // The multipliers together, applied once: (token cost x product) rounded
  // half away from zero. Exact in 128 bits for any request under $170,000 of
  // tokens; beyond that each multiplier is applied and rounded in turn.
  const auto with_multipliers = [&](const Rates& rates) {
    const Wide tokens = token_cost(u, rates);
    Wide product = 1, divisor = 1;
    for (int i = 0; i < count; ++i) {
      product *= multipliers[i];
      divisor *= kOnePpm;
    }
    if (tokens >= 0 && tokens <= kExactLimit) return clamp64(round_div(tokens * product, divisor));
    int64_t v = clamp64(tokens);
    for (int i = 0; i < count; ++i)
      v = apply_ppm(v, multipliers[i]);
    return v;
  };
  const int64_t tools =
      clamp64(Wide{u.web_search} * book_->server_tool_nanos("web_search", u.ts_ms) +
              Wide{u.web_fetch} * book_->server_tool_nanos("web_fetch", u.ts_ms));
  const Rates& list_rates = out.long_context ? p->long_context->rates : p->rates;
  const int64_t list_tokens = with_multipliers(list_rates);
  out.list_nanos = clamp64(Wide{list_tokens} + tools);

  // Organisation rates: the last (most specific, then newest) override with
  // rates replaces the list rates at every prompt size; every percentage
  // then multiplies the result, tools included.
  const RateOverride* absolute = nullptr;
  for (const auto& o : overrides_)
    if (o.rates && o.applies(m.entry->family, m.endpoint, u.ts_ms)) absolute = &o;
  int64_t org =
      absolute ? clamp64(Wide{with_multipliers(*absolute->rates)} + tools) : *out.list_nanos;
  for (const auto& o : overrides_)
    if (o.multiplier_ppm && o.applies(m.entry->family, m.endpoint, u.ts_ms))
      org = apply_ppm(org, *o.multiplier_ppm);
  out.org_nanos = org;
  return out;
}

}  // namespace codepulse
