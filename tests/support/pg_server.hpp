// A real PostgreSQL server for tests: Debian's postgresql binaries, initdb
// into a temporary directory, listening on a Unix socket in that directory
// only (no TCP port another process could take). Run as root, the server runs
// as the `postgres` user, as PostgreSQL requires. It dies with the test process.
#pragma once

#include <memory>
#include <string>

namespace codepulse::test {

class PgServer {
 public:
  // The test process's server, started on first use; nullptr when this
  // machine has no PostgreSQL server binaries (why() says so).
  static PgServer* shared();
  static std::string why();

  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // A new, empty database; returns its postgresql:// URI (the socket's
  // directory, percent-encoded, as its host).
  std::string create_database();
  int port() const { return port_; }  // the number in the socket's name

  // For "the database went away" tests: stop (fast shutdown) and start again
  // on the same socket and data.
  void stop();
  void start();

 private:
  PgServer(std::string bin_dir, std::string dir);
  void initdb();

  std::string bin_dir_, dir_;
  int port_ = 0;
  int pid_ = -1;
  int databases_ = 0;
};

}  // namespace codepulse::test
