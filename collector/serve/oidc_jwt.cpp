// ID token checks with OpenSSL: JWKs to EVP_PKEYs, RS256/ES256 signatures,
// the claims an OpenID Connect relying party must check.
#include "collector/serve/oidc_jwt.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <simdjson.h>

#include <algorithm>

#include "common/c_handles.hpp"

namespace codepulse::collector {
namespace {

constexpr size_t kMaxTokenBytes = 16 * 1024;
constexpr int kMinRsaBits = 2048;

using Bignum = std::unique_ptr<BIGNUM, FnDeleter<BN_free>>;
using ParamBuild = std::unique_ptr<OSSL_PARAM_BLD, FnDeleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, FnDeleter<OSSL_PARAM_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, FnDeleter<EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, FnDeleter<EVP_MD_CTX_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, FnDeleter<ECDSA_SIG_free>>;

Bignum bignum(std::string_view bytes) {
  return Bignum(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()), nullptr));
}

PublicKey key_from(const char* type, const OSSL_PARAM* params) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM*>(params)) != 1)
    return nullptr;
  return PublicKey(key, EVP_PKEY_free);
}

Result<PublicKey> rsa_key(std::string_view n64, std::string_view e64) {
  auto n = base64url_decode(n64);
  auto e = base64url_decode(e64);
  if (!n || !e || n->empty() || e->empty()) return make_error("an RSA key with a bad n or e");
  Bignum bn_n = bignum(*n), bn_e = bignum(*e);
  ParamBuild build(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !build ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
    return make_error("cannot build an RSA key");
  Params params(OSSL_PARAM_BLD_to_param(build.get()));
  PublicKey key = params ? key_from("RSA", params.get()) : nullptr;
  if (!key) return make_error("OpenSSL refused an RSA key");
  if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits)
    return make_error("an RSA key shorter than 2048 bits");
  return key;
}

Result<PublicKey> p256_key(std::string_view x64, std::string_view y64) {
  auto x = base64url_decode(x64);
  auto y = base64url_decode(y64);
  if (!x || !y || x->size() != 32 || y->size() != 32) return make_error("a P-256 key with bad x/y");
  std::string point = "\x04" + *x + *y;
  ParamBuild build(OSSL_PARAM_BLD_new());
  if (!build ||
      OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1)
    return make_error("cannot build an EC key");
  Params params(OSSL_PARAM_BLD_to_param(build.get()));
  PublicKey key = params ? key_from("EC", params.get()) : nullptr;
  if (!key) return make_error("OpenSSL refused an EC key (not on P-256?)");
  return key;
}

std::string_view text_of(simdjson::dom::element e, const char* field) {
  std::string_view v;
  if (e[field].get_string().get(v)) return {};
  return v;
}

// ES256 signatures are r||s (32 bytes each); OpenSSL verifies DER.
Result<std::string> ecdsa_der(std::string_view raw) {
  if (raw.size() != 64) return make_error("an ES256 signature must be 64 bytes");
  EcdsaSig sig(ECDSA_SIG_new());
  Bignum r = bignum(raw.substr(0, 32)), s = bignum(raw.substr(32));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
    return make_error("cannot read the ES256 signature");
  (void)r.release();
  (void)s.release();
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return make_error("cannot encode the ES256 signature");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

bool equal_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The claim as a list of strings: an array of strings or one string.
Result<std::vector<std::string>> strings_of(simdjson::dom::element doc, std::string_view name) {
  std::vector<std::string> out;
  simdjson::dom::element v;
  if (doc[name].get(v)) return out;
  std::string_view one;
  if (!v.get_string().get(one)) {
    out.emplace_back(one);
    return out;
  }
  simdjson::dom::array items;
  if (v.get_array().get(items))
    return make_error("the \"" + std::string(name) + "\" claim is neither a string nor an array");
  for (auto item : items) {
    if (item.get_string().get(one))
      return make_error("the \"" + std::string(name) + "\" claim holds a non-string");
    out.emplace_back(one);
  }
  return out;
}

Result<int64_t> time_claim(simdjson::dom::element doc, const char* name) {
  int64_t v = 0;
  double d = 0;
  if (!doc[name].get_int64().get(v)) return v;
  if (!doc[name].get_double().get(d)) return static_cast<int64_t>(d);
  return make_error(std::string("the ID token has no numeric \"") + name + "\" claim");
}

}  // namespace

Result<std::vector<Jwk>> parse_jwks(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array keys;
  if (parser.parse(simdjson::padded_string(json)).get(doc) || doc["keys"].get_array().get(keys))
    return make_error("the JWKS is not JSON with a \"keys\" array");
  std::vector<Jwk> out;
  for (auto k : keys) {
    const std::string_view use = text_of(k, "use"), kty = text_of(k, "kty");
    if (use == "enc") continue;
    Jwk jwk{std::string(text_of(k, "kid")), std::string(text_of(k, "alg")), nullptr, kty == "RSA"};
    Result<PublicKey> key = make_error("unsupported key type");
    if (kty == "RSA")
      key = rsa_key(text_of(k, "n"), text_of(k, "e"));
    else if (kty == "EC" && text_of(k, "crv") == "P-256")
      key = p256_key(text_of(k, "x"), text_of(k, "y"));
    if (!key) continue;  // a key this collector cannot use is not an error of the others
    jwk.key = std::move(key).value();
    out.push_back(std::move(jwk));
  }
  return out;
}

Result<JwtParts> split_jwt(std::string_view token) {
  if (token.size() > kMaxTokenBytes) return make_error("the ID token is too long");
  const auto a = token.find('.');
  const auto b = a == std::string_view::npos ? a : token.find('.', a + 1);
  if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos)
    return make_error("the ID token is not a compact JWS (three dot-separated parts)");
  auto header = base64url_decode(token.substr(0, a));
  auto payload = base64url_decode(token.substr(a + 1, b - a - 1));
  auto signature = base64url_decode(token.substr(b + 1));
  if (!header || !payload || !signature) return make_error("the ID token is not base64url");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(simdjson::padded_string(*header)).get(doc) || !doc.is_object())
    return make_error("the ID token's header is not a JSON object");
  JwtParts out;
  out.signing_input = std::string(token.substr(0, b));
  out.payload = std::move(payload).value();
  out.signature = std::move(signature).value();
  out.alg = std::string(text_of(doc, "alg"));
  out.kid = std::string(text_of(doc, "kid"));
  return out;
}

Status verify_jwt_signature(const JwtParts& jwt, const Jwk& key) {
  if (jwt.alg != "RS256" && jwt.alg != "ES256")
    return make_error("the ID token is signed with \"" + jwt.alg +
                      "\"; only RS256 and ES256 are accepted");
  if ((jwt.alg == "RS256") != key.rsa || (!key.alg.empty() && key.alg != jwt.alg))
    return make_error("the ID token's alg " + jwt.alg + " does not match its key");
  std::string sig = jwt.signature;
  if (!key.rsa) {
    auto der = ecdsa_der(sig);
    if (!der) return der.error();
    sig = std::move(der).value();
  }
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.key.get()) != 1)
    return make_error("cannot start the signature check");
  const int ok = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
      reinterpret_cast<const unsigned char*>(jwt.signing_input.data()), jwt.signing_input.size());
  if (ok != 1) return make_error("the ID token's signature does not verify");
  return {};
}

Result<IdentityClaims> check_id_token_claims(std::string_view payload, const ClaimRules& rules) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(simdjson::padded_string(payload)).get(doc) || !doc.is_object())
    return make_error("the ID token's payload is not a JSON object");
  const std::string_view iss = text_of(doc, "iss");
  if (iss != rules.issuer)
    return make_error("the ID token's issuer \"" + std::string(iss) + "\" is not \"" +
                      rules.issuer + "\"");
  auto aud = strings_of(doc, "aud");
  if (!aud) return aud.error();
  if (std::find(aud->begin(), aud->end(), rules.client_id) == aud->end())
    return make_error("the ID token's audience does not include this client (" + rules.client_id +
                      ")");
  const std::string_view azp = text_of(doc, "azp");
  if ((aud->size() > 1 || !azp.empty()) && azp != rules.client_id)
    return make_error("the ID token's azp is not this client");
  auto exp = time_claim(doc, "exp");
  if (!exp) return exp.error();
  if (*exp + rules.skew_s <= rules.now_s) return make_error("the ID token has expired");
  auto iat = time_claim(doc, "iat");
  if (!iat) return iat.error();
  if (*iat - rules.skew_s > rules.now_s) return make_error("the ID token was issued in the future");
  if (!equal_secret(text_of(doc, "nonce"), rules.nonce))
    return make_error("the ID token's nonce is not the one of this login");
  IdentityClaims out;
  out.subject = std::string(text_of(doc, "sub"));
  out.email = std::string(text_of(doc, "email"));
  out.expires_s = *exp;
  if (out.subject.empty()) return make_error("the ID token has no \"sub\" claim");
  if (out.email.empty() || out.email.find('@') == std::string::npos)
    return make_error("the ID token has no \"email\" claim; add the email scope");
  bool verified = true;
  if (!doc["email_verified"].get_bool().get(verified) && !verified)
    return make_error("the ID token's email is not verified");
  auto groups = strings_of(doc, rules.groups_claim);
  if (!groups) return groups.error();
  out.groups = std::move(groups).value();
  return out;
}

}  // namespace codepulse::collector
