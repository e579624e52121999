// A real codepulse-collector for tests: its own CA and server certificate
// (made with common/tls/pki), a SQLite database (or any --db), and `serve` on a free port
// of 127.0.0.1, started as a child process.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

namespace codepulse::test {

std::string collector_bin();
// Runs codepulse-collector with `args` and waits for it.
CommandResult run_collector(const std::vector<std::string>& args);

class CollectorFixture {
 public:
  // Makes <dir>/pki: ca.pem, and server.pem for the given names (default
  // localhost and 127.0.0.1).
  explicit CollectorFixture(const std::string& dir,
                            const std::vector<std::string>& dns_names = {"localhost"},
                            const std::vector<std::string>& ip_addresses = {"127.0.0.1"});
  ~CollectorFixture();

  // Starts `serve`; port 0 = a free one. Waits until it listens (as its
  // stderr says, or the --log-file among extra_args).
  // fsize_limit >= 0: no file of the collector may grow past it (a full
  // disk; process().allow_file_size() gives the space back).
  void start(const std::vector<std::string>& extra_args = {}, int port = 0,
             int64_t fsize_limit = -1);
  void stop();       // SIGTERM and wait: returns after a clean exit
  void kill_hard();  // SIGKILL
  int port() const { return port_; }
  std::string url() const { return "https://localhost:" + std::to_string(port_); }
  Process& process() { return *process_; }

  // A new token (created through the CLI) written to a 0600 file; returns the file.
  std::string token_file(const std::string& author, const std::string& role = "tracker");
  std::string token_of(const std::string& file) const;

  const std::string& db() const { return db_; }
  // Serve another database (a postgresql:// URI, say) instead of <dir>/collector.db.
  void use_db(const std::string& db) { db_ = db; }
  std::string ca() const { return dir_ + "/pki/ca.pem"; }
  std::string cert() const { return dir_ + "/pki/server.pem"; }
  std::string key() const { return dir_ + "/pki/server-key.pem"; }
  // `codepulse-collector report --db ... --format json` output.
  std::string report_json(const std::string& group_by = "date,model") const;
  int64_t record_count() const;

 private:
  std::string dir_, db_;
  int port_ = 0;
  int tokens_ = 0;
  int starts_ = 0;
  std::unique_ptr<Process> process_;
};

}  // namespace codepulse::test
