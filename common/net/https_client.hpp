// The HTTPS client both programs use (the tracker to reach its collector, the
// collector to poll the providers' usage APIs): TLS 1.2+, certificate and
// host-name verification always on (system store or a CA file), an optional
// pinned certificate fingerprint, keep-alive, and a deadline on every step.
// Boost.Beast stays inside https_client.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace boost::asio {
class io_context;
}

namespace codepulse {

struct HttpsEndpoint {
  std::string host;                 // name or IP literal (without brackets)
  std::string port;                 // default 443
  std::string base_path;            // "" or "/prefix" (no trailing slash)
  std::string agent = "codepulse";  // the User-Agent's product name (the version follows)
  std::string display() const;      // host:port
  bool operator==(const HttpsEndpoint&) const = default;
};

// https://HOST[:PORT][/PREFIX]; anything but https is refused. `what` names
// the URL in errors ("collector URL"); `why_https` says why only https will
// do, in parentheses after the refusal.
Result<HttpsEndpoint> parse_https_url(const std::string& url, const std::string& what,
                                      const std::string& why_https);

struct ClientTls {
  std::string ca_file;     // empty: the system's trusted CAs
  std::string pin_sha256;  // empty, or the server certificate's SHA-256 (hex, ':' allowed)
  bool operator==(const ClientTls&) const = default;
};

struct HttpRequest {
  std::string method = "POST";
  std::string target;  // path below base_path, e.g. "/v1/batches"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  int64_t retry_after_s = -1;  // -1: no Retry-After header
  std::string date;            // the Date header, for clock-skew checks
  std::string etag;            // the ETag header, as sent (quotes included)
};

class HttpsClient {
 public:
  using Callback = std::function<void(Result<HttpResponse>)>;

  // Loads the CA file now, so a bad path is reported at start.
  static Result<std::unique_ptr<HttpsClient>> create(boost::asio::io_context& io,
                                                     HttpsEndpoint endpoint, ClientTls tls,
                                                     std::chrono::milliseconds timeout);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // One request at a time; `done` runs once, on the io_context. Errors say
  // which step failed (resolve, connect, TLS, pin, send, receive).
  void send(HttpRequest request, Callback done);
  // Drops the connection; a request in flight completes with an error.
  void close();

  class Impl;

 private:
  explicit HttpsClient(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

// A request on a private io_context, for commands (flush, doctor) and pollers.
Result<HttpResponse> send_blocking(const HttpsEndpoint& endpoint, const ClientTls& tls,
                                   std::chrono::milliseconds timeout, HttpRequest request);

// One line per step, for `doctor`: what was checked and what was found.
struct ProbeStep {
  std::string name;  // "dns", "tcp", "tls"
  bool ok = false;
  std::string detail;
};
std::vector<ProbeStep> probe_connection(const HttpsEndpoint& endpoint, const ClientTls& tls,
                                        std::chrono::milliseconds timeout);

}  // namespace codepulse
