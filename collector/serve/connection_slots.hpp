// Who holds the server's connection slots, and who must give one up. A
// connection is "unproven" until it carries an authenticated request (a
// tracker's batch, a viewer's report); unproven connections may hold at most
// max_total - reserved slots, and at most per_address of them may come from
// one client address. A new connection that finds no free slot takes the one
// of the connection idle longest (waiting for its handshake or its next
// request), an unproven one first; it is refused only when every slot is
// busy with a request, or its address is at its cap. Thread-safe; no Beast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace codepulse::collector {

struct SlotLimits {
  size_t max_total = 1024;
  size_t per_address = 32;  // unproven connections from one address
  size_t reserved = 64;     // slots unproven connections cannot hold
};

class ConnectionSlots {
 public:
  explicit ConnectionSlots(SlotLimits limits);

  enum class Verdict { kAccept, kRefuseFull, kRefuseAddress };
  struct Admission {
    Verdict verdict = Verdict::kAccept;
    uint64_t evict = 0;  // kAccept: a connection to close now to make room (0: none)
  };
  // A new connection `id` from `address`.
  Admission open(uint64_t id, const std::string& address, int64_t now_ms);
  // The connection now waits for a request (idle) or is serving one (busy).
  void set_idle(uint64_t id, bool idle, int64_t now_ms);
  // It carried an authenticated request.
  void prove(uint64_t id);
  bool proven(uint64_t id) const;
  // It closed (or was evicted: then this does nothing).
  void close(uint64_t id);

  size_t total() const;
  size_t unproven() const;

 private:
  struct Slot {
    std::string address;
    bool proven = false;
    bool idle = true;
    int64_t idle_since_ms = 0;
  };
  // The connection idle longest, unproven ones first; 0 when none is idle.
  uint64_t victim(bool unproven_only) const;  // with mu_ held
  void forget(std::unordered_map<uint64_t, Slot>::iterator it);

  SlotLimits limits_;
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, Slot> slots_;
  std::unordered_map<std::string, size_t> unproven_by_address_;
  size_t unproven_ = 0;
};

}  // namespace codepulse::collector
