// codepulse-tracker enroll: the one line `codepulse-collector token create
// --url ...` prints. Fetches the collector's CA (kept only when its SHA-256 is
// the one given), writes the token file (0600) and the collector keys of the
// configuration file.
#include <cctype>
#include <cstdio>
#include <iostream>

#include "common/tls/pki.hpp"
#include "tracker/cli/commands.hpp"
#include "tracker/cli/options.hpp"
#include "tracker/enroll/enrolment.hpp"
#include "tracker/enroll/presented_chain.hpp"
#include "tracker/ship/https_client.hpp"

namespace codepulse::tracker {
namespace {

const char* kEnrollUsage =
    "Usage: codepulse-tracker enroll --collector URL [--ca-sha256 HEX] --token TOKEN|- "
    "[--config FILE]\n"
    "\n"
    "Configures this machine's tracker for a collector, from the line that\n"
    "'codepulse-collector token create --url URL' prints. With --ca-sha256 it fetches the\n"
    "certificates the collector presents and keeps the CA whose SHA-256 that is (refusing\n"
    "otherwise); without it the system's trusted CAs are used. Writes the token file (mode\n"
    "600), collector-ca.pem and the collector keys of the configuration file (other keys\n"
    "are kept). '--token -' reads the token from standard input.";

// "sha256:AB:CD..." -> "abcd...", or "" when it is not 64 hex digits.
std::string normalize_sha256(std::string text) {
  if (text.rfind("sha256:", 0) == 0 || text.rfind("SHA256:", 0) == 0) text = text.substr(7);
  std::string hex;
  for (char c : text) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
    hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return hex.size() == 64 ? hex : "";
}

bool token_chars_ok(const std::string& token) {
  if (token.empty() || token.size() > 4096) return false;
  for (char c : token)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) return false;
  return true;
}

// The presented certificate whose SHA-256 is `pin`.
Result<std::string> fetch_pinned_ca(const CollectorEndpoint& endpoint, const std::string& pin) {
  auto chain = fetch_presented_chain(endpoint, std::chrono::seconds(15));
  if (!chain) return chain.error();
  for (const std::string& pem : *chain) {
    auto fp = tls::pem_sha256(pem);
    if (fp && *fp == pin) return pem;
  }
  return make_error("none of the " + std::to_string(chain->size()) + " certificates " +
                    endpoint.display() +
                    " presents has the SHA-256 given with --ca-sha256; ask the collector's "
                    "administrator for a new enrolment line");
}

}  // namespace

int run_enroll_command(const Environment& env, const std::vector<std::string>& argv) {
  const std::vector<FlagSpec> specs = {
      {"collector", true, false, "the collector's URL, https://HOST[:PORT]", "URL"},
      {"ca-sha256", true, false, "SHA-256 of the collector's CA certificate (64 hex digits)",
       "HEX"},
      {"token", true, false, "the tracker token; '-' reads it from standard input", "TOKEN"},
      {"config", true, false,
       "configuration file to write ($XDG_CONFIG_HOME/codepulse/tracker.toml)", "FILE"},
      {"help", false, false, "show this help"}};
  auto args = Args::parse(argv, specs);
  if (!args) return fail(args.error().message, kExitUsage);
  if (args->has("help")) {
    std::puts(format_help(kEnrollUsage, specs).c_str());
    return kExitOk;
  }
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const std::string url = args->get("collector").value_or("");
  if (url.empty()) return fail("--collector URL is required (see --help)", kExitUsage);
  auto endpoint = parse_collector_url(url);
  if (!endpoint) return fail(endpoint.error().message, kExitUsage);

  std::string token = args->get("token").value_or("");
  if (token == "-") std::getline(std::cin, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  if (!token_chars_ok(token))
    return fail("--token TOKEN is required: the token 'token create' printed (see --help)",
                kExitUsage);

  Enrolment e{url, token, std::nullopt};
  std::string pin;
  if (auto given = args->get("ca-sha256")) {
    pin = normalize_sha256(*given);
    if (pin.empty())
      return fail("--ca-sha256 must be 64 hex digits, got '" + *given + "'", kExitUsage);
    auto ca = fetch_pinned_ca(*endpoint, pin);
    if (!ca) return fail(ca.error().message);
    e.ca_pem = *ca;
  }
  const std::string base = env.xdg_config_home ? *env.xdg_config_home : env.home + "/.config";
  const auto files =
      enrolment_files(args->get("config").value_or(base + "/codepulse/tracker.toml"));
  if (auto s = write_enrolment(e, files, env); !s) return fail(s.error().message);

  std::printf("Enrolled with %s.\n", url.c_str());
  std::printf("  token          %s (mode 600)\n", files.token_file.c_str());
  if (e.ca_pem)
    std::printf("  collector CA   %s (SHA-256 %s)\n", files.ca_file.c_str(), pin.c_str());
  std::printf("  configuration  %s\n", files.config_file.c_str());
  std::printf(
      "Check the way to the collector: codepulse-tracker doctor\n"
      "Start the service:              systemctl --user enable --now codepulse-tracker\n");
  return kExitOk;
}

}  // namespace codepulse::tracker
