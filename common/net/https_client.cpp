// The HTTPS client (https_client.hpp): Boost.Beast over OpenSSL, one
// connection kept alive, each step with its own deadline and error text.
#include "common/net/https_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <charconv>
#include <optional>

#include "common/ascii.hpp"
#include "common/version.hpp"

namespace codepulse {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Stream = beast::ssl_stream<beast::tcp_stream>;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr size_t kMaxResponseBody = 4u << 20;

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

// "AB:cd:..." -> "abcd..."
std::string normalize_pin(std::string pin) {
  if (pin.rfind("sha256:", 0) == 0 || pin.rfind("SHA256:", 0) == 0) pin = pin.substr(7);
  std::string out;
  for (char c : pin)
    if (c != ':') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

std::string peer_sha256(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return "";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  const bool ok = X509_digest(cert, EVP_sha256(), md, &n) == 1;
  const std::string subject = ok ? hex_encode(md, n) : "";
  X509_free(cert);
  return subject;
}

std::string peer_summary(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return "no certificate";
  char name[256] = "";
  X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof name);
  std::string out = std::string(SSL_get_version(ssl)) + ", certificate " + name;
  int days = 0, secs = 0;
  if (ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(cert)) == 1)
    out += ", expires in " + std::to_string(days) + " days";
  X509_free(cert);
  return out;
}

}  // namespace

std::string HttpsEndpoint::display() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
}

Result<HttpsEndpoint> parse_https_url(const std::string& url, const std::string& what,
                                      const std::string& why_https) {
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0)
    return make_error(what + " '" + url + "' must start with https:// (" + why_https + ")");
  std::string rest = url.substr(scheme.size());
  HttpsEndpoint e;
  const auto slash = rest.find('/');
  if (slash != std::string::npos) {
    e.base_path = rest.substr(slash);
    rest = rest.substr(0, slash);
    while (!e.base_path.empty() && e.base_path.back() == '/')
      e.base_path.pop_back();
  }
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) return make_error(what + " '" + url + "': bad IPv6 host");
    e.host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      return make_error(what + " '" + url + "': expected ':' after the IPv6 host");
    e.port = rest.empty() ? "" : rest.substr(1);
  } else {
    const auto colon = rest.rfind(':');
    e.host = rest.substr(0, colon);
    e.port = colon == std::string::npos ? "" : rest.substr(colon + 1);
  }
  if (e.port.empty()) e.port = "443";
  int port = 0;
  const auto [p, ec] = std::from_chars(e.port.data(), e.port.data() + e.port.size(), port);
  if (e.host.empty() || ec != std::errc() || p != e.port.data() + e.port.size() || port < 1 ||
      port > 65535)
    return make_error(what + " '" + url + "': expected https://HOST[:PORT]");
  return e;
}

class HttpsClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(net::io_context& io, HttpsEndpoint endpoint, ClientTls tls,
       std::chrono::milliseconds timeout)
      : io_(io),
        endpoint_(std::move(endpoint)),
        tls_(std::move(tls)),
        timeout_(timeout),
        ctx_(ssl::context::tls_client) {}

  Status init() {
    ctx_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    SSL_CTX_set_min_proto_version(ctx_.native_handle(), TLS1_2_VERSION);
    ctx_.set_verify_mode(ssl::verify_peer);
    boost::system::error_code ec;
    if (!tls_.ca_file.empty()) {
      ctx_.load_verify_file(tls_.ca_file, ec);
      if (ec) return make_error("cannot load the CA file " + tls_.ca_file + ": " + ec.message());
    } else {
      ctx_.set_default_verify_paths(ec);
      if (ec) return make_error("cannot load the system's trusted CAs: " + ec.message());
    }
    tls_.pin_sha256 = normalize_pin(tls_.pin_sha256);
    if (!tls_.pin_sha256.empty() &&
        (tls_.pin_sha256.size() != 64 ||
         tls_.pin_sha256.find_first_not_of("0123456789abcdef") != std::string::npos))
      return make_error("the certificate pin must be 64 hex digits (a SHA-256), got '" +
                        tls_.pin_sha256 + "'");
    return {};
  }

  void send(HttpRequest request, Callback done) {
    auto self = shared_from_this();
    auto out = std::make_shared<std::optional<Result<HttpResponse>>>();
    net::co_spawn(
        io_, run(std::move(request), out),
        [self, out, done = std::move(done)](std::exception_ptr e) {
          if (e) {
            std::string what = "unknown error";
            try {
              std::rethrow_exception(e);
            } catch (const std::exception& ex) {
              what = ex.what();
            }
            self->drop();
            done(make_error("request to " + self->endpoint_.display() + " failed: " + what));
            return;
          }
          done(out->has_value() ? std::move(**out)
                                : Result<HttpResponse>(make_error("no response")));
        });
  }

  // Closes the connection. A request in flight keeps its own reference to
  // the stream, so it completes (with an error) safely, and is not retried.
  void close() {
    closed_ = true;
    drop();
  }

  // Forgets the current connection (the next request makes a new one).
  void drop() {
    if (stream_) {
      boost::system::error_code ignored;
      beast::get_lowest_layer(*stream_).socket().close(ignored);
    }
    stream_.reset();
  }

  // Resolves, connects and handshakes; each step with its own error text.
  net::awaitable<Status> connect(std::vector<ProbeStep>* steps = nullptr) {
    auto note = [steps](const char* name, bool ok, std::string detail) {
      if (steps) steps->push_back({name, ok, std::move(detail)});
    };
    drop();
    tcp::resolver resolver(io_);
    auto [rec, results] = co_await resolver.async_resolve(endpoint_.host, endpoint_.port, kTuple);
    if (rec) {
      std::string why = "cannot resolve " + endpoint_.host + ": " + rec.message();
      note("dns", false, why);
      co_return make_error(why);
    }
    std::string addresses;
    for (const auto& r : results)
      addresses += (addresses.empty() ? "" : ", ") + r.endpoint().address().to_string();
    note("dns", true, endpoint_.host + " -> " + addresses);
    auto stream = std::make_shared<Stream>(io_, ctx_);
    auto& layer = beast::get_lowest_layer(*stream);
    layer.expires_after(timeout_);
    const auto started = std::chrono::steady_clock::now();
    auto [cec, ep] = co_await layer.async_connect(results, kTuple);
    if (cec) {
      std::string why = "cannot connect to " + endpoint_.display() + ": " + cec.message();
      note("tcp", false, why);
      co_return make_error(why);
    }
    note("tcp", true,
         "connected to " + ep.address().to_string() + " in " +
             std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count()) +
             " ms");
    SSL* ssl = stream->native_handle();
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (is_ip_literal(endpoint_.host)) {
      X509_VERIFY_PARAM_set1_ip_asc(param, endpoint_.host.c_str());
    } else {
      X509_VERIFY_PARAM_set1_host(param, endpoint_.host.c_str(), 0);
      // SNI (SSL_set_tlsext_host_name is a macro with a C cast).
      SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(endpoint_.host.c_str()));
    }
    layer.expires_after(timeout_);
    auto [hec] = co_await stream->async_handshake(ssl::stream_base::client, kTuple);
    if (hec) {
      std::string why = "TLS handshake with " + endpoint_.display() + " failed: " + hec.message();
      const long verify = SSL_get_verify_result(ssl);
      if (verify != X509_V_OK)
        why += " (" + std::string(X509_verify_cert_error_string(verify)) +
               (tls_.ca_file.empty() ? "; checked against the system's CAs"
                                     : "; checked against " + tls_.ca_file) +
               ")";
      note("tls", false, why);
      co_return make_error(why);
    }
    if (!tls_.pin_sha256.empty()) {
      const std::string seen = peer_sha256(ssl);
      if (seen != tls_.pin_sha256) {
        std::string why = "the certificate of " + endpoint_.display() +
                          " does not match the pinned SHA-256: it is " + seen + ", expected " +
                          tls_.pin_sha256;
        note("tls", false, why);
        co_return make_error(why);
      }
    }
    note("tls", true, peer_summary(ssl) + (tls_.pin_sha256.empty() ? "" : ", pin matches"));
    stream_ = std::move(stream);
    co_return Status{};
  }

 private:
  // One request; on a reused connection that the server closed meanwhile,
  // once more on a new one (a batch is idempotent).
  net::awaitable<void> run(HttpRequest request,
                           std::shared_ptr<std::optional<Result<HttpResponse>>> out) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (closed_) {
        *out = Result<HttpResponse>(
            make_error("the connection to " + endpoint_.display() + " was closed"));
        co_return;
      }
      const bool reused = stream_ != nullptr;
      if (!stream_) {
        auto s = co_await connect();
        if (!s) {
          *out = Result<HttpResponse>(s.error());
          co_return;
        }
      }
      // This request's own reference: close() may drop stream_ meanwhile.
      const std::shared_ptr<Stream> stream = stream_;
      http::request<http::string_body> req{
          request.method == "GET" ? http::verb::get : http::verb::post,
          endpoint_.base_path + request.target, 11};
      req.set(http::field::host, host_header());
      req.set(http::field::user_agent, endpoint_.agent + "/" + kVersion);
      for (const auto& [k, v] : request.headers)
        req.set(k, v);
      req.body() = request.body;
      req.keep_alive(true);
      req.prepare_payload();
      auto& layer = beast::get_lowest_layer(*stream);
      layer.expires_after(timeout_);
      auto [wec, wn] = co_await http::async_write(*stream, req, kTuple);
      beast::flat_buffer buffer;
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxResponseBody);
      // After a failed write the server may still have answered (a 413 or a
      // 401 sent before it read the body): read that answer if it is there.
      layer.expires_after(wec ? std::chrono::milliseconds(2000) : timeout_);
      auto [rec, rn] = co_await http::async_read(*stream, buffer, parser, kTuple);
      if (rec) {
        if (stream_ == stream) drop();
        const bool server_closed_idle =
            reused && !closed_ && rec != beast::error::timeout && (wec || rn == 0);
        if (server_closed_idle && attempt == 0) continue;
        *out = Result<HttpResponse>(
            make_error(wec ? "cannot send to " + endpoint_.display() + ": " + wec.message()
                           : "no reply from " + endpoint_.display() + ": " + rec.message()));
        co_return;
      }
      auto& res = parser.get();
      HttpResponse r;
      r.status = static_cast<int>(res.result_int());
      r.body = std::move(res.body());
      r.date = std::string(res[http::field::date]);
      r.etag = std::string(res[http::field::etag]);
      const auto ra = res[http::field::retry_after];
      int64_t secs = 0;
      if (!ra.empty() && std::from_chars(ra.data(), ra.data() + ra.size(), secs).ec == std::errc())
        r.retry_after_s = std::clamp<int64_t>(secs, 0, 86'400);
      if ((wec || !res.keep_alive()) && stream_ == stream) drop();
      *out = std::move(r);
      co_return;
    }
  }

  // Host: names as given, IPv6 literals in brackets, the port unless 443.
  std::string host_header() const {
    std::string h =
        endpoint_.host.find(':') != std::string::npos ? "[" + endpoint_.host + "]" : endpoint_.host;
    if (endpoint_.port != "443") h += ":" + endpoint_.port;
    return h;
  }

  net::io_context& io_;
  HttpsEndpoint endpoint_;
  ClientTls tls_;
  std::chrono::milliseconds timeout_;
  ssl::context ctx_;
  std::shared_ptr<Stream> stream_;
  bool closed_ = false;
};

HttpsClient::HttpsClient(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpsClient::~HttpsClient() {
  if (impl_) impl_->close();
}

Result<std::unique_ptr<HttpsClient>> HttpsClient::create(net::io_context& io,
                                                         HttpsEndpoint endpoint, ClientTls tls,
                                                         std::chrono::milliseconds timeout) {
  auto impl = std::make_shared<Impl>(io, std::move(endpoint), std::move(tls), timeout);
  if (auto s = impl->init(); !s) return s.error();
  return std::unique_ptr<HttpsClient>(new HttpsClient(std::move(impl)));
}

void HttpsClient::send(HttpRequest request, Callback done) {
  impl_->send(std::move(request), std::move(done));
}

void HttpsClient::close() {
  impl_->close();
}

Result<HttpResponse> send_blocking(const HttpsEndpoint& endpoint, const ClientTls& tls,
                                   std::chrono::milliseconds timeout, HttpRequest request) {
  net::io_context io;
  auto client = HttpsClient::create(io, endpoint, tls, timeout);
  if (!client) return client.error();
  std::optional<Result<HttpResponse>> out;
  (*client)->send(std::move(request), [&out](Result<HttpResponse> r) { out = std::move(r); });
  io.run();
  if (!out) return make_error("no response from " + endpoint.display());
  return std::move(*out);
}

std::vector<ProbeStep> probe_connection(const HttpsEndpoint& endpoint, const ClientTls& tls,
                                        std::chrono::milliseconds timeout) {
  std::vector<ProbeStep> steps;
  net::io_context io;
  auto impl = std::make_shared<HttpsClient::Impl>(io, endpoint, tls, timeout);
  if (auto s = impl->init(); !s) {
    steps.push_back({"tls", false, s.error().message});
    return steps;
  }
  net::co_spawn(
      io,
      [impl, &steps]() -> net::awaitable<void> {
        (void)co_await impl->connect(&steps);
        impl->close();
      },
      [](std::exception_ptr) {});
  io.run();
  return steps;
}

}  // namespace codepulse
