// The collector's defences of its connection slots and credentials, on a real
// process: idle unauthenticated TLS connections (from several loopback
// addresses) cannot keep trackers and health checks out, unauthenticated
// connections idle out sooner, failed authentication backs off with 429,
// TLS 1.2 offers AEAD suites only, and replies carry HSTS.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

// A TLS connection from `source` (an address of 127.0.0.0/8) to the
// collector that sends nothing after its handshake; no certificate check.
class RawTls {
 public:
  RawTls(int port, const std::string& source, const char* tls12_ciphers = nullptr) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (tls12_ciphers) {
      SSL_CTX_set_max_proto_version(ctx_, TLS1_2_VERSION);
      SSL_CTX_set_cipher_list(ctx_, tls12_ciphers);
    }
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
        ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
      return;
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    handshaken_ = SSL_connect(ssl_) == 1;
  }
  ~RawTls() {
    if (ssl_) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
    SSL_CTX_free(ctx_);
  }
  RawTls(const RawTls&) = delete;
  RawTls& operator=(const RawTls&) = delete;

  bool handshaken() const { return handshaken_; }
  // True when the server closes the connection within timeout_ms (what it
  // sends meanwhile, such as TLS 1.3 session tickets, is read and dropped).
  bool closed_within(int timeout_ms) {
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    char buf[1024];
    while (std::chrono::steady_clock::now() < until) {
      const int n = SSL_read(ssl_, buf, sizeof buf);
      if (n > 0) continue;
      if (SSL_get_error(ssl_, n) != SSL_ERROR_WANT_READ) return true;
      pollfd p{fd_, POLLIN, 0};
      ::poll(&p, 1, 20);
    }
    return false;
  }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool handshaken_ = false;
};

HttpsResponse post_batch(CollectorFixture& c, const std::string& token, const std::string& id) {
  return https_call(c.port(), c.ca(), "POST", "/v1/batches",
                    {"Authorization: Bearer " + token, "Content-Encoding: zstd"},
                    batch_body(id, pricing_records(1, id)));
}

}  // namespace

TEST_CASE("idle unauthenticated connections cannot keep trackers and health checks out",
          "[collector][server][fairness]") {
  TempDir dir;
  CollectorFixture c(dir / "c");
  const std::string tracker = c.token_of(c.token_file("dev@example.org"));
  c.start({"--max-connections", "16", "--max-connections-per-address", "4",
           "--reserved-connections", "4"});

  // One address: four connections are held, the fifth and sixth closed at once.
  std::vector<std::unique_ptr<RawTls>> idle;
  for (int i = 0; i < 6; ++i)
    idle.push_back(std::make_unique<RawTls>(c.port(), "127.0.0.2"));
  for (int i = 0; i < 4; ++i)
    CHECK_FALSE(idle[static_cast<size_t>(i)]->closed_within(200));
  CHECK((!idle[4]->handshaken() || idle[4]->closed_within(2000)));
  CHECK((!idle[5]->handshaken() || idle[5]->closed_within(2000)));

  // Five more addresses, four each: more than every slot there is.
  for (int a = 3; a <= 7; ++a)
    for (int i = 0; i < 4; ++i)
      idle.push_back(std::make_unique<RawTls>(c.port(), "127.0.0." + std::to_string(a)));

  // A tracker still ships, a health check still answers, again and again.
  for (int i = 0; i < 3; ++i) {
    CHECK(post_batch(c, tracker, "b" + std::to_string(i)).status == 200);
    CHECK(https_call(c.port(), c.ca(), "GET", "/healthz").status == 200);
  }
  CHECK(c.process().running());
  idle.clear();
  c.stop();
  CHECK(c.record_count() == 3);
}

TEST_CASE("a connection that has not authenticated idles out sooner than a tracker's",
          "[collector][server][fairness]") {
  TempDir dir;
  CollectorFixture c(dir / "c");
  const std::string tracker = c.token_of(c.token_file("dev@example.org"));
  c.start({"--unauthenticated-idle-timeout", "1s", "--idle-timeout", "75s"});
  TlsClient anonymous(c.port(), c.ca());
  REQUIRE(anonymous.send(http_request("GET", "/healthz", {}, "")));
  CHECK(status_of(anonymous.read_response(kPatienceMs)) == 200);
  TlsClient known(c.port(), c.ca());
  REQUIRE(known.send(http_request("GET", "/v1/whoami", {"Authorization: Bearer " + tracker}, "")));
  CHECK(status_of(known.read_response(kPatienceMs)) == 200);
  CHECK(anonymous.closed_within(4000));
  CHECK_FALSE(known.closed_within(1500));
  c.stop();
}

TEST_CASE("failed authentication backs off with 429 per token prefix and per address",
          "[collector][server][auth]") {
  TempDir dir;
  CollectorFixture c(dir / "c");
  const std::string tracker = c.token_of(c.token_file("dev@example.org"));
  c.start();
  auto wrong = [&](const std::string& token) {
    return https_call(c.port(), c.ca(), "GET", "/v1/whoami", {"Authorization: Bearer " + token});
  };
  REQUIRE(wrong(tracker).status == 200);  // this prefix is now known to be good

  // One prefix, many guesses: five free 401s, then 429 with Retry-After.
  std::vector<int> statuses;
  for (int i = 0; i < 8; ++i)
    statuses.push_back(wrong("cpt_AAAAAAAA" + std::to_string(1000 + i)).status);
  CHECK(statuses == std::vector<int>{401, 401, 401, 401, 401, 429, 429, 429});
  const auto throttled = wrong("cpt_AAAAAAAAzzzz");
  CHECK(throttled.status == 429);
  CHECK(throttled.has("Retry-After: "));

  // The dashboard login counts the token in its body the same way.
  auto login = [&](const std::string& token) {
    return https_call(c.port(), c.ca(), "POST", "/v1/session", {"Content-Type: application/json"},
                      "{\"token\":\"" + token + "\"}");
  };
  for (int i = 0; i < 5; ++i)
    CHECK(login("cpt_BBBBBBBB" + std::to_string(i)).status == 401);
  CHECK(login("cpt_BBBBBBBBlast").status == 429);

  // Many prefixes from one address: the address waits too...
  int refused = 0;
  for (int i = 0; i < 25; ++i)
    refused += wrong("cpt_" + std::to_string(i) + "-guess-guess").status == 429;
  CHECK(refused >= 1);
  // ...but a token that authenticated from here before is not locked out.
  CHECK(post_batch(c, tracker, "b1").status == 200);
  c.stop();
  CHECK(c.process().err().find("failed authentication: ") != std::string::npos);
}

TEST_CASE("TLS 1.2 offers AEAD suites only, and replies carry HSTS", "[collector][server][tls]") {
  TempDir dir;
  CollectorFixture c(dir / "c");
  c.start();
  CHECK_FALSE(
      RawTls(c.port(), "127.0.0.1", "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:AES128-SHA256")
          .handshaken());
  CHECK(RawTls(c.port(), "127.0.0.1", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256")
            .handshaken());
  CHECK(RawTls(c.port(), "127.0.0.1", "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305")
            .handshaken());
  const auto page = https_call(c.port(), c.ca(), "GET", "/");
  CHECK(page.status == 200);
  CHECK(page.has("Strict-Transport-Security: max-age=31536000"));
  c.stop();
}
