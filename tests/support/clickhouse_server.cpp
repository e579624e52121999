#include "tests/support/clickhouse_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <thread>

#include "collector/analytics/clickhouse_client.hpp"
#include "tests/support/test_support.hpp"

namespace codepulse::test {
namespace {

constexpr const char* kServerBin = "/usr/bin/clickhouse-server";
constexpr const char* kServerSbin = "/usr/sbin/clickhouse-server";

std::string server_binary() {
  for (const char* p : {kServerSbin, kServerBin})
    if (::access(p, X_OK) == 0) return p;
  return "";
}

}  // namespace

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("free_loopback_port: socket failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("free_loopback_port: bind failed");
  }
  const int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

collector::analytics::ClickHouseTarget clickhouse_target(const std::string& url) {
  auto t = collector::analytics::parse_clickhouse_url(url);
  if (!t) throw std::runtime_error("clickhouse_target: " + t.error().message);
  return *t;
}

std::string ClickHouseServer::why() {
  return server_binary().empty()
             ? "no clickhouse-server on this machine (apt-get install clickhouse-server); "
               "ClickHouse tests skipped"
             : "";
}

ClickHouseServer* ClickHouseServer::shared() {
  static std::unique_ptr<ClickHouseServer> server = []() -> std::unique_ptr<ClickHouseServer> {
    if (server_binary().empty()) return nullptr;
    return start_new();
  }();
  return server.get();
}

std::unique_ptr<ClickHouseServer> ClickHouseServer::in_new_dir() {
  char tmpl[] = "/tmp/codepulse-ch-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("clickhouse_server: mkdtemp failed");
  return std::unique_ptr<ClickHouseServer>(new ClickHouseServer(tmpl));
}

// A port picked free can be taken by another process before the server
// binds it (tests run two at a time), and ports picked one after another can
// repeat: a server that exits before it answers is started again on other
// ports, twice at most.
namespace {
constexpr int kStartAttempts = 3;
bool exited_early(const std::runtime_error& e) {
  return std::string(e.what()).find("clickhouse-server exited") != std::string::npos;
}
}  // namespace

std::unique_ptr<ClickHouseServer> ClickHouseServer::start_new() {
  for (int attempt = 1;; ++attempt) {
    auto s = in_new_dir();
    s->http_port_ = free_loopback_port();
    s->write_config();
    try {
      s->start();
      return s;
    } catch (const std::runtime_error& e) {
      if (attempt == kStartAttempts || !exited_early(e)) throw;
    }
  }
}

std::vector<std::unique_ptr<ClickHouseServer>> ClickHouseServer::start_cluster(
    const std::string& name, int shards) {
  for (int attempt = 1;; ++attempt) {
    std::vector<std::unique_ptr<ClickHouseServer>> out;
    std::set<int> taken;
    const auto distinct_port = [&taken]() {
      int port = free_loopback_port();
      while (!taken.insert(port).second)
        port = free_loopback_port();
      return port;
    };
    std::string xml = "  <remote_servers><" + name + ">";
    for (int i = 0; i < shards; ++i) {
      auto& s = out.emplace_back(in_new_dir());
      s->http_port_ = distinct_port();
      s->tcp_port_ = distinct_port();
      xml += "<shard><replica><host>127.0.0.1</host><port>" + std::to_string(s->tcp_port_) +
             "</port></replica></shard>";
    }
    xml += "</" + name + "></remote_servers>\n";
    try {
      for (auto& s : out) {
        s->remote_servers_ = xml;
        s->write_config();
        s->start();
      }
      return out;
    } catch (const std::runtime_error& e) {
      if (attempt == kStartAttempts || !exited_early(e)) throw;
    }
  }
}

std::string ClickHouseServer::address() const {
  return "127.0.0.1:" + std::to_string(http_port_);
}

ClickHouseServer::ClickHouseServer(std::string dir) : dir_(std::move(dir)) {}

ClickHouseServer::~ClickHouseServer() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void ClickHouseServer::write_config() {
  write_file(dir_ + "/config.xml",
             "<?xml version=\"1.0\"?>\n<yandex>\n"
             "  <logger><level>warning</level><log>" +
                 dir_ + "/log/server.log</log><errorlog>" + dir_ +
                 "/log/server.err.log</errorlog></logger>\n"
                 "  <listen_host>127.0.0.1</listen_host>\n"
                 "  <http_port>" +
                 std::to_string(http_port_) + "</http_port>\n" + "  <path>" + dir_ +
                 "/data/</path>\n  <tmp_path>" + dir_ +
                 "/tmp/</tmp_path>\n"
                 "  <timezone>UTC</timezone>\n"
                 "  <mark_cache_size>67108864</mark_cache_size>\n"
                 "  <max_concurrent_queries>50</max_concurrent_queries>\n"
                 "  <profiles><default/></profiles>\n"
                 "  <users><default><password></password><networks><ip>127.0.0.1</ip>"
                 "</networks><profile>default</profile><quota>default</quota></default>"
                 "</users>\n"
                 "  <quotas><default/></quotas>\n" +
                 (tcp_port_ ? "  <tcp_port>" + std::to_string(tcp_port_) + "</tcp_port>\n"
                            : std::string()) +
                 remote_servers_ + "</yandex>\n");
  make_dirs(dir_ + "/log");
}

void ClickHouseServer::start() {
  const std::string bin = server_binary();
  const std::string config = "--config-file=" + dir_ + "/config.xml";
  const std::string out = dir_ + "/log/stdout.log";
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("clickhouse_server: fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // dies with the test
    if (!freopen(out.c_str(), "a", stdout) || !freopen(out.c_str(), "a", stderr)) ::_exit(126);
    ::execl(bin.c_str(), bin.c_str(), config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  pid_ = pid;
  collector::analytics::ClickHouseTarget t;
  t.host = "127.0.0.1";
  t.port = std::to_string(http_port_);
  collector::analytics::ClickHouseClient client(t, {std::chrono::milliseconds(2000)});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kPatienceMs);
  while (!client.ping()) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("clickhouse_server: clickhouse-server exited; see " + dir_ + "/log");
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("clickhouse_server: no answer to /ping; see " + dir_ + "/log");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void ClickHouseServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

std::string ClickHouseServer::url(const std::string& database) const {
  return "clickhouse://127.0.0.1:" + std::to_string(http_port_) + "/" + database;
}

std::string ClickHouseServer::create_database_url() {
  return url("codepulse_test_" + std::to_string(++databases_));
}

}  // namespace codepulse::test
