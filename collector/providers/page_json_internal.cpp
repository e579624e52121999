// The path-keeping JSON readers and exact decimals of page_json_internal.hpp.
#include "collector/providers/page_json_internal.hpp"

#include "common/ascii.hpp"
#include "common/text_controls.hpp"
#include "common/time.hpp"

namespace codepulse::collector::provider_json {
namespace {

using simdjson::dom::element;

std::string at(const Node& n, const char* key) {
  return n.path + (n.path.ends_with(": ") ? "" : ".") + key;
}

// The member `key`, or nullopt when absent or null.
std::optional<element> member(const Node& n, const char* key) {
  element v;
  if (n.e[key].get(v) || v.is_null()) return std::nullopt;
  return v;
}

Error expected(const Node& n, const char* key, const char* what) {
  return make_error(at(n, key) + ": expected " + what);
}

}  // namespace

Result<Node> parse_document(simdjson::dom::parser& parser, std::string_view body,
                            const std::string& where) {
  element doc;
  if (auto err = parser.parse(body.data(), body.size()).get(doc); err)
    return make_error(where + ": not JSON (" + simdjson::error_message(err) + ")");
  if (!doc.is_object()) return make_error(where + ": not a JSON object");
  return Node{doc, where + ": "};
}

Result<Node> object_field(const Node& n, const char* key) {
  auto v = member(n, key);
  if (!v || !v->is_object()) return expected(n, key, "an object");
  return Node{*v, at(n, key)};
}

Result<std::vector<Node>> array_field(const Node& n, const char* key) {
  auto v = member(n, key);
  simdjson::dom::array items;
  if (!v || v->get_array().get(items)) return expected(n, key, "an array");
  std::vector<Node> out;
  size_t i = 0;
  for (element item : items)
    out.push_back({item, at(n, key) + "[" + std::to_string(i++) + "]"});
  return out;
}

Result<std::optional<Node>> optional_object(const Node& n, const char* key) {
  auto v = member(n, key);
  if (!v) return std::optional<Node>();
  if (!v->is_object()) return expected(n, key, "an object or null");
  return std::optional<Node>(Node{*v, at(n, key)});
}

Result<int64_t> count_field(const Node& n, const char* key, bool required) {
  auto v = member(n, key);
  if (!v) {
    if (required) return expected(n, key, "an integer");
    return int64_t{0};
  }
  int64_t i = 0;
  uint64_t u = 0;
  if (!v->get_int64().get(i)) {
    if (i < 0) return expected(n, key, "a count of 0 or more");
    return i;
  }
  if (!v->get_uint64().get(u)) return expected(n, key, "a count that fits 63 bits");
  return expected(n, key, "an integer");
}

Result<std::string> text_field(const Node& n, const char* key) {
  auto v = member(n, key);
  if (!v) return std::string();
  std::string_view s;
  if (v->get_string().get(s)) return expected(n, key, "a string or null");
  return std::string(s);
}

Result<bool> bool_field(const Node& n, const char* key) {
  auto v = member(n, key);
  if (!v) return false;
  bool b = false;
  if (v->get_bool().get(b)) return expected(n, key, "true, false or null");
  return b;
}

Result<int64_t> decimal_field(const Node& n, const char* key, int scale) {
  auto v = member(n, key);
  if (!v) return expected(n, key, "an amount");
  // A string as written; a number in its shortest form, which is what was
  // written for any amount of up to 15 significant digits.
  std::string text;
  std::string_view s;
  int64_t i = 0;
  if (!v->get_string().get(s)) {
    text = std::string(s);
  } else if (!v->get_int64().get(i)) {
    text = std::to_string(i);
  } else if (v->is_number()) {
    text = simdjson::minify(*v);
  } else {
    return expected(n, key, "an amount (a number or a decimal string)");
  }
  auto value = parse_scaled_decimal(text, scale);
  if (!value) return expected(n, key, "a decimal amount like \"123.45\" that fits 64 bits");
  return *value;
}

Result<std::string> day_field(const Node& n, const char* key, bool allow_date) {
  auto text = text_field(n, key);
  if (!text) return text.error();
  if (allow_date && valid_day(*text)) return *text;
  auto ms = parse_iso8601_utc_ms(*text);
  if (!ms)
    return expected(n, key, allow_date ? "a date or an RFC 3339 UTC time" : "an RFC 3339 UTC time");
  return day_of_ms(*ms);
}

Result<std::string> unix_day_field(const Node& n, const char* key) {
  auto s = count_field(n, key, true);
  if (!s) return s.error();
  if (*s > 253'402'300'799) return expected(n, key, "a Unix time in seconds");
  return day_of_ms(*s * 1000);
}

std::optional<int64_t> parse_scaled_decimal(std::string_view text, int scale) {
  size_t i = 0;
  const bool negative = i < text.size() && text[i] == '-';
  if (negative) ++i;
  std::string digits;  // significant digits, no leading zeros
  int fraction = 0;    // of them (and of the zeros dropped) after the point
  bool point = false, any = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any = true;
    if (!digits.empty() || c != '0') digits.push_back(c);
    if (point) ++fraction;
    if (digits.size() > 40) return std::nullopt;
  }
  if (!any) return std::nullopt;
  int exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool minus = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) minus = text[i++] == '-';
    const size_t first = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
      if ((exponent = exponent * 10 + (text[i] - '0')) > 400) return std::nullopt;
    if (i == first) return std::nullopt;
    if (minus) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;
  if (digits.empty()) return int64_t{0};
  // value = digits * 10^shift
  const int shift = exponent - fraction + scale;
  bool round_up = false;
  if (shift >= 0) {
    digits.append(static_cast<size_t>(shift), '0');
  } else {
    const int keep = static_cast<int>(digits.size()) + shift;
    if (keep < 0) return int64_t{0};
    round_up = digits[static_cast<size_t>(keep)] >= '5';
    digits.resize(static_cast<size_t>(keep));
  }
  if (digits.size() > 19) return std::nullopt;
  uint64_t value = 0;
  for (char c : digits)
    value = value * 10 + static_cast<uint64_t>(c - '0');
  if (round_up) ++value;
  if (value > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  const auto v = static_cast<int64_t>(value);
  return negative ? -v : v;
}

Status read_paging(const Node& page, ProviderPage& out) {
  element v;
  if (page.e["has_more"].get(v) || v.get_bool().get(out.has_more))
    return expected(page, "has_more", "true or false");
  auto next = text_field(page, "next_page");
  if (!next) return next.error();
  out.next_page = std::move(next).value();
  if (out.has_more && out.next_page.empty())
    return make_error(at(page, "next_page") + ": has_more is true but there is no next_page");
  return {};
}

Status read_buckets(ProviderSource source, const Node& page, BucketDay day_of, ReadResult read,
                    ProviderPage& out) {
  auto buckets = array_field(page, "data");
  if (!buckets) return buckets.error();
  for (const Node& b : *buckets) {
    auto day = day_of(b);
    if (!day) return day.error();
    out.days.push_back(*day);
    auto results = array_field(b, "results");
    if (!results) return results.error();
    for (const Node& r : *results) {
      ProviderUsageRow row;
      row.source = source;
      row.day = *day;
      if (auto s = read(r, row); !s) return s;
      out.rows.push_back(std::move(row));
    }
  }
  return {};
}

Status require_usd(const Node& n, const char* key) {
  auto currency = text_field(n, key);
  if (!currency) return currency.error();
  if (ascii_lower(*currency) != "usd")
    return make_error(at(n, key) + ": currency '" + replace_control_characters(*currency) +
                      "', codepulse keeps amounts in USD only");
  return {};
}

}  // namespace codepulse::collector::provider_json
