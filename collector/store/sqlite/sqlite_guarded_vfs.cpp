// The guarded VFS: a file wrapper over SQLite's default VFS that records the
// -shm regions SQLite maps, the SIGBUS handler that swaps a faulting region
// for private memory, and the fault counters the store reads.
#include "collector/store/sqlite/sqlite_guarded_vfs.hpp"

#include <signal.h>
#include <sqlite3.h>
#include <sys/mman.h>

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>

namespace codepulse::collector::sqlite_store {
namespace {

// One mapped -shm region. The handler reads start and len without locks;
// map and unmap change them under g_regions_mu.
struct Region {
  std::atomic<uintptr_t> start{0};
  std::atomic<uintptr_t> len{0};
  int users = 0;  // connections that mapped it
};

constexpr size_t kMaxRegions = 512;   // 512 x 32 KiB of index: a WAL of about 4 GiB
constexpr int kMaxFileRegions = 128;  // per connection
std::array<Region, kMaxRegions> g_regions;
std::mutex g_regions_mu;
std::atomic<uint64_t> g_sigbus{0};
std::atomic<uint64_t> g_io{0};
struct sigaction g_previous {};
sqlite3_vfs* g_base = nullptr;

// Our part of a file; SQLite's own file follows it in the same allocation.
// SQLite's allocator promises 8-byte alignment, so nothing here may ask for
// more, and the size keeps the file that follows on an 8-byte boundary.
struct GuardedFile {
  sqlite3_file base;
  uint64_t sigbus_at_open;
  int mapped_count;
  uintptr_t mapped[kMaxFileRegions];
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
static_assert(alignof(GuardedFile) <= 8 && sizeof(GuardedFile) % 8 == 0,
              "SQLite allocates VFS files with 8-byte alignment");

GuardedFile* guarded(sqlite3_file* f) {
  return reinterpret_cast<GuardedFile*>(f);
}

bool poisoned(sqlite3_file* f) {
  return g_sigbus.load(std::memory_order_acquire) != guarded(f)->sigbus_at_open;
}

int note(int rc) {
  if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) g_io.fetch_add(1);
  return rc;
}

void on_sigbus(int sig, siginfo_t* info, void* context) {
  const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
  for (Region& r : g_regions) {
    const uintptr_t start = r.start.load(std::memory_order_acquire);
    const uintptr_t len = r.len.load(std::memory_order_acquire);
    if (start == 0 || addr < start || addr - start >= len) continue;
    void* fresh = ::mmap(reinterpret_cast<void*>(start), len, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (fresh == MAP_FAILED) break;
    g_sigbus.fetch_add(1, std::memory_order_release);
    return;  // the faulting access runs again, on the private page
  }
  if ((g_previous.sa_flags & SA_SIGINFO) != 0 && g_previous.sa_sigaction != nullptr) {
    g_previous.sa_sigaction(sig, info, context);
    return;
  }
  if ((g_previous.sa_flags & SA_SIGINFO) == 0 && g_previous.sa_handler != SIG_DFL &&
      g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(sig);
    return;
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void add_region(GuardedFile* f, uintptr_t start, uintptr_t len) {
  std::lock_guard lock(g_regions_mu);
  for (int i = 0; i < f->mapped_count; ++i)
    if (f->mapped[i] == start) return;
  if (f->mapped_count == kMaxFileRegions) return;
  Region* empty = nullptr;
  for (Region& r : g_regions) {
    if (r.start.load() == start) {
      ++r.users;
      f->mapped[f->mapped_count++] = start;
      return;
    }
    if (!empty && r.start.load() == 0) empty = &r;
  }
  if (!empty) return;
  empty->len.store(len);
  empty->users = 1;
  empty->start.store(start, std::memory_order_release);
  f->mapped[f->mapped_count++] = start;
}

void drop_regions(GuardedFile* f) {
  std::lock_guard lock(g_regions_mu);
  for (int i = 0; i < f->mapped_count; ++i)
    for (Region& r : g_regions)
      if (r.start.load() == f->mapped[i] && --r.users == 0) {
        r.start.store(0, std::memory_order_release);
        r.len.store(0);
      }
  f->mapped_count = 0;
}

int g_close(sqlite3_file* f) {
  drop_regions(guarded(f));
  return guarded(f)->real()->pMethods->xClose(guarded(f)->real());
}

int g_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  if (poisoned(f)) return SQLITE_IOERR_READ;
  return note(guarded(f)->real()->pMethods->xRead(guarded(f)->real(), buf, n, off));
}

int g_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (poisoned(f)) return SQLITE_IOERR_WRITE;
  return note(guarded(f)->real()->pMethods->xWrite(guarded(f)->real(), buf, n, off));
}

int g_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (poisoned(f)) return SQLITE_IOERR_TRUNCATE;
  return note(guarded(f)->real()->pMethods->xTruncate(guarded(f)->real(), size));
}

int g_sync(sqlite3_file* f, int flags) {
  if (poisoned(f)) return SQLITE_IOERR_FSYNC;
  return note(guarded(f)->real()->pMethods->xSync(guarded(f)->real(), flags));
}

int g_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return guarded(f)->real()->pMethods->xFileSize(guarded(f)->real(), size);
}

int g_lock(sqlite3_file* f, int level) {
  return guarded(f)->real()->pMethods->xLock(guarded(f)->real(), level);
}

int g_unlock(sqlite3_file* f, int level) {
  return guarded(f)->real()->pMethods->xUnlock(guarded(f)->real(), level);
}

int g_check_reserved(sqlite3_file* f, int* out) {
  return guarded(f)->real()->pMethods->xCheckReservedLock(guarded(f)->real(), out);
}

int g_file_control(sqlite3_file* f, int op, void* arg) {
  return guarded(f)->real()->pMethods->xFileControl(guarded(f)->real(), op, arg);
}

int g_sector_size(sqlite3_file* f) {
  return guarded(f)->real()->pMethods->xSectorSize(guarded(f)->real());
}

int g_device_characteristics(sqlite3_file* f) {
  return guarded(f)->real()->pMethods->xDeviceCharacteristics(guarded(f)->real());
}

int g_shm_map(sqlite3_file* f, int page, int page_size, int extend, void volatile** out) {
  *out = nullptr;
  if (poisoned(f)) return SQLITE_IOERR_SHMMAP;
  const int rc =
      guarded(f)->real()->pMethods->xShmMap(guarded(f)->real(), page, page_size, extend, out);
  // A -shm SQLite could open only read-only leaves the store unable to write:
  // counted, so the store reopens it (and writes again once it is writable).
  if ((rc & 0xff) == SQLITE_READONLY || rc != SQLITE_OK) g_io.fetch_add(1);
  if (*out != nullptr)
    add_region(guarded(f), reinterpret_cast<uintptr_t>(*out), static_cast<uintptr_t>(page_size));
  return rc;
}

int g_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return guarded(f)->real()->pMethods->xShmLock(guarded(f)->real(), offset, n, flags);
}

void g_shm_barrier(sqlite3_file* f) {
  guarded(f)->real()->pMethods->xShmBarrier(guarded(f)->real());
}

int g_shm_unmap(sqlite3_file* f, int delete_flag) {
  drop_regions(guarded(f));
  return guarded(f)->real()->pMethods->xShmUnmap(guarded(f)->real(), delete_flag);
}

// The database file is read with xRead only: a mapping of it could fault too.
int g_fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;
  return SQLITE_OK;
}

int g_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return guarded(f)->real()->pMethods->xUnfetch(guarded(f)->real(), off, p);
}

const sqlite3_io_methods kMethods = {3,
                                     g_close,
                                     g_read,
                                     g_write,
                                     g_truncate,
                                     g_sync,
                                     g_file_size,
                                     g_lock,
                                     g_unlock,
                                     g_check_reserved,
                                     g_file_control,
                                     g_sector_size,
                                     g_device_characteristics,
                                     g_shm_map,
                                     g_shm_lock,
                                     g_shm_barrier,
                                     g_shm_unmap,
                                     g_fetch,
                                     g_unfetch};

int g_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = guarded(file);
  f->base.pMethods = nullptr;
  f->sigbus_at_open = g_sigbus.load(std::memory_order_acquire);
  f->mapped_count = 0;
  const int rc = g_base->xOpen(g_base, name, f->real(), flags, out_flags);
  if (f->real()->pMethods != nullptr) f->base.pMethods = &kMethods;
  return rc;
}

sqlite3_vfs g_vfs{};

}  // namespace

Status register_guarded_vfs() {
  static std::once_flag once;
  static int rc = SQLITE_OK;
  std::call_once(once, [] {
    g_base = sqlite3_vfs_find(nullptr);
    if (g_base == nullptr || g_base->iVersion < 1) {
      rc = SQLITE_ERROR;
      return;
    }
    g_vfs = *g_base;
    g_vfs.zName = kGuardedVfs;
    g_vfs.pNext = nullptr;
    g_vfs.szOsFile = static_cast<int>(sizeof(GuardedFile)) + g_base->szOsFile;
    g_vfs.xOpen = g_open;
    rc = sqlite3_vfs_register(&g_vfs, 0);
    if (rc != SQLITE_OK) return;
    struct sigaction sa {};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGBUS, &sa, &g_previous);
  });
  if (rc != SQLITE_OK)
    return make_error(std::string("cannot register the SQLite VFS ") + kGuardedVfs + ": " +
                      sqlite3_errstr(rc));
  return {};
}

StorageFaults storage_faults() {
  return {g_sigbus.load(std::memory_order_acquire), g_io.load(std::memory_order_acquire)};
}

}  // namespace codepulse::collector::sqlite_store
