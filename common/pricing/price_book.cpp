#include "common/pricing/price_book.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/embedded_prices.hpp"
#include "common/pricing/model_id.hpp"
#include "common/time.hpp"

namespace codepulse {
namespace {

Result<int64_t> scaled(double v, double scale, double max, const std::string& where,
                       const char* what) {
  if (!std::isfinite(v) || v < 0 || v > max)
    return make_error(where + ": " + what + " out of range (0 to " +
                      std::to_string(static_cast<int64_t>(max)) + ")");
  const double x = v * scale;
  const double r = std::round(x);
  if (std::fabs(x - r) > 1e-6 * std::max(1.0, std::fabs(x) / 1e9))
    return make_error(where + ": " + what + " has too many decimals");
  return static_cast<int64_t>(r);
}

}  // namespace

std::string format_decimal(int64_t v, int64_t unit, int max_decimals) {
  const bool neg = v < 0;
  const uint64_t a = neg ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  std::string s = (neg ? "-" : "") + std::to_string(a / static_cast<uint64_t>(unit));
  uint64_t frac = a % static_cast<uint64_t>(unit);
  if (frac == 0) return s;
  char buf[24];
  std::snprintf(buf, sizeof buf, "%0*llu", max_decimals, static_cast<unsigned long long>(frac));
  std::string f = buf;
  while (!f.empty() && f.back() == '0')
    f.pop_back();
  return s + "." + f;
}

namespace {

std::optional<int64_t> find_ppm(const std::vector<NamedMultiplier>& list, std::string_view key) {
  for (const auto& m : list)
    if (m.key == key) return m.ppm;
  return std::nullopt;
}

}  // namespace

Result<int64_t> usd_per_mtok_to_nanos(double usd, const std::string& where) {
  return scaled(usd, 1000.0, 1e6, where, "price");
}

Result<int64_t> multiplier_to_ppm(double multiplier, const std::string& where) {
  auto ppm = scaled(multiplier, 1e6, 100, where, "multiplier");
  if (ppm && *ppm == 0) return make_error(where + ": a multiplier must be above 0");
  return ppm;
}

std::string nanos_to_usd_per_mtok(int64_t nanos) {
  return format_decimal(nanos, 1000, 3);
}
std::string ppm_to_multiplier(int64_t ppm) {
  return format_decimal(ppm, kOnePpm, 6);
}

std::optional<int64_t> parse_effective_time(std::string_view text) {
  if (text.size() == 10) {
    if (text[4] != '-' || text[7] != '-') return std::nullopt;
    return parse_date_bound_ms(text, 0);
  }
  if (auto utc = parse_iso8601_utc_ms(text)) return utc;
  // "YYYY-MM-DDTHH:MM:SS(+|-)HH:MM"
  if (text.size() != 25 || (text[19] != '+' && text[19] != '-') || text[22] != ':')
    return std::nullopt;
  const auto digits = [&](size_t at, size_t n) -> std::optional<int> {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  const auto oh = digits(20, 2), om = digits(23, 2);
  if (!oh || !om || *oh > 14 || *om > 59) return std::nullopt;
  std::string as_utc(text.substr(0, 19));
  as_utc += 'Z';
  const auto local = parse_iso8601_utc_ms(as_utc);
  if (!local) return std::nullopt;
  const int64_t offset_ms = (int64_t{*oh} * 60 + *om) * 60'000;
  return text[19] == '+' ? *local - offset_ms : *local + offset_ms;
}

std::string format_effective_time(int64_t ms) {
  std::string s = format_iso8601_utc_ms(ms);  // "...:00.000Z"
  if (s.size() == 24 && s.compare(19, 5, ".000Z") == 0) s = s.substr(0, 19) + "Z";
  return s;
}

std::optional<int64_t> PricePeriod::speed_ppm(std::string_view key) const {
  if (key.empty() || key == "standard") return kOnePpm;
  return find_ppm(speed, key);
}

std::optional<int64_t> PricePeriod::geo_ppm(std::string_view key) const {
  if (key.empty() || key == "global" || key == "not_available") return kOnePpm;
  return find_ppm(inference_geo, key);
}

const PricePeriod* ModelEntry::period_at(int64_t ts_ms) const {
  for (const auto& p : periods)
    if (p.contains(ts_ms)) return &p;
  return nullptr;
}

std::shared_ptr<const PriceBook> PriceBook::builtin() {
  static const std::shared_ptr<const PriceBook> book = [] {
    auto parsed = parse(embedded_default_prices(), "builtin price book");
    if (!parsed) {
      std::fprintf(stderr, "codepulse: %s\n", parsed.error().message.c_str());
      std::abort();
    }
    return std::make_shared<const PriceBook>(std::move(parsed).value());
  }();
  return book;
}

Result<PriceBook> PriceBook::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot read price book " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

const ModelEntry* PriceBook::find_family(std::string_view family) const {
  for (const auto& m : models_) {
    if (m.family == family) return &m;
    for (const auto& a : m.aliases)
      if (a == family) return &m;
  }
  return nullptr;
}

int64_t PriceBook::server_tool_nanos(std::string_view tool, int64_t ts_ms) const {
  for (const auto& t : server_tools_)
    if (t.tool == tool && ts_ms >= t.from_ms && ts_ms < t.until_ms) return t.nanos_each;
  return 0;
}

}  // namespace codepulse
