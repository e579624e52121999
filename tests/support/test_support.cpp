#include "tests/support/test_support.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

extern char** environ;

namespace codepulse::test {
namespace {

// argv-style pointers into `strings`, ending in nullptr (made before fork:
// the child only calls exec).
std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const auto& s : strings)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

bool read_by_the_programs(std::string_view name) {
  return name == "HOME" || name == "TZ" || name == "CLAUDE_CONFIG_DIR" ||
         name == "CLAUDE_PROJECT_DIR" || name == "CODEX_HOME" || name == "GEMINI_CLI_HOME" ||
         name == "GEMINI_DATA_DIR" || name == "OPENCODE_DATA_DIR" ||
         name.rfind("COPILOT_", 0) == 0 || name.rfind("XDG_", 0) == 0 ||
         name.rfind("CODEPULSE_", 0) == 0;
}

}  // namespace

std::vector<std::string> test_environment(const std::vector<std::string>& env) {
  std::map<std::string, std::string> vars;  // name -> "name=value"
  for (char** e = environ; e && *e; ++e) {
    const std::string kv = *e;
    const std::string name = kv.substr(0, kv.find('='));
    if (!read_by_the_programs(name)) vars[name] = kv;
  }
  vars["HOME"] = "HOME=/nonexistent";
  vars["TZ"] = "TZ=UTC";
  for (const auto& kv : env)
    vars[kv.substr(0, kv.find('='))] = kv;
  std::vector<std::string> out;
  for (auto& [name, kv] : vars)
    out.push_back(std::move(kv));
  return out;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/codepulse-test-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  // Make everything removable again (tests chmod files to 000).
  run({"chmod", "-R", "u+rwx", path_});
  run({"rm", "-rf", path_});
}

void make_dirs(const std::string& path) {
  size_t pos = 0;
  while ((pos = path.find('/', pos + 1)) != std::string::npos)
    ::mkdir(path.substr(0, pos).c_str(), 0755);
  ::mkdir(path.c_str(), 0755);
}

void write_file(const std::string& path, const std::string& content) {
  make_dirs(path.substr(0, path.rfind('/')));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
}

void append_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << content;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> list_files(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string p = dir + "/" + name;
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      auto sub = list_files(p);
      out.insert(out.end(), sub.begin(), sub.end());
    } else if (S_ISREG(st.st_mode)) {
      out.push_back(p);
    }
  }
  ::closedir(d);
  return out;
}

CommandResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  const std::vector<std::string> child_env = test_environment(env);
  const std::vector<char*> args = c_strings(argv), envp = c_strings(child_env);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::signal(SIGPIPE, SIG_DFL);  // the runner ignores it (tests/main.cpp); a program gets its own
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::execvpe(args[0], args.data(), envp.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  CommandResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

Process::Process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                 const std::string& log_prefix, int64_t fsize_limit)
    : err_path_(log_prefix + ".err") {
  const std::string out_path = log_prefix + ".out";
  const std::vector<std::string> child_env = test_environment(env);
  const std::vector<char*> args = c_strings(argv), envp = c_strings(child_env);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::signal(SIGPIPE, SIG_DFL);  // the runner ignores it (tests/main.cpp); a program gets its own
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (fsize_limit >= 0) {
      ::signal(SIGXFSZ, SIG_IGN);
      rlimit lim{static_cast<rlim_t>(fsize_limit), RLIM_INFINITY};
      ::setrlimit(RLIMIT_FSIZE, &lim);
    }
    ::execvpe(args[0], args.data(), envp.data());
    ::_exit(127);
  }
}

void Process::allow_file_size() {
  rlimit lim{RLIM_INFINITY, RLIM_INFINITY};
  ::prlimit(pid_, RLIMIT_FSIZE, &lim, nullptr);
}

Process::~Process() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait(5000);
  }
}

void Process::signal(int sig) {
  if (pid_ > 0 && status_ < 0) ::kill(pid_, sig);
}

bool Process::running() {
  if (status_ >= 0 || pid_ <= 0) return false;
  int st = 0;
  const pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return false;
  }
  return true;
}

int Process::wait(int timeout_ms) {
  eventually(timeout_ms, [&] { return !running(); });
  return status_;
}

std::string Process::err() const {
  return read_file(err_path_);
}

bool eventually(int timeout_ms, const std::function<bool()>& check) {
  for (int waited = 0;; waited += 20) {
    if (check()) return true;
    if (waited >= timeout_ms) return false;
    ::usleep(20'000);
  }
}

std::string tracker_bin() {
  return CODEPULSE_TRACKER_BIN;
}
std::string source_dir() {
  return CODEPULSE_SOURCE_DIR;
}

std::optional<std::string> shared_fixtures() {
  const std::string p = source_dir() + "/../shared/fixtures/claude-code";
  struct stat st {};
  if (::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return p;
  return std::nullopt;
}

namespace {

// The first executable of: $`env_var`, then `rel` under build/peers and
// ../peers beside the checkout (packaging/install-peers.sh puts it there).
std::optional<std::string> peer_bin(const char* env_var, const std::string& rel) {
  std::vector<std::string> candidates;
  if (const char* e = std::getenv(env_var); e && *e) candidates.push_back(e);
  candidates.push_back(source_dir() + "/build/peers/node_modules/" + rel);
  candidates.push_back(source_dir() + "/../peers/node_modules/" + rel);
  for (const auto& c : candidates)
    if (::access(c.c_str(), X_OK) == 0) return c;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ccusage_bin() {
  return peer_bin("CODEPULSE_CCUSAGE", "@ccusage/ccusage-linux-x64/bin/ccusage");
}

std::optional<std::string> claude_code_bin() {
  return peer_bin("CODEPULSE_CLAUDE_CODE", "@anthropic-ai/claude-code-linux-x64/claude");
}

std::optional<std::string> codex_bin() {
  return peer_bin("CODEPULSE_CODEX",
                  "@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex");
}

std::optional<std::string> gemini_cli_js() {
  if (run({"node", "--version"}).exit_code != 0) return std::nullopt;
  return peer_bin("CODEPULSE_GEMINI_CLI", "@google/gemini-cli/bundle/gemini.js");
}

std::optional<std::string> opencode_bin() {
  return peer_bin("CODEPULSE_OPENCODE", "opencode-linux-x64/bin/opencode");
}

std::optional<std::string> copilot_cli_bin() {
  return peer_bin("CODEPULSE_COPILOT_CLI", "@github/copilot-linux-x64/copilot");
}

std::map<std::string, DayModelRow> parse_day_model_csv(const std::string& csv) {
  auto fields = [](const std::string& line) {
    std::vector<std::string> f;
    size_t a = 0;
    while (true) {
      const size_t c = line.find(',', a);
      f.push_back(line.substr(a, c == std::string::npos ? std::string::npos : c - a));
      if (c == std::string::npos) break;
      a = c + 1;
    }
    return f;
  };
  // Columns by their header names: the report may add columns.
  const std::vector<std::string> header = fields(csv.substr(0, csv.find('\n')));
  auto column = [&header](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw std::runtime_error(std::string("no report column ") + name);
    return static_cast<size_t>(it - header.begin());
  };
  const size_t input = column("input"), output = column("output"),
               cache_create = column("cache_create"), cache_read = column("cache_read"),
               cost = column("cost_usd"), records = column("records");
  std::map<std::string, DayModelRow> rows;
  size_t pos = csv.find('\n') + 1;
  while (pos < csv.size()) {
    const size_t end = csv.find('\n', pos);
    const std::string line = csv.substr(pos, end - pos);
    pos = end == std::string::npos ? csv.size() : end + 1;
    const std::vector<std::string> f = fields(line);
    if (f.size() != header.size()) throw std::runtime_error("unexpected report line: " + line);
    DayModelRow row;
    row.input = std::stoll(f[input]);
    row.output = std::stoll(f[output]);
    row.cache_create = std::stoll(f[cache_create]);
    row.cache_read = std::stoll(f[cache_read]);
    if (!f[cost].empty()) {  // empty: every record of the row is unpriced
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", std::stod(f[cost]));
      row.cost_cents = buf;
    }
    row.requests = std::stoll(f[records]);
    rows[f[0] + "|" + f[1]] = row;
  }
  return rows;
}

}  // namespace codepulse::test
