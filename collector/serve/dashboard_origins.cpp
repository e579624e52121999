// Dashboard origins from the public_url setting or the certificate's names.
#include "collector/serve/dashboard_origins.hpp"

#include <arpa/inet.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>

namespace codepulse::collector {
namespace {

std::string with_port(const std::string& host, uint16_t port) {
  return "https://" + host + (port == 443 ? "" : ":" + std::to_string(port));
}

// The DNS names and IP addresses (IPv6 in brackets) of the certificate.
Result<std::vector<std::string>> certificate_hosts(const std::string& cert_file) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(cert_file.c_str(), "r"), &std::fclose);
  if (!f) return make_error("cannot read the TLS certificate " + cert_file);
  std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr),
                                              &X509_free);
  if (!cert) return make_error("cannot parse the TLS certificate " + cert_file);
  std::vector<std::string> hosts;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type == GEN_DNS) {
      const auto* s = ASN1_STRING_get0_data(n->d.dNSName);
      std::string host(reinterpret_cast<const char*>(s),
                       static_cast<size_t>(ASN1_STRING_length(n->d.dNSName)));
      std::transform(host.begin(), host.end(), host.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      if (host.find('*') == std::string::npos) hosts.push_back(host);
    } else if (n->type == GEN_IPADD) {
      const int len = ASN1_STRING_length(n->d.iPAddress);
      char text[INET6_ADDRSTRLEN] = {};
      const int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
      if (family && inet_ntop(family, ASN1_STRING_get0_data(n->d.iPAddress), text, sizeof text))
        hosts.push_back(family == AF_INET6 ? "[" + std::string(text) + "]" : std::string(text));
    }
  }
  GENERAL_NAMES_free(names);
  return hosts;
}

}  // namespace

Result<std::string> origin_of_url(const std::string& url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() <= kScheme.size() || url.compare(0, kScheme.size(), kScheme) != 0)
    return make_error("public_url must be an https:// URL, not \"" + url + "\"");
  std::string authority =
      url.substr(kScheme.size(), url.find('/', kScheme.size()) - kScheme.size());
  std::transform(authority.begin(), authority.end(), authority.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (authority.empty() || authority.find_first_of("@?# ") != std::string::npos)
    return make_error("public_url \"" + url + "\" has no plain host[:port]");
  if (authority.size() > 4 && authority.compare(authority.size() - 4, 4, ":443") == 0)
    authority.resize(authority.size() - 4);
  return std::string(kScheme) + authority;
}

Result<std::vector<std::string>> dashboard_origins(const std::string& public_url,
                                                   const std::string& cert_file, uint16_t port) {
  if (!public_url.empty()) {
    auto origin = origin_of_url(public_url);
    if (!origin) return origin.error();
    return std::vector<std::string>{*origin};
  }
  auto hosts = certificate_hosts(cert_file);
  if (!hosts) return hosts.error();
  std::vector<std::string> origins;
  for (const auto& host : *hosts)
    origins.push_back(with_port(host, port));
  return origins;
}

}  // namespace codepulse::collector
