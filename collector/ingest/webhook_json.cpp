#include "collector/ingest/webhook_json.hpp"

#include <algorithm>
#include <cctype>

#include "common/text_controls.hpp"
#include "common/time.hpp"

namespace codepulse::collector::webhook_json {

Result<simdjson::dom::element> parse_object(simdjson::dom::parser& parser, std::string_view body) {
  simdjson::dom::element doc;
  if (auto err = parser.parse(body.data(), body.size()).get(doc); err)
    return make_error(std::string("the body is not JSON: ") + simdjson::error_message(err));
  if (!doc.is_object()) return make_error("the body is not a JSON object");
  return doc;
}

bool plain(std::string_view s, size_t max) {
  return s.size() <= max && find_control_character(s) == std::string_view::npos;
}

std::string_view text_of(simdjson::dom::element e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v)) return {};
  return v;
}

Result<simdjson::dom::element> object_at(simdjson::dom::element e, const char* key,
                                         const std::string& what) {
  simdjson::dom::element v;
  if (e[key].get(v) || !v.is_object()) return make_error(what + " is missing or not an object");
  return v;
}

Result<std::string> plain_text(std::string_view value, const std::string& what, size_t max) {
  if (!plain(value, max)) return make_error(what + " is too long or has control characters");
  return std::string(value);
}

Status read_text(simdjson::dom::element e, const char* key, const std::string& what,
                 std::string& out) {
  auto text = plain_text(text_of(e, key), what);
  if (!text) return text.error();
  out = std::move(text).value();
  return {};
}

Result<std::string> read_dollars(simdjson::dom::element e, const char* key,
                                 const std::string& absent) {
  auto v = e[key];
  if (v.error()) return make_error(std::string(key) + ": required (" + absent + ")");
  std::string_view as_text;
  if (!v.get(as_text)) return std::string(as_text);
  if (v.is_number()) return std::string(simdjson::minify(v.value()));
  return make_error(std::string(key) + ": expected US dollars as a string or a number");
}

Status read_sha(simdjson::dom::element e, const char* key, const std::string& what, bool full,
                std::string& out) {
  const std::string_view value = text_of(e, key);
  if (value.empty() && !full) {
    out.clear();
    return {};
  }
  if (value.size() < (full ? 40u : 7u) || value.size() > 40 ||
      !std::all_of(value.begin(), value.end(),
                   [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }))
    return make_error(what +
                      (full ? " is not a 40-digit SHA" : " is not a SHA of 7 to 40 hex digits"));
  out.assign(value);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return {};
}

Status read_time(simdjson::dom::element e, const char* key, const std::string& what, bool required,
                 int64_t& out) {
  out = 0;
  simdjson::dom::element v;
  if (e[key].get(v) || v.is_null()) {
    if (required) return make_error(what + " is missing");
    return {};
  }
  std::string_view s;
  if (v.get_string().get(s)) return make_error(what + " is not a time string");
  auto t = parse_time(s);
  if (!t) return make_error(what + " is not an ISO-8601 time");
  out = *t;
  return {};
}

Status read_account(simdjson::dom::element e, const char* key, const char* id,
                    std::string_view prefix, const std::string& what, std::string& out) {
  out.clear();
  simdjson::dom::element account;
  if (e[key].get(account) || !account.is_object()) return {};
  std::string value;
  if (auto s = read_text(account, id, what, value); !s) return s;
  if (!value.empty()) out = std::string(prefix) + value;
  return {};
}

Result<std::string> repo_of(simdjson::dom::element doc, std::string_view host) {
  auto repo = object_at(doc, "repository", "field 'repository'");
  if (!repo) return repo.error();
  const std::string_view full = text_of(*repo, "full_name");
  const auto slash = full.find('/');
  if (full.empty() || slash == 0 || slash == std::string_view::npos || slash + 1 == full.size() ||
      full.find('/', slash + 1) != std::string_view::npos || !plain(full))
    return make_error("repository.full_name is missing or not OWNER/NAME");
  std::string out(host);
  out.push_back('/');
  for (char c : full)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

std::optional<int64_t> parse_time(std::string_view text) {
  if (text.size() < 20) return std::nullopt;
  if (text.back() == 'Z') return parse_iso8601_utc_ms(text);
  const std::string_view offset = text.substr(text.size() - 6);
  if ((offset[0] != '+' && offset[0] != '-') || offset[3] != ':') return std::nullopt;
  auto digit = [&](size_t i) {
    return offset[i] >= '0' && offset[i] <= '9' ? offset[i] - '0' : -1;
  };
  const int h1 = digit(1), h2 = digit(2), m1 = digit(4), m2 = digit(5);
  if (h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0) return std::nullopt;
  const int minutes = (h1 * 10 + h2) * 60 + m1 * 10 + m2;
  if (minutes > 18 * 60) return std::nullopt;
  auto utc = parse_iso8601_utc_ms(std::string(text.substr(0, text.size() - 6)) + "Z");
  if (!utc) return std::nullopt;
  const int64_t shift = int64_t{minutes} * 60'000;
  return offset[0] == '+' ? *utc - shift : *utc + shift;
}

std::string_view email_of_author_line(std::string_view raw) {
  const auto open = raw.rfind('<');
  if (open == std::string_view::npos) return {};
  const auto close = raw.find('>', open);
  if (close == std::string_view::npos) return {};
  const std::string_view email = raw.substr(open + 1, close - open - 1);
  if (email.find('@') == std::string_view::npos) return {};
  return email;
}

}  // namespace codepulse::collector::webhook_json
