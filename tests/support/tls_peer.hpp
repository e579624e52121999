// Raw TLS peers for tests, on OpenSSL directly: a client that sends any
// bytes at any pace (slow clients, garbage, half requests), and a capture
// server that records what a tracker sends. Loopback only.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace codepulse::test {

class TlsClient {
 public:
  // Connects to 127.0.0.1:port and verifies the server for `host` against
  // `ca_file`. Throws std::runtime_error with the reason when that fails.
  TlsClient(int port, const std::string& ca_file, const std::string& host = "localhost");
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // False when the peer has closed the connection.
  bool send(const std::string& bytes);
  // Reads one HTTP response (header and Content-Length body); "" when the
  // connection closed or nothing came within timeout_ms.
  std::string read_response(int timeout_ms);
  // True when the server closes the connection within timeout_ms.
  bool closed_within(int timeout_ms);

 private:
  void connect(int port, const std::string& ca_file, const std::string& host);
  void close();  // frees what connect() made, also when it threw half-way
  int fd_ = -1;
  void* ctx_ = nullptr;  // SSL_CTX
  void* ssl_ = nullptr;  // SSL
};

// A plain TCP connection to 127.0.0.1:port (no TLS): for garbage bytes.
int connect_tcp(int port);
// A socket bound to a free port of 127.0.0.1, not listening: connections to
// the port are refused, and no other server can take it while it is held
// (listen() on it later serves the port). `port` receives the port. Throws
// std::runtime_error naming `who` when that fails.
int bind_loopback(int& port, const char* who);
// A listening socket on a free port of 127.0.0.1; `port` receives the port.
// Throws std::runtime_error naming `who` when that fails.
int listen_loopback(int backlog, int& port, const char* who);
// An HTTP request with the given headers and body, as bytes.
std::string http_request(const std::string& method, const std::string& target,
                         const std::vector<std::string>& headers, const std::string& body);
// The status code of an HTTP response ("HTTP/1.1 200 OK..."), or 0.
int status_of(const std::string& response);
// The body of an HTTP response.
std::string body_of(const std::string& response);

// One request an HttpsPeer received.
struct PeerRequest {
  std::string method, target;
  std::string head;  // the request line and headers
  std::string body;
  // A header's value ("" when absent); the name is matched without case.
  std::string header(const std::string& name) const;
};

// A whole HTTP response with Content-Length and Connection: close.
std::string http_response(int status, const std::vector<std::string>& headers,
                          const std::string& body);

// The collector's answer to a batch (a zstd body): every record new.
std::string receipt_for(const std::string& batch_body);

// An HTTPS server on 127.0.0.1 that answers each request (one per
// connection) with what `handler` returns, and keeps the requests.
class HttpsPeer {
 public:
  using Handler = std::function<std::string(const PeerRequest&)>;
  HttpsPeer(const std::string& cert_file, const std::string& key_file, Handler handler);
  ~HttpsPeer();
  HttpsPeer(const HttpsPeer&) = delete;
  HttpsPeer& operator=(const HttpsPeer&) = delete;
  int port() const { return port_; }
  std::vector<PeerRequest> requests();

 private:
  void serve();
  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  void* ctx_ = nullptr;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<PeerRequest> requests_;
  std::thread thread_;
};

// A response read whole: its status, header block and body.
struct HttpsResponse {
  int status = 0;
  std::string head, body;
  bool has(const std::string& header_line) const {
    return head.find(header_line) != std::string::npos;
  }
};
// One request on a new TLS connection to 127.0.0.1:port, verified against
// `ca_file`; throws std::runtime_error when it cannot be sent.
HttpsResponse https_call(int port, const std::string& ca_file, const std::string& method,
                         const std::string& target, const std::vector<std::string>& headers = {},
                         const std::string& body = "");

// An HTTPS server on 127.0.0.1 that keeps each request body (what a tracker
// puts on the wire) and answers with a receipt that takes every record. A
// GET (the price book) is answered 404, as an older collector does, and not
// kept.
class CaptureServer {
 public:
  // kReceipt: answer like a collector. kHtml200: a web server's page with 200
  // (a wrong URL path). kNotFound: 404.
  enum class Mode { kReceipt, kHtml200, kNotFound };
  CaptureServer(const std::string& cert_file, const std::string& key_file,
                Mode mode = Mode::kReceipt);
  int port() const { return peer_.port(); }
  std::vector<std::string> bodies();

 private:
  std::string answer(const PeerRequest& request) const;
  Mode mode_;
  HttpsPeer peer_;
};

}  // namespace codepulse::test
