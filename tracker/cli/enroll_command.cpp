// codepulse-tracker enroll: the one line `codepulse-collector token create
// --url ...` prints. Fetches the collector's CA (kept only when its SHA-256 is
// the one given), writes the token file (0600) and the collector keys of the
// configuration file.
#include <simdjson.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "common/c_handles.hpp"
#include "common/tls/pki.hpp"
#include "tracker/cli/commands.hpp"
#include "tracker/cli/options.hpp"
#include "tracker/config/keys.hpp"
#include "tracker/enroll/enrolment.hpp"
#include "tracker/enroll/presented_chain.hpp"
#include "tracker/ship/collector_url.hpp"

namespace codepulse::tracker {
namespace {

const char* kEnrollUsage =
    "Usage: codepulse-tracker enroll --collector URL [--ca-sha256 HEX] --token TOKEN|- "
    "[--config FILE]\n"
    "\n"
    "Configures this machine's tracker for a collector, from the line that\n"
    "'codepulse-collector token create --url URL' prints. With --ca-sha256 it fetches the\n"
    "certificates the collector presents and keeps the CA whose SHA-256 that is (refusing\n"
    "otherwise); without it the system's trusted CAs are used. Checks the token with the\n"
    "collector (GET /v1/whoami), then writes the token file (mode\n"
    "600), collector-ca.pem and the collector keys of the configuration file (other keys\n"
    "are kept), and the token's author as `author` unless one is set. '--token -' reads\n"
    "the token from standard input.";

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

// GET /v1/whoami with the token over a verified connection (the fetched CA,
// or the system's): the author the collector stores records under.
Result<std::string> check_token(const CollectorEndpoint& endpoint,
                                const std::optional<std::string>& ca_pem,
                                const std::string& token) {
  ClientTls tls;
  std::string ca_path;
  if (ca_pem) {
    const char* tmp = std::getenv("TMPDIR");
    ca_path = std::string(tmp && *tmp ? tmp : "/tmp") + "/codepulse-enroll-ca-XXXXXX";
    UniqueFd fd(::mkstemp(ca_path.data()));
    if (!fd.valid() ||
        ::write(fd.get(), ca_pem->data(), ca_pem->size()) != static_cast<ssize_t>(ca_pem->size()))
      return make_error("cannot write a temporary file for the collector's CA in " + ca_path);
    tls.ca_file = ca_path;
  }
  HttpRequest who;
  who.method = "GET";
  who.target = "/v1/whoami";
  who.headers = {{"Authorization", "Bearer " + token}};
  auto reply = send_blocking(endpoint, tls, std::chrono::seconds(15), who);
  if (!ca_path.empty()) ::unlink(ca_path.c_str());
  if (!reply) return reply.error();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view author, role;
  if (reply->status != 200 || parser.parse(reply->body).get(doc) ||
      doc["author"].get_string().get(author) || doc["role"].get_string().get(role))
    return make_error("the collector refused the token (HTTP " + std::to_string(reply->status) +
                      "); ask the collector's administrator for a new enrolment line");
  if (role != "tracker" && role != "admin")
    return make_error("this is a " + std::string(role) +
                      " token, which cannot send records; ask for a tracker token");
  return std::string(author);
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
  const auto args = parse_command(kProgram, argv, specs, kEnrollUsage);
  if (!args) return args.exit_code();
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

  Enrolment e{url, token, std::nullopt, {}};
  std::string pin;
  if (auto given = args->get("ca-sha256")) {
    pin = normalize_sha256(*given);
    if (pin.empty())
      return fail("--ca-sha256 must be 64 hex digits, got '" + *given + "'", kExitUsage);
    auto ca = fetch_pinned_ca(*endpoint, pin);
    if (!ca) return fail(ca.error().message);
    e.ca_pem = *ca;
  }
  auto author = check_token(*endpoint, e.ca_pem, token);
  if (!author) return fail(author.error().message);
  e.author = *author;
  const std::string base = env.xdg_config_home ? *env.xdg_config_home : env.home + "/.config";
  const auto files =
      enrolment_files(args->get("config").value_or(base + "/codepulse/tracker.toml"));
  if (auto s = write_enrolment(e, files, env); !s) return fail(s.error().message);

  std::printf("Enrolled with %s: records are stored for %s.\n", url.c_str(), author->c_str());
  std::printf("  token          %s (mode 600)\n", files.token_file.c_str());
  if (e.ca_pem)
    std::printf("  collector CA   %s (SHA-256 %s)\n", files.ca_file.c_str(), pin.c_str());
  std::printf("  configuration  %s\n", files.config_file.c_str());
  // An `author` set before enrolling stays; say when it is not the token's.
  if (auto c = Config::load(files.config_file, {}, env, tracker_config_keys(), kTrackerProgram); c)
    if (const std::string set = c->str("author"); set != *author)
      std::printf(
          "  author         %s, as configured before: the git scan reads that identity's\n"
          "                 commits, and the collector takes only %s's (edit `author`\n"
          "                 in the configuration to change it)\n",
          set.empty() ? "(none: git user.email)" : set.c_str(), author->c_str());
  std::printf(
      "Check the way to the collector: codepulse-tracker doctor\n"
      "Start the service:              systemctl --user enable --now codepulse-tracker\n");
  return kExitOk;
}

}  // namespace codepulse::tracker
