#include "common/tls/pki.hpp"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>

#include "common/ascii.hpp"
#include "common/c_handles.hpp"

namespace codepulse::tls {
namespace {

using PKey = std::unique_ptr<EVP_PKEY, FnDeleter<::EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, FnDeleter<::X509_free>>;
using Bio = std::unique_ptr<BIO, FnDeleter<::BIO_free>>;
using PKeyCtx = std::unique_ptr<EVP_PKEY_CTX, FnDeleter<::EVP_PKEY_CTX_free>>;
using Ext = std::unique_ptr<X509_EXTENSION, FnDeleter<::X509_EXTENSION_free>>;

std::string openssl_error(const std::string& what) {
  const unsigned long code = ERR_get_error();
  char buf[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, buf, sizeof buf);
  ERR_clear_error();
  return what + ": " + buf;
}

Result<PKey> new_p256_key() {
  PKeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx.get(), NID_X9_62_prime256v1) <= 0 ||
      EVP_PKEY_keygen(ctx.get(), &raw) <= 0)
    return make_error(openssl_error("cannot make an EC P-256 key"));
  return PKey(raw);
}

Result<std::string> pem_of(const std::function<int(BIO*)>& write) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) return make_error(openssl_error("cannot write PEM"));
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<Issued> to_pem(X509* cert, EVP_PKEY* key) {
  auto c = pem_of([cert](BIO* b) { return PEM_write_bio_X509(b, cert); });
  if (!c) return c.error();
  auto k = pem_of([key](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
  if (!k) return k.error();
  return Issued{*c, *k};
}

Status add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    return make_error(openssl_error("cannot add certificate extension " + value));
  return {};
}

// A certificate with a random serial, valid from an hour ago for `days`.
Result<Cert> new_certificate(const std::string& common_name, EVP_PKEY* key, int days) {
  Cert cert(X509_new());
  if (!cert) return make_error(openssl_error("X509_new"));
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return make_error("no random bytes for a serial");
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  ASN1_INTEGER* sn = bn ? BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) : nullptr;
  BN_free(bn);
  if (!sn) return make_error(openssl_error("cannot set the serial number"));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                 -1, 0) != 1)
    return make_error(openssl_error("cannot set the common name"));
  if (X509_set_pubkey(cert.get(), key) != 1) return make_error(openssl_error("X509_set_pubkey"));
  return cert;
}

Result<PKey> read_key(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* k = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!k) return make_error(openssl_error("cannot read the CA key"));
  return PKey(k);
}

Result<Cert> read_cert(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509* c = bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!c) return make_error(openssl_error("cannot read the certificate"));
  return Cert(c);
}

Status write_file(const std::string& path, const std::string& text, mode_t mode, bool overwrite) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL);
  UniqueFd fd(::open(path.c_str(), flags, mode));
  if (!fd.valid()) return make_error("cannot create " + path + ": " + std::strerror(errno));
  if (::fchmod(fd.get(), mode) != 0)
    return make_error("cannot set the mode of " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error("cannot write " + path + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  return {};
}

}  // namespace

Result<Issued> make_ca(const std::string& common_name, int days) {
  auto key = new_p256_key();
  if (!key) return key.error();
  auto cert = new_certificate(common_name, key->get(), days);
  if (!cert) return cert.error();
  X509* c = cert->get();
  X509_set_issuer_name(c, X509_get_subject_name(c));
  for (const auto& [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                                   std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                                   std::pair{NID_subject_key_identifier, "hash"}}) {
    if (auto s = add_ext(c, c, nid, value); !s) return s.error();
  }
  if (X509_sign(c, key->get(), EVP_sha256()) == 0)
    return make_error(openssl_error("cannot sign the CA certificate"));
  return to_pem(c, key->get());
}

Result<Issued> issue_server_certificate(const Issued& ca, const CertificateRequest& request) {
  auto ca_cert = read_cert(ca.certificate_pem);
  if (!ca_cert) return ca_cert.error();
  auto ca_key = read_key(ca.private_key_pem);
  if (!ca_key) return ca_key.error();
  auto key = new_p256_key();
  if (!key) return key.error();
  auto cert = new_certificate(request.common_name, key->get(), request.days);
  if (!cert) return cert.error();
  X509* c = cert->get();
  X509_set_issuer_name(c, X509_get_subject_name(ca_cert->get()));
  std::string san;
  for (const auto& d : request.dns_names)
    san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
  for (const auto& ip : request.ip_addresses)
    san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  if (san.empty()) return make_error("a server certificate needs a DNS name or an IP address");
  for (const auto& [nid, value] :
       {std::pair<int, std::string>{NID_basic_constraints, "critical,CA:FALSE"},
        {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
        {NID_ext_key_usage, "serverAuth"},
        {NID_subject_alt_name, san},
        {NID_authority_key_identifier, "keyid:always"}}) {
    if (auto s = add_ext(c, ca_cert->get(), nid, value); !s) return s.error();
  }
  if (X509_sign(c, ca_key->get(), EVP_sha256()) == 0)
    return make_error(openssl_error("cannot sign the server certificate"));
  return to_pem(c, key->get());
}

Status write_test_pki(const std::string& dir, const CertificateRequest& server, bool overwrite) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return make_error("cannot create " + dir + ": " + std::strerror(errno));
  auto ca = make_ca("codepulse local CA");
  if (!ca) return ca.error();
  auto leaf = issue_server_certificate(*ca, server);
  if (!leaf) return leaf.error();
  // server.pem is the chain (leaf, then the CA): the collector presents both,
  // so `codepulse-tracker enroll` can fetch the CA it was given the SHA-256 of.
  const std::string chain = leaf->certificate_pem + ca->certificate_pem;
  const struct {
    const char* name;
    const std::string& text;
    mode_t mode;
  } files[] = {{"ca.pem", ca->certificate_pem, 0644},
               {"ca-key.pem", ca->private_key_pem, 0600},
               {"server.pem", chain, 0644},
               {"server-key.pem", leaf->private_key_pem, 0600}};
  for (const auto& f : files) {
    if (auto s = write_file(dir + "/" + f.name, f.text, f.mode, overwrite); !s) return s;
  }
  return {};
}

Result<std::string> certificate_sha256(const std::string& pem_file) {
  std::ifstream in(pem_file, std::ios::binary);
  if (!in) return make_error("cannot read " + pem_file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto fp = pem_sha256(ss.str());
  if (!fp) return make_error(pem_file + ": " + fp.error().message);
  return fp;
}

Result<std::string> pem_sha256(const std::string& pem) {
  auto cert = read_cert(pem);
  if (!cert) return cert.error();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert->get(), EVP_sha256(), md, &n) != 1)
    return make_error(openssl_error("cannot hash the certificate"));
  return hex_encode(md, n);
}

}  // namespace codepulse::tls
