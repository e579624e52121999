// The alert receivers, read from the configuration (alert_receivers.hpp).
#include "collector/alert/alert_receivers.hpp"

#include "common/secret_file.hpp"
#include "common/text_controls.hpp"

namespace codepulse::collector {
namespace {

constexpr size_t kMaxUrl = 2048;

void replace_all(std::string& text, const std::string& secret, const std::string& with) {
  if (secret.empty()) return;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
    text.replace(at, secret.size(), with);
}

// A URL from a private file: https, a host, and a path (the secret part).
Result<AlertReceiver> url_receiver(const std::string& name, ReceiverKind kind,
                                   const std::string& key, const std::string& file,
                                   const std::string& ca_file) {
  auto url = read_secret_file(key, file, 16, kMaxUrl, "");
  if (!url) return url.error();
  for (char c : *url)
    if (c < '!' || c > '~')
      return make_error(key + " " + file +
                        " holds a character a URL cannot have (a space or a control character)");
  auto endpoint = parse_https_url(*url, key, "the URL is a secret");
  // The parser's error would show the URL: say what is wrong without it.
  if (!endpoint || endpoint->base_path.empty())
    return make_error(key + " " + file + " must hold one https://HOST[:PORT]/PATH URL (the " +
                      name + " incoming webhook's URL)");
  AlertReceiver r;
  r.name = name;
  r.kind = kind;
  r.endpoint = std::move(endpoint).value();
  r.endpoint.agent = "codepulse-collector";
  r.tls = ClientTls{ca_file, ""};
  r.url_is_secret = true;
  return r;
}

}  // namespace

std::string AlertReceiver::display() const {
  return name + " (" + endpoint.host + ")";
}

std::string AlertReceiver::scrub(std::string_view text) const {
  std::string out = replace_control_characters(text);
  if (url_is_secret) replace_all(out, endpoint.base_path, "/[secret path]");
  replace_all(out, secret, "[secret]");
  return out;
}

Result<std::vector<AlertReceiver>> load_receivers(const AlertSettings& s) {
  std::vector<AlertReceiver> out;
  if (!s.slack_url_file.empty()) {
    auto r = url_receiver("slack", ReceiverKind::kSlack, "alert_slack_url_file", s.slack_url_file,
                          s.ca_file);
    if (!r) return r.error();
    out.push_back(std::move(r).value());
  }
  if (!s.teams_url_file.empty()) {
    auto r = url_receiver("teams", ReceiverKind::kTeams, "alert_teams_url_file", s.teams_url_file,
                          s.ca_file);
    if (!r) return r.error();
    out.push_back(std::move(r).value());
  }
  if (!s.webhook_url.empty() || !s.webhook_secret_file.empty()) {
    if (s.webhook_url.empty() || s.webhook_secret_file.empty())
      return make_error(
          "alert_webhook_url and alert_webhook_secret_file go together: the webhook's body is "
          "always signed");
    auto endpoint = parse_https_url(s.webhook_url, "alert_webhook_url",
                                    "the alert and its signature are only sent encrypted");
    if (!endpoint) return endpoint.error();
    auto secret = read_secret_file("alert_webhook_secret_file", s.webhook_secret_file, 32, 256,
                                   " (e.g. openssl rand -hex 32)");
    if (!secret) return secret.error();
    AlertReceiver r;
    r.name = "webhook";
    r.kind = ReceiverKind::kWebhook;
    r.endpoint = std::move(endpoint).value();
    r.endpoint.agent = "codepulse-collector";
    r.tls = ClientTls{s.ca_file, ""};
    r.secret = std::move(secret).value();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::string> receiver_names(const std::vector<AlertReceiver>& receivers) {
  std::vector<std::string> out;
  for (const AlertReceiver& r : receivers)
    out.push_back(r.name);
  return out;
}

}  // namespace codepulse::collector
