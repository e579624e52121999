// The collector's budget state: read from an acknowledgement, checked field
// by field, and kept in <state>/budgets.json.
#include "tracker/ship/budget_state.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "common/atomic_file.hpp"
#include "common/json_writer.hpp"
#include "common/text_controls.hpp"
#include "common/time.hpp"

namespace codepulse::tracker {
namespace {

constexpr size_t kMaxName = 200;     // id, value
constexpr size_t kMaxMessage = 500;  // message

// Text shown in a terminal: every control, C1 control and bidirectional
// override becomes a space; cut to `max` bytes at a character boundary.
std::string one_line(std::string_view s, size_t max) {
  std::string out;
  for (size_t i = 0; i < s.size() && out.size() < max;) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (is_c0_or_del(c)) {
      out.push_back(' ');
      ++i;
      continue;
    }
    const std::string_view rest = s.substr(i);
    if (starts_with_c1(rest) || starts_with_bidi_control(rest)) {
      out.push_back(' ');
      i += starts_with_c1(rest) ? 2 : 3;
      continue;
    }
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    len = std::min(len, s.size() - i);
    if (out.size() + len > max) break;
    out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

bool one_of(std::string_view v, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

bool is_date(std::string_view v) {
  return v.size() == 10 && parse_iso8601_utc_ms(std::string(v) + "T00:00:00Z").has_value();
}

// One budget; an error names the field.
Result<BudgetStanding> standing_in(simdjson::dom::element e, size_t index) {
  const std::string where = "budgets[" + std::to_string(index) + "]";
  simdjson::dom::object o;
  if (e.get_object().get(o)) return make_error(where + " is not an object");
  BudgetStanding b;
  auto text = [&](const char* key, std::string& out, size_t max) -> Status {
    std::string_view v;
    if (o[key].get_string().get(v)) return make_error(where + "." + key + " is not a string");
    out = one_line(v, max);
    return {};
  };
  auto number = [&](const char* key, double& out) -> Status {
    if (o[key].get_double().get(out) || !std::isfinite(out))
      return make_error(where + "." + key + " is not a number");
    return {};
  };
  auto word = [&](const char* key, std::string& out,
                  std::initializer_list<std::string_view> allowed) -> Status {
    if (auto s = text(key, out, 32); !s) return s;
    if (one_of(out, allowed)) return {};
    std::string names;
    for (std::string_view a : allowed)
      names += (names.empty() ? "" : ", ") + std::string(a);
    return make_error(where + "." + key + " is not one of " + names);
  };
  auto date = [&](const char* key, std::string& out) -> Status {
    if (auto s = text(key, out, 10); !s) return s;
    if (!is_date(out)) return make_error(where + "." + key + " is not a YYYY-MM-DD date");
    return {};
  };
  Status s = text("id", b.id, kMaxName);
  if (s)
    s = word("scope", b.scope, {"person", "team", "repo", "org", "model", "assistant", "epic"});
  if (s) s = text("value", b.value, kMaxName);
  if (s) s = word("period", b.period, {"month", "week"});
  if (s) s = date("period_start", b.period_start);
  if (s) s = date("period_end", b.period_end);
  if (s) s = word("basis", b.basis, {"org", "list", "effective"});
  if (s) s = number("limit_usd", b.limit_usd);
  if (s) s = number("spent_usd", b.spent_usd);
  if (s) s = number("forecast_usd", b.forecast_usd);
  if (s) s = number("percent", b.percent);
  if (s) s = word("state", b.state, {"ok", "warn", "over", "forecast_over"});
  if (s && o["enforce"].get_bool().get(b.enforce))
    s = make_error(where + ".enforce is not true or false");
  if (s) s = text("message", b.message, kMaxMessage);
  if (!s) return s.error();
  simdjson::dom::element until;
  if (!o["override_until"].get(until) && !until.is_null()) {
    std::string_view v;
    if (until.get_string().get(v) || !parse_iso8601_utc_ms(v))
      return make_error(where + ".override_until is neither null nor an ISO 8601 UTC time");
    b.override_until = std::string(v);
  }
  return b;
}

}  // namespace

Result<std::optional<std::vector<BudgetStanding>>> budgets_in(simdjson::dom::element ack) {
  std::optional<std::vector<BudgetStanding>> out;
  simdjson::dom::element field;
  if (ack["budgets"].get(field)) return out;  // a collector without budgets
  simdjson::dom::array list;
  if (field.get_array().get(list)) return make_error("budgets is not an array");
  if (list.size() > kMaxBudgets)
    return make_error("budgets holds more than " + std::to_string(kMaxBudgets) + " entries");
  out.emplace();
  size_t index = 0;
  for (simdjson::dom::element e : list) {
    auto b = standing_in(e, index++);
    if (!b) return b.error();
    out->push_back(std::move(b).value());
  }
  return out;
}

std::string budget_state_path(const std::string& state_dir) {
  return state_dir + "/budgets.json";
}

std::string budget_state_json(const BudgetState& state) {
  std::string json;
  JsonWriter w(json);
  w.begin_object()
      .field("received_ms", state.received_ms)
      .field("received", format_iso8601_utc_ms(state.received_ms));
  w.key("budgets").begin_array();
  for (const BudgetStanding& b : state.budgets) {
    w.begin_object()
        .field("id", b.id)
        .field("scope", b.scope)
        .field("value", b.value)
        .field("period", b.period)
        .field("period_start", b.period_start)
        .field("period_end", b.period_end)
        .field("basis", b.basis)
        .field("limit_usd", b.limit_usd)
        .field("spent_usd", b.spent_usd)
        .field("forecast_usd", b.forecast_usd)
        .field("percent", b.percent)
        .field("state", b.state)
        .field("enforce", b.enforce)
        .field("override_until", b.override_until)
        .field("message", b.message)
        .end_object();
  }
  w.end_array().end_object();
  json.push_back('\n');
  return json;
}

Result<BudgetState> parse_budget_state(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(simdjson::padded_string(text)).get(doc))
    return make_error("the budget state is not JSON");
  BudgetState state;
  if (doc["received_ms"].get_int64().get(state.received_ms))
    return make_error("the budget state has no received_ms");
  auto budgets = budgets_in(doc);
  if (!budgets) return budgets.error();
  if (!*budgets) return make_error("the budget state has no budgets");
  state.budgets = std::move(**budgets);
  return state;
}

Status write_budget_state(const std::string& state_dir, const BudgetState& state) {
  return write_file_atomically(budget_state_path(state_dir), budget_state_json(state), 0600);
}

Result<BudgetState> read_budget_state(const std::string& state_dir) {
  const std::string path = budget_state_path(state_dir);
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text))
    return make_error("no budget state at " + path);
  auto state = parse_budget_state(std::string_view(text.data(), text.size()));
  if (!state) return make_error(path + ": " + state.error().message);
  return state;
}

}  // namespace codepulse::tracker
