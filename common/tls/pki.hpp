// A small certificate authority for trying codepulse out and for tests: an
// EC P-256 CA, and server certificates it signs for given host names and IP
// addresses. Production deployments bring their own certificates.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"

namespace codepulse::tls {

struct CertificateRequest {
  std::string common_name;
  std::vector<std::string> dns_names;     // subjectAltName DNS entries
  std::vector<std::string> ip_addresses;  // subjectAltName IP entries, "127.0.0.1", "::1"
  int days = 825;
};

// PEM text of a certificate and its private key.
struct Issued {
  std::string certificate_pem;
  std::string private_key_pem;
};

// A self-signed CA certificate (basicConstraints CA:TRUE, keyCertSign).
Result<Issued> make_ca(const std::string& common_name, int days = 3650);
// A server certificate (serverAuth) for `request`, signed by `ca`.
Result<Issued> issue_server_certificate(const Issued& ca, const CertificateRequest& request);

// Writes ca.pem, server.pem (the chain: server certificate, then the CA) and server-key.pem (key
// files mode 0600; also ca-key.pem) into `dir`, creating it (0700). Refuses to overwrite existing
// files unless `overwrite`.
Status write_test_pki(const std::string& dir, const CertificateRequest& server, bool overwrite);

// Lowercase hex SHA-256 of the DER encoding of the first certificate in a PEM
// file: the value a tracker pins with `collector_pin_sha256`.
Result<std::string> certificate_sha256(const std::string& pem_file);
// The same for PEM text.
Result<std::string> pem_sha256(const std::string& pem);

}  // namespace codepulse::tls
