// A fixed-size pool of PostgreSQL connections for short reads (tokens,
// counts, reports), opened on first need and reopened when the server closed
// them. lease() waits while all are in use.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/postgres/pg_connection.hpp"

namespace codepulse::pg {

class Pool {
 public:
  Pool(std::string uri, size_t size) : uri_(std::move(uri)), slots_(size) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease {
   public:
    Lease(Pool& pool, size_t slot) : pool_(&pool), slot_(slot) {}
    Lease(Lease&& o) noexcept : pool_(std::exchange(o.pool_, nullptr)), slot_(o.slot_) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (pool_) pool_->give_back(slot_);
    }
    Connection& operator*() const { return *pool_->slots_[slot_]; }
    Connection* operator->() const { return &*pool_->slots_[slot_]; }

   private:
    Pool* pool_;
    size_t slot_;
  };

  // A connection that is open (or the error of opening it).
  Result<Lease> lease();

 private:
  void give_back(size_t slot);

  const std::string uri_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::optional<Connection>> slots_;
  std::vector<size_t> idle_;  // slots not leased (filled lazily)
  size_t handed_out_ = 0;     // slots ever created
};

}  // namespace codepulse::pg
