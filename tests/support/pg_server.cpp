#include "tests/support/pg_server.hpp"

#include <glob.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/test_support.hpp"

namespace codepulse::test {
namespace {

std::string find_bin_dir() {
  glob_t g{};
  std::string found;
  if (::glob("/usr/lib/postgresql/*/bin/postgres", 0, nullptr, &g) == 0 && g.gl_pathc > 0)
    found = std::filesystem::path(g.gl_pathv[g.gl_pathc - 1]).parent_path().string();
  ::globfree(&g);
  return found;
}

// The server listens on a Unix socket in its own directory only, named for
// this port number: no TCP port to find, lose while it is stopped, or share.
constexpr int kSocketPort = 5432;

// A path as the host of a postgresql:// URI: percent-encoded.
std::string uri_host(const std::string& path) {
  std::string out;
  for (char ch : path) {
    if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.') {
      out.push_back(ch);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(ch));
      out += buf;
    }
  }
  return out;
}

// fork + exec, as the postgres user when we are root; the child dies with us.
int spawn(const std::vector<std::string>& argv, const std::string& log) {
  const passwd* pw = ::geteuid() == 0 ? ::getpwnam("postgres") : nullptr;
  if (::geteuid() == 0 && !pw)
    throw std::runtime_error("pg_server: running as root needs a 'postgres' user");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("pg_server: fork failed");
  if (pid == 0) {
    if (pw && (::setgid(pw->pw_gid) != 0 || ::setuid(pw->pw_uid) != 0)) ::_exit(126);
    ::prctl(PR_SET_PDEATHSIG, SIGQUIT);  // immediate shutdown when the test dies
    if (!freopen(log.c_str(), "a", stdout) || !freopen(log.c_str(), "a", stderr)) ::_exit(126);
    std::vector<char*> args;
    for (const auto& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for(int pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string admin_conninfo(const std::string& socket_dir, int port) {
  return "host=" + socket_dir + " port=" + std::to_string(port) +
         " user=postgres dbname=postgres connect_timeout=5";
}

}  // namespace

std::string PgServer::why() {
  return find_bin_dir().empty()
             ? "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install "
               "postgresql); PostgreSQL tests skipped"
             : "";
}

PgServer* PgServer::shared() {
  static std::unique_ptr<PgServer> server = [] {
    std::unique_ptr<PgServer> s;
    const std::string bin = find_bin_dir();
    if (bin.empty()) return s;
    char tmpl[] = "/tmp/codepulse-pg-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("pg_server: mkdtemp failed");
    s.reset(new PgServer(bin, tmpl));
    s->initdb();
    s->port_ = kSocketPort;
    s->start();
    return s;
  }();
  return server.get();
}

PgServer::PgServer(std::string bin_dir, std::string dir)
    : bin_dir_(std::move(bin_dir)), dir_(std::move(dir)) {}

PgServer::~PgServer() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void PgServer::initdb() {
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (!pw || ::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
      throw std::runtime_error("pg_server: cannot hand " + dir_ + " to the postgres user");
  }
  const int rc = wait_for(spawn({bin_dir_ + "/initdb", "-D", dir_ + "/data", "-U", "postgres",
                                 "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"},
                                dir_ + "/initdb.log"));
  if (rc != 0) throw std::runtime_error("pg_server: initdb failed; see " + dir_ + "/initdb.log");
}

void PgServer::start() {
  pid_ =
      spawn({bin_dir_ + "/postgres", "-D", dir_ + "/data", "-p", std::to_string(port_), "-k", dir_,
             "-c", "listen_addresses=", "-c", "fsync=off", "-c", "full_page_writes=off", "-c",
             "max_connections=200", "-c", "shared_buffers=64MB", "-c", "logging_collector=off"},
            dir_ + "/server.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kPatienceMs);
  while (PQping(admin_conninfo(dir_, port_).c_str()) != PQPING_OK) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("pg_server: postgres exited; see " + dir_ + "/server.log");
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("pg_server: postgres did not start; see " + dir_ + "/server.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void PgServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGINT);  // fast shutdown: ends every session
  wait_for(pid_);
  pid_ = -1;
}

std::string PgServer::create_database() {
  const std::string name = "codepulse_test_" + std::to_string(++databases_);
  PGconn* c = PQconnectdb(admin_conninfo(dir_, port_).c_str());
  PGresult* r = PQexec(c, ("CREATE DATABASE " + name).c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  const std::string why = PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error("pg_server: CREATE DATABASE failed: " + why);
  return "postgresql://postgres@" + uri_host(dir_) + ":" + std::to_string(port_) + "/" + name;
}

}  // namespace codepulse::test
