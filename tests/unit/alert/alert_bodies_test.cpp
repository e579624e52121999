// What the alert receivers are sent (docs/ALERTS.md): the Slack, Teams and
// webhook bodies have the documented shape, the webhook's signature is what
// a receiver computes independently (OpenSSL's HMAC over timestamp "." body),
// the backoff doubles with jitter and honours Retry-After, and secrets are
// scrubbed from what a receiver says.
#include "collector/alert/alert_bodies.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "collector/alert/alert_dispatcher.hpp"

using namespace codepulse;
using namespace codepulse::collector;

namespace {

AlertMessage sample() {
  AlertMessage a;
  a.dedupe_key = "reconcile_gap:2026-11:anthropic:usd=100.00";
  a.source = "reconcile_gap";
  a.title = "codepulse: anthropic 2026-11 differs by $150.00 <@channel>";
  a.text = "anthropic billed $900.00\n- never touched a laptop (CI, API apps) ($150.00)";
  a.details = R"({"month":"2026-11","gap_usd":150.000000000})";
  a.created_ms = 1'794'312'000'000;  // 2026-11-10T12:00:00Z
  return a;
}

std::string independent_hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[out[i] >> 4]);
    hex.push_back(kHex[out[i] & 15]);
  }
  return hex;
}

std::string header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

}  // namespace

TEST_CASE("the Slack body is plain-text blocks with a fallback text", "[alert]") {
  simdjson::dom::parser p;
  const std::string body = slack_body(sample());
  simdjson::dom::element doc = p.parse(body);
  CHECK(std::string(doc["text"].get_string().value()) == sample().title + "\n" + sample().text);
  simdjson::dom::array blocks = doc["blocks"];
  REQUIRE(blocks.size() == 3);
  CHECK(std::string(blocks.at(0)["type"].get_string().value()) == "header");
  CHECK(std::string(blocks.at(0)["text"]["type"].get_string().value()) == "plain_text");
  CHECK(std::string(blocks.at(0)["text"]["text"].get_string().value()) == sample().title);
  CHECK(std::string(blocks.at(1)["type"].get_string().value()) == "section");
  CHECK(std::string(blocks.at(1)["text"]["type"].get_string().value()) == "plain_text");
  CHECK(std::string(blocks.at(1)["text"]["text"].get_string().value()) == sample().text);
  CHECK(std::string(blocks.at(2)["type"].get_string().value()) == "context");
  CHECK(std::string(blocks.at(2)["elements"].at(0)["text"].get_string().value()) ==
        "codepulse · reconcile_gap · 2026-11-10T12:00:00.000Z");
  // Slack's limits: a header of at most 150 characters.
  AlertMessage long_title = sample();
  long_title.title = std::string(400, 'x');
  simdjson::dom::parser p2;
  simdjson::dom::element cut = p2.parse(slack_body(long_title));
  CHECK(cut["blocks"].at(0)["text"]["text"].get_string().value().size() == 150);
}

TEST_CASE("the Teams body is a message with one Adaptive Card", "[alert]") {
  simdjson::dom::parser p;
  simdjson::dom::element doc = p.parse(teams_body(sample()));
  CHECK(std::string(doc["type"].get_string().value()) == "message");
  simdjson::dom::array attachments = doc["attachments"];
  REQUIRE(attachments.size() == 1);
  simdjson::dom::element card = attachments.at(0);
  CHECK(std::string(card["contentType"].get_string().value()) ==
        "application/vnd.microsoft.card.adaptive");
  CHECK(card["contentUrl"].is_null());
  CHECK(std::string(card["content"]["type"].get_string().value()) == "AdaptiveCard");
  CHECK(std::string(card["content"]["version"].get_string().value()) == "1.4");
  simdjson::dom::array blocks = card["content"]["body"];
  REQUIRE(blocks.size() == 3);
  CHECK(std::string(blocks.at(0)["text"].get_string().value()) == sample().title);
  CHECK(std::string(blocks.at(0)["weight"].get_string().value()) == "Bolder");
  CHECK(std::string(blocks.at(1)["text"].get_string().value()) == sample().text);
  CHECK(blocks.at(1)["wrap"].get_bool().value());
}

TEST_CASE("the webhook body carries the alert and its details, and the signature verifies",
          "[alert]") {
  AlertReceiver r;
  r.name = "webhook";
  r.kind = ReceiverKind::kWebhook;
  r.endpoint.host = "alerts.example.com";
  r.endpoint.base_path = "/hooks/codepulse";
  r.secret = "s3cret-canary-0123456789abcdef0123456789";
  const int64_t now = 1'794'312'345'678;
  const HttpRequest req = alert_request(r, sample(), now);
  CHECK(req.method == "POST");
  CHECK(req.target.empty());  // the URL's path is the endpoint's base path
  simdjson::dom::parser p;
  simdjson::dom::element doc = p.parse(req.body);
  CHECK(doc["version"].get_int64().value() == 1);
  CHECK(std::string(doc["id"].get_string().value()) == sample().dedupe_key);
  CHECK(std::string(doc["source"].get_string().value()) == "reconcile_gap");
  CHECK(std::string(doc["title"].get_string().value()) == sample().title);
  CHECK(std::string(doc["text"].get_string().value()) == sample().text);
  CHECK(std::string(doc["created_at"].get_string().value()) == "2026-11-10T12:00:00.000Z");
  CHECK(std::string(doc["details"]["month"].get_string().value()) == "2026-11");
  CHECK(doc["details"]["gap_usd"].get_double().value() == 150.0);

  const std::string timestamp = header(req, "X-Codepulse-Timestamp");
  CHECK(timestamp == "1794312345");
  CHECK(header(req, "X-Codepulse-Signature") ==
        "sha256=" + independent_hmac(r.secret, timestamp + "." + req.body));
  CHECK(header(req, "X-Codepulse-Delivery") == delivery_id(sample(), "webhook"));
  CHECK(header(req, "X-Codepulse-Delivery").size() == 64);
  // Another body, timestamp or secret: another signature.
  CHECK(alert_signature(r.secret, timestamp, req.body + " ") !=
        header(req, "X-Codepulse-Signature"));
  CHECK(alert_signature(r.secret, "1794312346", req.body) != header(req, "X-Codepulse-Signature"));
  CHECK(req.body.find(r.secret) == std::string::npos);
  // Slack and Teams are not signed.
  r.kind = ReceiverKind::kSlack;
  CHECK(header(alert_request(r, sample(), now), "X-Codepulse-Signature").empty());
}

TEST_CASE("the backoff doubles up to its cap, with jitter, and honours Retry-After", "[alert]") {
  CHECK(alert_backoff_ms(1, 1000, 60'000, -1, 0.0) == 1000);
  CHECK(alert_backoff_ms(2, 1000, 60'000, -1, 0.0) == 2000);
  CHECK(alert_backoff_ms(3, 1000, 60'000, -1, 0.0) == 4000);
  CHECK(alert_backoff_ms(30, 1000, 60'000, -1, 0.0) == 60'000);
  CHECK(alert_backoff_ms(3, 1000, 60'000, -1, 1.0) == 2000);  // jitter takes at most half
  CHECK(alert_backoff_ms(3, 1000, 60'000, -1, 0.5) == 3000);
  CHECK(alert_backoff_ms(1, 1000, 60'000, 7000, 0.0) == 7000);
  CHECK(alert_backoff_ms(1, 1000, 60'000, 7'000'000, 0.0) == 60'000);
}

TEST_CASE("a receiver's secrets are scrubbed from what it says", "[alert]") {
  AlertReceiver r;
  r.name = "slack";
  r.endpoint.host = "hooks.slack.com";
  r.endpoint.base_path = "/services/T000/B000/canaryXYZ123";
  r.url_is_secret = true;
  CHECK(r.display() == "slack (hooks.slack.com)");
  CHECK(r.scrub("bad url /services/T000/B000/canaryXYZ123 here\n") ==
        "bad url /[secret path] here\xEF\xBF\xBD");
}
