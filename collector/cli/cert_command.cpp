// codepulse-collector cert create | fingerprint: a local CA and a server
// certificate to try codepulse out (production brings its own), and the
// SHA-256 fingerprint a tracker can pin.
#include <cstdio>

#include "collector/cli/commands.hpp"
#include "common/cli/args.hpp"
#include "common/tls/pki.hpp"

namespace codepulse::collector {
namespace {

const char* kCertUsage =
    "Usage: codepulse-collector cert create --dir DIR [--host NAME]... [--ip ADDRESS]... "
    "[--force]\n"
    "       codepulse-collector cert fingerprint FILE\n"
    "\n"
    "create: makes a local CA (ca.pem, ca-key.pem) and a server certificate it signs\n"
    "(server.pem, server-key.pem; keys mode 600) for the given names (default localhost\n"
    "and 127.0.0.1). Give trackers ca.pem as --ca-file.\n"
    "fingerprint: the SHA-256 of a certificate, for a tracker's collector_pin_sha256.";

}  // namespace

int run_cert_command(const std::vector<std::string>& argv) {
  const std::vector<FlagSpec> specs = {
      {"dir", true, false, "folder to write the files into (created 0700)", "DIR"},
      {"host", true, true, "a DNS name of the collector (repeatable)", "NAME"},
      {"ip", true, true, "an IP address of the collector (repeatable)", "ADDRESS"},
      {"force", false, false, "overwrite existing files", "VALUE"},
      {"help", false, false, "show this help", "VALUE"}};
  const auto args = parse_command(kProgram, argv, specs, kCertUsage, NeedsArguments::kYes);
  if (!args) return args.exit_code();
  const auto& pos = args->positional();
  if (pos[0] == "fingerprint") {
    if (pos.size() != 2) return fail("cert fingerprint: give one PEM file", kExitUsage);
    auto fp = tls::certificate_sha256(pos[1]);
    if (!fp) return fail(fp.error().message);
    std::printf("%s\n", fp->c_str());
    return kExitOk;
  }
  if (pos[0] != "create" || pos.size() != 1)
    return fail("cert: use 'create' or 'fingerprint FILE' (see --help)", kExitUsage);
  const auto dir = args->get("dir");
  if (!dir) return fail("cert create: --dir DIR is required", kExitUsage);
  tls::CertificateRequest req;
  req.dns_names = args->all("host");
  req.ip_addresses = args->all("ip");
  if (req.dns_names.empty() && req.ip_addresses.empty()) {
    req.dns_names = {"localhost"};
    req.ip_addresses = {"127.0.0.1", "::1"};
  }
  req.common_name = req.dns_names.empty() ? req.ip_addresses.front() : req.dns_names.front();
  if (auto s = tls::write_test_pki(*dir, req, args->has("force")); !s)
    return fail(s.error().message +
                (args->has("force") ? "" : " (use --force to replace existing files)"));
  auto fp = tls::certificate_sha256(*dir + "/server.pem");
  std::printf("Wrote %s/ca.pem, ca-key.pem, server.pem and server-key.pem.\n", dir->c_str());
  std::printf("Collector: --tls-cert %s/server.pem --tls-key %s/server-key.pem\n", dir->c_str(),
              dir->c_str());
  std::printf("Trackers:  --ca-file %s/ca.pem\n", dir->c_str());
  if (fp) std::printf("Server certificate SHA-256: %s\n", fp->c_str());
  return kExitOk;
}

}  // namespace codepulse::collector
