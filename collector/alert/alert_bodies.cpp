// The receivers' bodies and the webhook's signature (alert_bodies.hpp).
#include "collector/alert/alert_bodies.hpp"

#include "common/hashing.hpp"
#include "common/json_writer.hpp"
#include "common/time.hpp"
#include "common/utf8.hpp"

namespace codepulse::collector {
namespace {

// Slack: a header block holds at most 150 characters, a section 3000.
constexpr size_t kSlackHeader = 150;
constexpr size_t kSlackSection = 3000;

// `s` cut to at most `max` bytes at a character boundary.
std::string cut(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t n = max - 3;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
    --n;
  return std::string(s.substr(0, n)) + "...";
}

JsonWriter& plain_text(JsonWriter& w, std::string_view text) {
  return w.begin_object().field("type", "plain_text").field("text", text).end_object();
}

std::string footer(const AlertMessage& a) {
  return "codepulse · " + a.source + " · " + format_iso8601_utc_ms(a.created_ms);
}

}  // namespace

std::string slack_body(const AlertMessage& a) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("text", cut(a.title + "\n" + a.text, kSlackSection));
  w.key("blocks").begin_array();
  w.begin_object().field("type", "header").key("text");
  plain_text(w, cut(a.title, kSlackHeader)).end_object();
  if (!a.text.empty()) {
    w.begin_object().field("type", "section").key("text");
    plain_text(w, cut(a.text, kSlackSection)).end_object();
  }
  w.begin_object().field("type", "context").key("elements").begin_array();
  plain_text(w, footer(a)).end_array().end_object();
  w.end_array().end_object();
  return out;
}

std::string teams_body(const AlertMessage& a) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("type", "message").key("attachments").begin_array().begin_object();
  w.field("contentType", "application/vnd.microsoft.card.adaptive").key("contentUrl").null();
  w.key("content").begin_object();
  w.field("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
      .field("type", "AdaptiveCard")
      .field("version", "1.4");
  w.key("body").begin_array();
  w.begin_object()
      .field("type", "TextBlock")
      .field("text", a.title)
      .field("weight", "Bolder")
      .field("size", "Medium")
      .field("wrap", true)
      .end_object();
  if (!a.text.empty())
    w.begin_object()
        .field("type", "TextBlock")
        .field("text", a.text)
        .field("wrap", true)
        .end_object();
  w.begin_object()
      .field("type", "TextBlock")
      .field("text", footer(a))
      .field("isSubtle", true)
      .field("size", "Small")
      .field("wrap", true)
      .end_object();
  w.end_array().end_object();  // body, content
  w.end_object().end_array().end_object();
  return out;
}

std::string webhook_body(const AlertMessage& a) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("version", 1)
      .field("id", a.dedupe_key)
      .field("source", a.source)
      .field("title", a.title)
      .field("text", a.text)
      .field("created_at", format_iso8601_utc_ms(a.created_ms))
      .end_object();
  // The details are a JSON object the source wrote (check_alert): in as they are.
  out.pop_back();
  out += ",\"details\":" + (a.details.empty() ? std::string("{}") : a.details) + "}";
  return out;
}

std::string alert_signature(std::string_view secret, std::string_view timestamp,
                            std::string_view body) {
  std::string signed_text(timestamp);
  signed_text += '.';
  signed_text += body;
  return "sha256=" + hmac_sha256_hex(secret, signed_text);
}

std::string delivery_id(const AlertMessage& a, const std::string& receiver) {
  return sha256_hex(a.dedupe_key + "\n" + receiver);
}

HttpRequest alert_request(const AlertReceiver& receiver, const AlertMessage& a, int64_t now_ms) {
  HttpRequest req;
  req.method = "POST";
  req.target = receiver.endpoint.base_path.empty() ? "/" : "";
  req.headers = {{"Content-Type", "application/json"},
                 {"X-Codepulse-Delivery", delivery_id(a, receiver.name)}};
  switch (receiver.kind) {
    case ReceiverKind::kSlack:
      req.body = slack_body(a);
      break;
    case ReceiverKind::kTeams:
      req.body = teams_body(a);
      break;
    case ReceiverKind::kWebhook: {
      req.body = webhook_body(a);
      const std::string timestamp = std::to_string(now_ms / 1000);
      req.headers.emplace_back("X-Codepulse-Timestamp", timestamp);
      req.headers.emplace_back("X-Codepulse-Signature",
                               alert_signature(receiver.secret, timestamp, req.body));
      break;
    }
  }
  return req;
}

}  // namespace codepulse::collector
