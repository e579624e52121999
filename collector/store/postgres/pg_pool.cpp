#include "collector/store/postgres/pg_pool.hpp"

namespace codepulse::pg {

Result<Pool::Lease> Pool::lease() {
  size_t slot = 0;
  {
    std::unique_lock lock(mu_);
    freed_.wait(lock, [this] { return !idle_.empty() || handed_out_ < slots_.size(); });
    if (!idle_.empty()) {
      slot = idle_.back();
      idle_.pop_back();
    } else {
      slot = handed_out_++;
    }
  }
  Lease lease(*this, slot);  // gives the slot back on any error below
  auto& conn = slots_[slot];
  if (!conn) {
    auto opened = Connection::open(uri_);
    if (!opened) return opened.error();
    conn.emplace(std::move(opened).value());
  } else if (auto s = conn->ensure_open(); !s) {
    return s.error();
  }
  return lease;
}

void Pool::give_back(size_t slot) {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(slot);
  }
  freed_.notify_one();
}

}  // namespace codepulse::pg
