// The alert receivers of tests (alert_receiver.hpp).
#include "tests/support/alert_receiver.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/test_support.hpp"

namespace codepulse::test {

AlertReceiverMock::AlertReceiverMock(const std::string& cert_file, const std::string& key_file)
    : peer_(cert_file, key_file, [this](const PeerRequest& r) { return answer(r); }) {}

void AlertReceiverMock::script(std::vector<int> statuses) {
  std::lock_guard lock(mu_);
  script_ = std::move(statuses);
  next_ = 0;
}

std::string AlertReceiverMock::url(const std::string& path) const {
  return "https://localhost:" + std::to_string(peer_.port()) + path;
}

size_t AlertReceiverMock::delivered() {
  std::lock_guard lock(mu_);
  return delivered_;
}

std::string AlertReceiverMock::answer(const PeerRequest&) {
  std::lock_guard lock(mu_);
  const int status = next_ < script_.size() ? script_[next_++] : 200;
  if (status >= 200 && status < 300) ++delivered_;
  const std::string body = status == 410 ? "{\"error\":\"gone\"}" : status == 200 ? "ok" : "oops";
  return http_response(status, {"Content-Type: text/plain"}, body);
}

SilentReceiver::SilentReceiver() {
  fd_ = listen_loopback(16, port_, "silent receiver");
}

SilentReceiver::~SilentReceiver() {
  if (fd_ >= 0) ::close(fd_);
}

std::string SilentReceiver::url(const std::string& path) const {
  return "https://localhost:" + std::to_string(port_) + path;
}

std::string private_file(const std::string& path, const std::string& text, mode_t mode) {
  write_file(path, text + "\n");
  ::chmod(path.c_str(), mode);
  return path;
}

}  // namespace codepulse::test
