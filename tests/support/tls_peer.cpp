#include "tests/support/tls_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

#include "common/zstd_codec.hpp"
#include "tests/support/test_support.hpp"

namespace codepulse::test {
namespace {

SSL* as_ssl(void* p) {
  return static_cast<SSL*>(p);
}
SSL_CTX* as_ctx(void* p) {
  return static_cast<SSL_CTX*>(p);
}

std::string ssl_error() {
  char buf[256] = "";
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

std::string lower(const std::string& s) {
  std::string out;
  for (char c : s)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

size_t content_length(const std::string& head) {
  const auto at = lower(head).find("content-length:");
  if (at == std::string::npos) return 0;
  return static_cast<size_t>(std::stoull(head.substr(at + 15)));
}

}  // namespace

int connect_tcp(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  return fd;
}

int bind_loopback(int& port, const char* who) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error(std::string(who) + ": cannot bind a port of 127.0.0.1");
  }
  port = ntohs(a.sin_port);
  return fd;
}

int listen_loopback(int backlog, int& port, const char* who) {
  const int fd = bind_loopback(port, who);
  if (::listen(fd, backlog) != 0) {
    ::close(fd);
    throw std::runtime_error(std::string(who) + ": cannot listen on 127.0.0.1");
  }
  return fd;
}

TlsClient::TlsClient(int port, const std::string& ca_file, const std::string& host) {
  try {
    connect(port, ca_file, host);
  } catch (...) {
    close();  // a constructor that throws runs no destructor
    throw;
  }
}

void TlsClient::connect(int port, const std::string& ca_file, const std::string& host) {
  fd_ = connect_tcp(port);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  ctx_ = ctx;
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1)
    throw std::runtime_error("cannot load " + ca_file);
  SSL* ssl = SSL_new(ctx);
  ssl_ = ssl;
  X509_VERIFY_PARAM_set1_host(SSL_get0_param(ssl), host.c_str(), 0);
  SSL_set_fd(ssl, fd_);
  if (SSL_connect(ssl) != 1) {
    const long v = SSL_get_verify_result(ssl);
    throw std::runtime_error("TLS handshake failed: " + ssl_error() + " / " +
                             X509_verify_cert_error_string(v));
  }
}

TlsClient::~TlsClient() {
  close();
}

void TlsClient::close() {
  if (ssl_) SSL_free(as_ssl(ssl_));
  if (ctx_) SSL_CTX_free(as_ctx(ctx_));
  if (fd_ >= 0) ::close(fd_);
  ssl_ = nullptr;
  ctx_ = nullptr;
  fd_ = -1;
}

bool TlsClient::send(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const int n = SSL_write(as_ssl(ssl_), bytes.data() + done,
                            static_cast<int>(std::min<size_t>(bytes.size() - done, 1 << 20)));
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string TlsClient::read_response(int timeout_ms) {
  std::string data;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[16384];
  while (true) {
    const auto head_end = data.find("\r\n\r\n");
    if (head_end != std::string::npos &&
        data.size() >= head_end + 4 + content_length(data.substr(0, head_end)))
      return data;
    if (SSL_pending(as_ssl(ssl_)) == 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0 || !readable(fd_, static_cast<int>(left))) return data;
    }
    const int n = SSL_read(as_ssl(ssl_), buf, sizeof buf);
    if (n <= 0) return data;
    data.append(buf, static_cast<size_t>(n));
  }
}

bool TlsClient::closed_within(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return false;
    if (!readable(fd_, static_cast<int>(left))) return false;
    if (SSL_read(as_ssl(ssl_), buf, sizeof buf) <= 0) return true;
  }
}

std::string http_request(const std::string& method, const std::string& target,
                         const std::vector<std::string>& headers, const std::string& body) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
  for (const auto& h : headers)
    r += h + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return r;
}

int status_of(const std::string& response) {
  if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0) return 0;
  return std::atoi(response.c_str() + 9);
}

std::string body_of(const std::string& response) {
  const auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

HttpsResponse https_call(int port, const std::string& ca_file, const std::string& method,
                         const std::string& target, const std::vector<std::string>& headers,
                         const std::string& body) {
  TlsClient client(port, ca_file);
  if (!client.send(http_request(method, target, headers, body)))
    throw std::runtime_error("the server closed the connection before " + method + " " + target);
  const std::string res = client.read_response(kPatienceMs);
  return {status_of(res), res.substr(0, res.find("\r\n\r\n")), body_of(res)};
}

std::string PeerRequest::header(const std::string& name) const {
  const std::string want = lower(name) + ":";
  size_t at = head.find("\r\n");
  while (at != std::string::npos) {
    const size_t start = at + 2;
    const size_t end = head.find("\r\n", start);
    const std::string line = head.substr(start, end == std::string::npos ? end : end - start);
    if (lower(line.substr(0, want.size())) == want) {
      const size_t value = line.find_first_not_of(' ', want.size());
      return value == std::string::npos ? "" : line.substr(value);
    }
    at = end;
  }
  return "";
}

std::string http_response(int status, const std::vector<std::string>& headers,
                          const std::string& body) {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " " +
                  (status == 200   ? "OK"
                   : status == 304 ? "Not Modified"
                   : status == 404 ? "Not Found"
                                   : "Status") +
                  "\r\n";
  for (const auto& h : headers)
    r += h + "\r\n";
  return r + "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         body;
}

HttpsPeer::HttpsPeer(const std::string& cert_file, const std::string& key_file, Handler handler)
    : handler_(std::move(handler)) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  ctx_ = ctx;
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_free(ctx);
    throw std::runtime_error("https peer: cannot load the certificate");
  }
  listen_fd_ = listen_loopback(16, port_, "https peer");
  thread_ = std::thread([this] { serve(); });
}

HttpsPeer::~HttpsPeer() {
  stop_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  thread_.join();
  ::close(listen_fd_);
  SSL_CTX_free(as_ctx(ctx_));
}

std::vector<PeerRequest> HttpsPeer::requests() {
  std::lock_guard lock(mu_);
  return requests_;
}

void HttpsPeer::serve() {
  while (!stop_) {
    if (!readable(listen_fd_, 100)) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    SSL* ssl = SSL_new(as_ctx(ctx_));
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      std::string data;
      char buf[65536];
      while (true) {
        const auto head_end = data.find("\r\n\r\n");
        if (head_end != std::string::npos &&
            data.size() >= head_end + 4 + content_length(data.substr(0, head_end))) {
          PeerRequest request;
          request.head = data.substr(0, head_end);
          request.body = data.substr(head_end + 4);
          const size_t space = request.head.find(' ');
          request.method = request.head.substr(0, space);
          request.target =
              request.head.substr(space + 1, request.head.find(' ', space + 1) - space - 1);
          {
            std::lock_guard lock(mu_);
            requests_.push_back(request);
          }
          const std::string res = handler_(request);
          SSL_write(ssl, res.data(), static_cast<int>(res.size()));
          break;
        }
        if (!readable(fd, 5000)) break;
        const int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) break;
        data.append(buf, static_cast<size_t>(n));
      }
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    ::close(fd);
  }
}

CaptureServer::CaptureServer(const std::string& cert_file, const std::string& key_file, Mode mode)
    : mode_(mode), peer_(cert_file, key_file, [this](const PeerRequest& r) { return answer(r); }) {}

std::vector<std::string> CaptureServer::bodies() {
  std::vector<std::string> out;
  for (const PeerRequest& r : peer_.requests())
    if (r.method != "GET") out.push_back(r.body);
  return out;
}

std::string CaptureServer::answer(const PeerRequest& request) const {
  const std::string html = "<html><body>Welcome</body></html>";
  if (request.method == "GET" || mode_ == Mode::kNotFound)
    return http_response(404, {"Content-Type: text/html"}, html);
  if (mode_ == Mode::kHtml200) return http_response(200, {"Content-Type: text/html"}, html);
  return http_response(200, {"Content-Type: application/json"}, receipt_for(request.body));
}

std::string receipt_for(const std::string& batch_body) {
  // A receipt like the collector's: every record new.
  std::string batch_id;
  int64_t count = 0;
  if (auto json = zstd_decompress(batch_body, 256u << 20)) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string_view id;
    if (!parser.parse(*json).get(doc) && !doc["batch_id"].get_string().get(id) &&
        !doc["record_count"].get_int64().get(count))
      batch_id = std::string(id);
  }
  return "{\"batch_id\":\"" + batch_id + "\",\"records_new\":" + std::to_string(count) +
         ",\"duplicates\":0,\"replaced\":0,\"stale\":0,"
         "\"rejected\":0,\"rejections\":[]}";
}

}  // namespace codepulse::test
