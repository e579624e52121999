// Raw TLS peers for tests, on OpenSSL directly: a client that sends any
// bytes at any pace (slow clients, garbage, half requests), and a capture
// server that records what a tracker sends. Loopback only.
#pragma once

#include <atomic>
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
// puts on the wire) and answers with a receipt that takes every record.
class CaptureServer {
 public:
  // kReceipt: answer like a collector. kHtml200: a web server's page with 200
  // (a wrong URL path). kNotFound: 404.
  enum class Mode { kReceipt, kHtml200, kNotFound };
  CaptureServer(const std::string& cert_file, const std::string& key_file,
                Mode mode = Mode::kReceipt);
  ~CaptureServer();
  int port() const { return port_; }
  std::vector<std::string> bodies();

 private:
  void serve();
  Mode mode_;
  int listen_fd_ = -1;
  int port_ = 0;
  void* ctx_ = nullptr;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::string> bodies_;
  std::thread thread_;
};

}  // namespace codepulse::test
