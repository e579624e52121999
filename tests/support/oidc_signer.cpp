// Test keys and ID tokens made with OpenSSL, for the single sign-on tests.
#include "tests/support/oidc_signer.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <stdexcept>
#include <vector>

#include "common/base64url.hpp"

namespace codepulse::test {
namespace {

std::string bn_param(EVP_PKEY* key, const char* name, size_t pad = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error("no key parameter");
  std::vector<unsigned char> out(std::max(pad, static_cast<size_t>(BN_num_bytes(bn))));
  BN_bn2binpad(bn, out.data(), static_cast<int>(out.size()));
  BN_free(bn);
  return base64url_encode(std::string(out.begin(), out.end()));
}

std::string der_to_raw(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (!sig) throw std::runtime_error("bad ECDSA signature");
  unsigned char raw[64];
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
  ECDSA_SIG_free(sig);
  return std::string(reinterpret_cast<char*>(raw), 64);
}

}  // namespace

OidcSigner::OidcSigner(std::string alg, std::string kid)
    : alg_(std::move(alg)), kid_(std::move(kid)) {
  EVP_PKEY* key = alg_ == "RS256" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})
                                  : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (!key) throw std::runtime_error("cannot generate a test key");
  key_.reset(key, EVP_PKEY_free);
}

std::string OidcSigner::jwk() const {
  if (alg_ == "RS256")
    return R"({"kty":"RSA","use":"sig","alg":"RS256","kid":")" + kid_ + R"(","n":")" +
           bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_N) + R"(","e":")" +
           bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_E) + R"("})";
  return R"({"kty":"EC","crv":"P-256","use":"sig","alg":"ES256","kid":")" + kid_ + R"(","x":")" +
         bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32) + R"(","y":")" +
         bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32) + R"("})";
}

std::string OidcSigner::sign(const std::string& payload_json, const std::string& header_alg) const {
  const std::string header = R"({"alg":")" + (header_alg.empty() ? alg_ : header_alg) +
                             R"(","kid":")" + kid_ + R"(","typ":"JWT"})";
  const std::string input = base64url_encode(header) + "." + base64url_encode(payload_json);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1)
    throw std::runtime_error("cannot sign");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw std::runtime_error("cannot sign");
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  if (alg_ == "ES256") sig = der_to_raw(sig);
  return input + "." + base64url_encode(sig);
}

std::string jwks(std::initializer_list<const OidcSigner*> signers) {
  std::string out = R"({"keys":[)";
  for (const OidcSigner* s : signers)
    out += (out.back() == '[' ? "" : ",") + s->jwk();
  return out + "]}";
}

}  // namespace codepulse::test
