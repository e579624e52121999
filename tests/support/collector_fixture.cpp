#include "tests/support/collector_fixture.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <stdexcept>

#include "common/tls/pki.hpp"
#include "tests/support/store_targets.hpp"

namespace codepulse::test {

std::string collector_bin() {
  return CODEPULSE_COLLECTOR_BIN;
}

CommandResult run_collector(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {collector_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

CollectorFixture::CollectorFixture(const std::string& dir,
                                   const std::vector<std::string>& dns_names,
                                   const std::vector<std::string>& ip_addresses)
    : dir_(dir), db_(dir + "/collector.db") {
  make_dirs(dir);
  tls::CertificateRequest req;
  req.dns_names = dns_names;
  req.ip_addresses = ip_addresses;
  req.common_name = dns_names.empty() ? ip_addresses.at(0) : dns_names.front();
  if (auto s = tls::write_test_pki(dir + "/pki", req, true); !s)
    throw std::runtime_error(s.error().message);
}

CollectorFixture::~CollectorFixture() {
  if (process_ && process_->running()) process_->signal(SIGKILL);
}

void CollectorFixture::start(const std::vector<std::string>& extra_args, int port,
                             int64_t fsize_limit) {
  std::vector<std::string> argv = {
      collector_bin(), "serve", "--listen",   "127.0.0.1:" + std::to_string(port),
      "--db",          db_,     "--tls-cert", cert(),
      "--tls-key",     key()};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<Process>(argv, std::vector<std::string>{},
                                       dir_ + "/serve-" + std::to_string(++starts_), fsize_limit);
  // The port from "listening on https://127.0.0.1:PORT", on stderr or in
  // the --log-file given.
  const std::string marker = "listening on https://127.0.0.1:";
  const auto log_flag = std::find(extra_args.begin(), extra_args.end(), "--log-file");
  const std::string log_file =
      log_flag != extra_args.end() && log_flag + 1 != extra_args.end() ? *(log_flag + 1) : "";
  auto port_in = [&](const std::string& stderr_text) {
    const std::string err = stderr_text + (log_file.empty() ? "" : read_file(log_file));
    const auto at = err.find(marker);
    if (at == std::string::npos) return 0;
    const auto digits = err.substr(at + marker.size(), 5);
    return std::atoi(digits.c_str());
  };
  const bool up =
      eventually(kPatienceMs, [&] { return port_in(process_->err()) > 0 || !process_->running(); });
  port_ = port_in(process_->err());
  if (!up || port_ == 0)
    throw std::runtime_error("the collector did not start: " + process_->err());
}

void CollectorFixture::stop() {
  if (!process_) return;
  process_->signal(SIGTERM);
  const int code = process_->wait(kPatienceMs);
  if (code != 0)
    throw std::runtime_error("the collector exited with " + std::to_string(code) + ": " +
                             process_->err());
}

void CollectorFixture::kill_hard() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait(kPatienceMs);
}

std::string CollectorFixture::token_file(const std::string& author, const std::string& role) {
  auto r =
      run({collector_bin(), "token", "create", "--db", db_, "--author", author, "--role", role});
  if (r.exit_code != 0) throw std::runtime_error("token create failed: " + r.err);
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  const std::string token = out.substr(out.rfind('\n') + 1);
  const std::string path = dir_ + "/token-" + std::to_string(++tokens_);
  write_file(path, token + "\n");
  ::chmod(path.c_str(), 0600);
  return path;
}

std::string CollectorFixture::token_of(const std::string& file) const {
  std::string t = read_file(file);
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r'))
    t.pop_back();
  return t;
}

std::string CollectorFixture::report_json(const std::string& group_by) const {
  auto r =
      run({collector_bin(), "report", "--db", db_, "--group-by", group_by, "--format", "json"});
  if (r.exit_code != 0) throw std::runtime_error("collector report failed: " + r.err);
  return r.out;
}

int64_t CollectorFixture::record_count() const {
  try {
    return std::stoll(db_text(db_, "SELECT count(*) FROM usage_records"));
  } catch (const std::exception&) {
    return -1;  // not there yet
  }
}

}  // namespace codepulse::test
