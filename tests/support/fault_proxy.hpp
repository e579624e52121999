// A TCP proxy on 127.0.0.1 that forwards to a target port and misbehaves on
// demand: drops connections, delays, resets or truncates mid-stream,
// corrupts a byte, or stalls. The fault applies to connections opened after
// it is set. For fault-injection tests between tracker and collector, and as a
// fixed address for a server that restarts on another port.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

namespace codepulse::test {

class FaultProxy {
 public:
  enum class Fault {
    kNone,
    kDrop,      // accept, then close at once
    kDelay,     // forward each chunk after delay_ms
    kReset,     // after `after_bytes` client->server bytes, reset both sides
    kTruncate,  // after `after_bytes`, close both sides cleanly
    kCorrupt,   // flip one byte at offset `after_bytes` of the client's stream
    kStall,     // after `after_bytes`, forward nothing more (keep the sockets open)
  };

  explicit FaultProxy(int target_port);
  // Serves the port of `bound_fd` (bind_loopback, in tls_peer.hpp), which it
  // takes over: the port can be held from before the proxy exists.
  FaultProxy(int target_port, int bound_fd);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  void set_fault(Fault fault, size_t after_bytes = 0, int delay_ms = 0);
  // Connections opened from now on go to `target_port` (a restarted server).
  void set_target(int target_port) { target_port_ = target_port; }
  int connections() const { return connections_.load(); }

 private:
  struct Setting {
    Fault fault = Fault::kNone;
    size_t after_bytes = 0;
    int delay_ms = 0;
  };
  void accept_loop();
  void pump(int client, Setting s);

  std::atomic<int> target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mu_;
  Setting setting_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace codepulse::test
