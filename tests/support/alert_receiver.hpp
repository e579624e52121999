// A local HTTPS alert receiver for tests (127.0.0.1, the certificate of a
// CollectorFixture's pki): it answers each request with the next status of
// its script (200 once the script is used up) and keeps every request. A
// receiver that never answers is a listening socket nobody accepts on.
#pragma once

#include <sys/types.h>

#include <mutex>
#include <string>
#include <vector>

#include "tests/support/tls_peer.hpp"

namespace codepulse::test {

class AlertReceiverMock {
 public:
  AlertReceiverMock(const std::string& cert_file, const std::string& key_file);
  // The statuses of the next answers, in order.
  void script(std::vector<int> statuses);
  // https://localhost:PORT + path.
  std::string url(const std::string& path) const;
  std::vector<PeerRequest> requests() { return peer_.requests(); }
  // Requests answered 2xx.
  size_t delivered();

 private:
  std::string answer(const PeerRequest& r);
  std::mutex mu_;
  std::vector<int> script_;
  size_t next_ = 0, delivered_ = 0;
  HttpsPeer peer_;  // last: stopped before the rest goes
};

// A TCP port on 127.0.0.1 that takes connections into its backlog and
// never answers (no TLS handshake, no response): a receiver that hangs.
class SilentReceiver {
 public:
  SilentReceiver();
  ~SilentReceiver();
  SilentReceiver(const SilentReceiver&) = delete;
  SilentReceiver& operator=(const SilentReceiver&) = delete;
  std::string url(const std::string& path) const;

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Writes `text` and a newline to `path` with `mode` (0600: a secret file
// the collector accepts); returns the path.
std::string private_file(const std::string& path, const std::string& text, mode_t mode = 0600);

}  // namespace codepulse::test
