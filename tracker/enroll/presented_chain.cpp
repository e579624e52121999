#include "tracker/enroll/presented_chain.hpp"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/c_handles.hpp"

namespace codepulse::tracker {
namespace {

using SslCtx = std::unique_ptr<SSL_CTX, FnDeleter<SSL_CTX_free>>;
using Ssl = std::unique_ptr<SSL, FnDeleter<SSL_free>>;
using Bio = std::unique_ptr<BIO, FnDeleter<BIO_free>>;
using AddrInfo = std::unique_ptr<addrinfo, FnDeleter<freeaddrinfo>>;

// connect() and every read and write give up after `timeout`.
Result<UniqueFd> connect_to(const CollectorEndpoint& e, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(e.host.c_str(), e.port.c_str(), &hints, &found); rc != 0)
    return make_error("cannot resolve " + e.host + ": " + ::gai_strerror(rc));
  AddrInfo list(found);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  std::string why = "no address";
  for (addrinfo* a = list.get(); a; a = a->ai_next) {
    UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (!fd.valid()) continue;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) == 0) return fd;
    why = std::strerror(errno);
  }
  return make_error("cannot connect to " + e.display() + ": " + why);
}

std::string ssl_error_text() {
  const unsigned long code = ERR_get_error();
  return code ? ERR_reason_error_string(code) ? ERR_reason_error_string(code) : "unknown"
              : "the connection was closed";
}

}  // namespace

Result<std::vector<std::string>> fetch_presented_chain(const CollectorEndpoint& endpoint,
                                                       std::chrono::milliseconds timeout) {
  auto fd = connect_to(endpoint, timeout);
  if (!fd) return fd.error();
  SslCtx ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return make_error("cannot create a TLS context");
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // checked against the pin instead
  Ssl ssl(SSL_new(ctx.get()));
  if (!ssl || SSL_set_fd(ssl.get(), fd->get()) != 1)
    return make_error("cannot set up TLS to " + endpoint.display());
  // SNI (SSL_set_tlsext_host_name is a macro with a C cast).
  SSL_ctrl(ssl.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
           const_cast<char*>(endpoint.host.c_str()));
  ERR_clear_error();
  if (SSL_connect(ssl.get()) != 1)
    return make_error("TLS handshake with " + endpoint.display() + " failed: " + ssl_error_text());
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl.get());
  std::vector<std::string> pems;
  for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), sk_X509_value(chain, i)) != 1)
      return make_error("cannot encode a certificate of " + endpoint.display());
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    pems.emplace_back(data, static_cast<size_t>(n));
  }
  SSL_shutdown(ssl.get());
  if (pems.empty()) return make_error(endpoint.display() + " presented no certificate");
  return pems;
}

}  // namespace codepulse::tracker
