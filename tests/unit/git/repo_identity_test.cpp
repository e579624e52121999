// Repository identity from git metadata. Realistic layouts are built with the
// real git binary (tests only: the module itself never runs git), confined to
// a temp dir with HOME pointed there and GIT_CONFIG_NOSYSTEM=1.
#include "tracker/git/repo_identity.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/c_handles.hpp"
#include "tracker/git/git_config.hpp"
#include "tracker/git/remote_url.hpp"
#include "tracker/git/worktree_probe.hpp"

namespace codepulse {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "codepulse-git-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    // Canonical, so git's own absolute paths match ours (e.g. macOS /tmp).
    path_ = fs::canonical(pattern).string();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  REQUIRE(out.good());
}

// Appends in place: GCC 12 at -O3 raises a false -Wrestrict on "literal" + std::string&&.
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::string out;
  (out.append(parts), ...);
  return out;
}

void make_dirs(const std::string& path) {
  fs::create_directories(path);
}

// A hand-made repository: just enough metadata for git to accept it.
void make_fake_repo(const std::string& root, const std::string& config) {
  write_file(root + "/.git/HEAD", "ref: refs/heads/main\n");
  write_file(root + "/.git/config", config);
  make_dirs(root + "/.git/objects");
}

struct RunResult {
  int status = -1;
  std::string output;  // stdout and stderr together
};

struct GitEnv {
  std::string home;
  std::optional<std::string> xdg;  // nullopt: XDG_CONFIG_HOME unset
};

RunResult run_git(const GitEnv& genv, std::vector<std::string> args) {
  std::vector<std::string> env = {"HOME=" + genv.home,       "GIT_CONFIG_NOSYSTEM=1",
                                  "GIT_AUTHOR_NAME=Test",    "GIT_AUTHOR_EMAIL=test@example.com",
                                  "GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com",
                                  "GIT_TERMINAL_PROMPT=0",   "LC_ALL=C"};
  if (genv.xdg) env.push_back("XDG_CONFIG_HOME=" + *genv.xdg);
  if (const char* path = std::getenv("PATH")) env.push_back(std::string("PATH=") + path);
  args.insert(args.begin(), "git");
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (std::string& e : env)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  int fds[2];
  if (::pipe(fds) != 0) return {};
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 2);
  posix_spawn_file_actions_addclose(&actions, read_end.get());
  posix_spawn_file_actions_addclose(&actions, write_end.get());
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  write_end.reset();
  RunResult result;
  if (rc != 0) return result;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(read_end.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Runs git with HOME (and XDG_CONFIG_HOME) inside the temp dir.
void git(const TempDir& t, std::vector<std::string> args) {
  std::string shown;
  for (const std::string& a : args)
    shown += " " + a;
  const RunResult r = run_git(GitEnv{t.path(), t / "xdg"}, std::move(args));
  INFO("git" << shown << "\n" << r.output);
  REQUIRE(r.status == 0);
}

bool git_available() {
  static const bool available =
      run_git(GitEnv{"/nonexistent", std::nullopt}, {"--version"}).status == 0;
  if (!available) WARN("git binary not found: skipping layout built with git");
  return available;
}

// A repository with one empty commit on "main".
void git_init_repo(const TempDir& t, const std::string& dir) {
  git(t, {"init", "-q", "-b", "main", dir});
  git(t, {"-C", dir, "commit", "-q", "--allow-empty", "-m", "init"});
}

// First value git itself reads for a key of a config file.
std::string git_config_get(const TempDir& t, const std::string& file, const std::string& key) {
  const RunResult r =
      run_git(GitEnv{t.path(), t / "xdg"}, {"config", "--file", file, "--get-all", key});
  return r.output.substr(0, r.output.find('\n'));
}

}  // namespace

// ---------------------------------------------------------------------------
// normalize_remote_url

TEST_CASE("normalize_remote_url handles the common URL forms", "[git]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"https://github.com/acme/api.git", "github.com/acme/api"},
      {"https://github.com/acme/api", "github.com/acme/api"},
      {"https://github.com/acme/api/", "github.com/acme/api"},
      {"https://github.com/acme/api.git/", "github.com/acme/api"},
      {"http://GitHub.COM/Acme/API.git", "github.com/Acme/API"},
      {"git@github.com:acme/api.git", "github.com/acme/api"},
      {"github.com:acme/api", "github.com/acme/api"},
      {"git@host.example:/srv/git/proj.git", "host.example/srv/git/proj"},
      {"ssh://git@github.com:22/acme/api", "github.com/acme/api"},
      {"ssh://git@github.com/acme/api.git", "github.com/acme/api"},
      {"git+ssh://git@github.com/acme/api.git", "github.com/acme/api"},
      {"git://host/x", "host/x"},
      {"https://gitlab.example.com:8443/group/sub/proj.git", "gitlab.example.com/group/sub/proj"},
      {"https://github.com//acme//api.git", "github.com/acme/api"},
      {"https://github.com./acme/api", "github.com/acme/api"},
      {"https://host/repo?foo=bar#frag", "host/repo"},
      {"ssh://git@[::1]:2222/srv/repo.git", "[::1]/srv/repo"},
      {"file:///srv/repo.git", "local/repo"},
      {"file://localhost/srv/repo.git", "local/repo"},
      {"/home/alice/secret-work/upstream.git", "local/upstream"},
      {"  https://github.com/acme/api.git\n", "github.com/acme/api"},
      {"HTTPS://github.com/acme/api", "github.com/acme/api"},
  };
  for (const auto& [url, expected] : cases) {
    INFO(url);
    CHECK(normalize_remote_url(url) == expected);
  }
}

TEST_CASE("normalize_remote_url strips every credential", "[git]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"https://user:s3cr3t@gitlab.example.com/group/sub/proj.git",
       "gitlab.example.com/group/sub/proj"},
      {"https://ghp_s3cr3t@github.com/acme/api.git", "github.com/acme/api"},
      {"https://x-access-token:s3cr3t@github.com/acme/api", "github.com/acme/api"},
      {"https://me@mail.com:s3cr3t@host.example/acme/api", "host.example/acme/api"},
      {"https://user:s3cr3t@host.example:8443/acme/api", "host.example/acme/api"},
      {"https://user:s3cr3t@@host.example/acme/api", "host.example/acme/api"},
      {"user:s3cr3t@host.example:acme/api.git", "host.example/acme/api"},
      {"https://host.example/acme/api?private_token=s3cr3t", "host.example/acme/api"},
      // Malformed: the password contains a '/', '#' or '?'. Refused, not leaked.
      {"https://user:s3/cr3t@host.example/acme/api", ""},
      {"https://user:1/s3cr3t@host.example/acme/api", ""},
      {"https://user:s3#cr3t@host.example/acme/api", ""},
      {"https://user:1?s3cr3t@host.example/acme/api", ""},
      {"user:s3cr3t@host.example/acme/api", ""},
  };
  for (const auto& [url, expected] : cases) {
    INFO(url);
    const std::string got = normalize_remote_url(url);
    CHECK(got == expected);
    CHECK(got.find("s3") == std::string::npos);
    CHECK(got.find("cr3t") == std::string::npos);
    CHECK(got.find("user") == std::string::npos);
  }
}

TEST_CASE("normalize_remote_url maps Azure DevOps forms to one identity", "[git]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"https://dev.azure.com/org/proj/_git/repo", "dev.azure.com/org/proj/repo"},
      {"https://org@dev.azure.com/org/proj/_git/repo", "dev.azure.com/org/proj/repo"},
      {"https://dev.azure.com/org/proj/_git/_optimized/repo", "dev.azure.com/org/proj/repo"},
      {"org@vs-ssh.visualstudio.com:v3/org/proj/repo", "dev.azure.com/org/proj/repo"},
      {"git@ssh.dev.azure.com:v3/org/proj/repo", "dev.azure.com/org/proj/repo"},
      {"ssh://git@ssh.dev.azure.com:22/v3/org/proj/repo", "dev.azure.com/org/proj/repo"},
      {"https://org.visualstudio.com/proj/_git/repo", "dev.azure.com/org/proj/repo"},
      {"https://org.visualstudio.com/DefaultCollection/proj/_git/repo",
       "dev.azure.com/org/proj/repo"},
      // Project named like its repository: the short https form and the ssh form agree.
      {"https://dev.azure.com/org/_git/repo", "dev.azure.com/org/repo/repo"},
      {"git@ssh.dev.azure.com:v3/org/repo/repo", "dev.azure.com/org/repo/repo"},
  };
  for (const auto& [url, expected] : cases) {
    INFO(url);
    CHECK(normalize_remote_url(url) == expected);
  }
}

TEST_CASE("normalize_remote_url returns empty for forms it does not recognize", "[git]") {
  const std::vector<std::string> cases = {
      "",
      "   ",
      "../upstream",
      "./sub",
      "relative/path",
      "C:/work/repo",
      "C:\\work\\repo",
      "codecommit::us-east-1://s3cr3t-repo",
      "ext::ssh -i key host %S repo",
      "https://",
      "https://github.com",
      "https://github.com/",
      "https://host:notaport/acme/api",
      "https://ho st/acme/api",
      "https://host/acme/a\npi",
      "1http://host/acme/api",
      "git@host.example:team@x/repo",
      ":acme/api",
  };
  for (const std::string& url : cases) {
    INFO(url);
    CHECK(normalize_remote_url(url).empty());
  }
}

TEST_CASE("normalize_remote_url copes with a very long URL", "[git]") {
  const std::string long_path(200000, 'a');
  CHECK(normalize_remote_url("https://host/" + long_path + ".git") == "host/" + long_path);
  CHECK(normalize_remote_url(std::string(200000, ':')).empty());
  CHECK(normalize_remote_url(std::string(200000, '@')).empty());
}

// ---------------------------------------------------------------------------
// RepoResolver::resolve on layouts built by git

TEST_CASE("resolve finds a plain repository with an https origin", "[git]") {
  if (!git_available()) return;
  TempDir t;
  git_init_repo(t, t / "app");
  git(t, {"-C", t / "app", "remote", "add", "origin",
          "https://deploy:s3cr3t@github.com/acme/api.git"});
  RepoResolver resolver;
  const RepoInfo& info = resolver.resolve(t / "app");
  CHECK(info.identity == "github.com/acme/api");
  CHECK(info.root == t / "app");
  CHECK(info.in_repo);
}

TEST_CASE("resolve normalizes an scp-like ssh origin", "[git]") {
  if (!git_available()) return;
  TempDir t;
  git_init_repo(t, t / "app");
  git(t, {"-C", t / "app", "remote", "add", "origin", "git@gitlab.com:Acme/Tools/cli.git"});
  RepoResolver resolver;
  CHECK(resolver.resolve(t / "app").identity == "gitlab.com/Acme/Tools/cli");
}

TEST_CASE("resolve names a repository without remote after its folder", "[git]") {
  if (!git_available()) return;
  TempDir t;
  git_init_repo(t, t / "my-app");
  make_dirs(t / "my-app/src");
  RepoResolver resolver;
  const RepoInfo& info = resolver.resolve(t / "my-app/src");
  CHECK(info.identity == "local/my-app");
  CHECK(info.root == t / "my-app");
  CHECK(info.in_repo);
}

TEST_CASE("resolve prefers origin, else the first remote in file order", "[git]") {
  if (!git_available()) return;
  TempDir t;
  git_init_repo(t, t / "a");
  git(t, {"-C", t / "a", "remote", "add", "upstream", "https://github.com/up/a.git"});
  git(t, {"-C", t / "a", "remote", "add", "origin", "https://github.com/me/a.git"});
  git_init_repo(t, t / "b");
  git(t, {"-C", t / "b", "remote", "add", "zeta", "https://github.com/zeta/b.git"});
  git(t, {"-C", t / "b", "remote", "add", "alpha", "https://github.com/alpha/b.git"});
  RepoResolver resolver;
  CHECK(resolver.resolve(t / "a").identity == "github.com/me/a");
  CHECK(resolver.resolve(t / "b").identity == "github.com/zeta/b");
}

TEST_CASE("resolve outside any repository uses the cwd folder name", "[git]") {
  TempDir t;
  RepoResolver resolver;
  if (resolver.resolve(t.path()).in_repo) {
    WARN("the temp dir itself is inside a repository; skipping");
    return;
  }
  make_dirs(t / "notes/drafts");
  const RepoInfo& info = resolver.resolve(t / "notes/drafts/");
  CHECK(info.identity == "local/drafts");
  CHECK(info.root.empty());
  CHECK_FALSE(info.in_repo);
  // Gone entirely from this machine: same rule, no file system needed.
  const RepoInfo& gone = resolver.resolve(t / "gone/project");
  CHECK(gone.identity == "local/project");
  CHECK_FALSE(gone.in_repo);
}

TEST_CASE("resolve walks up from a nested subfolder", "[git]") {
  if (!git_available()) return;
  TempDir t;
  git_init_repo(t, t / "app");
  git(t, {"-C", t / "app", "remote", "add", "origin", "https://github.com/acme/api"});
  make_dirs(t / "app/src/deep/er");
  RepoResolver resolver;
  const RepoInfo& info = resolver.resolve(t / "app/src/./deep//er/../er");
  CHECK(info.identity == "github.com/acme/api");
  CHECK(info.root == t / "app");
}

TEST_CASE("resolve walks up from a cwd that no longer exists", "[git]") {
  if (!git_available()) return;
  TempDir t;
  git_init_repo(t, t / "app");
  git(t, {"-C", t / "app", "remote", "add", "origin", "https://github.com/acme/api"});
  RepoResolver resolver;
  const RepoInfo& info = resolver.resolve(t / "app/sub/deleted/long/ago");
  CHECK(info.identity == "github.com/acme/api");
  CHECK(info.root == t / "app");
  CHECK(info.in_repo);
}

TEST_CASE("resolve gives a linked worktree its main repository's identity", "[git]") {
  if (!git_available()) return;
  TempDir t;
  git_init_repo(t, t / "app");
  git(t, {"-C", t / "app", "remote", "add", "origin", "git@github.com:acme/api.git"});
  git(t, {"-C", t / "app", "worktree", "add", "-q", "-b", "feature", t / "app-feature"});
  REQUIRE(fs::is_regular_file(t / "app-feature/.git"));
  make_dirs(t / "app-feature/src");
  RepoResolver resolver;
  const RepoInfo& info = resolver.resolve(t / "app-feature/src");
  CHECK(info.identity == "github.com/acme/api");
  CHECK(info.root == t / "app-feature");
  CHECK(info.in_repo);
  CHECK(read_head_branch(info.root) == std::optional<std::string>("feature"));
  CHECK(read_head_branch(t / "app") == std::optional<std::string>("main"));
}

TEST_CASE("resolve follows a relative gitdir and commondir", "[git]") {
  TempDir t;
  make_fake_repo(t / "main", "[remote \"origin\"]\n\turl = https://github.com/acme/rel.git\n");
  write_file(t / "main/.git/worktrees/wt/HEAD", "ref: refs/heads/topic\n");
  write_file(t / "main/.git/worktrees/wt/commondir", "../..\n");
  write_file(t / "wt/.git", "gitdir: ../main/.git/worktrees/wt\n");
  RepoResolver resolver;
  const RepoInfo& info = resolver.resolve(t / "wt");
  CHECK(info.identity == "github.com/acme/rel");
  CHECK(info.root == t / "wt");
  CHECK(read_head_branch(t / "wt") == std::optional<std::string>("topic"));
}

TEST_CASE("resolve gives a submodule its own remote", "[git]") {
  if (!git_available()) return;
  TempDir t;
  git_init_repo(t, t / "sublib");
  git_init_repo(t, t / "super");
  git(t, {"-C", t / "super", "remote", "add", "origin", "https://github.com/acme/super.git"});
  git(t, {"-C", t / "super", "-c", "protocol.file.allow=always", "submodule", "--quiet", "add",
          t / "sublib", "libs/sub"});
  git(t,
      {"-C", t / "super/libs/sub", "remote", "set-url", "origin", "git@github.com:acme/sub.git"});
  REQUIRE(fs::is_regular_file(t / "super/libs/sub/.git"));
  RepoResolver resolver;
  const RepoInfo& sub = resolver.resolve(t / "super/libs/sub");
  CHECK(sub.identity == "github.com/acme/sub");
  CHECK(sub.root == t / "super/libs/sub");
  const RepoInfo& super = resolver.resolve(t / "super/libs");
  CHECK(super.identity == "github.com/acme/super");
  CHECK(super.root == t / "super");
}

TEST_CASE("resolve falls back to the folder name for a .git file pointing nowhere", "[git]") {
  TempDir t;
  make_fake_repo(t / "outer", "[remote \"origin\"]\n\turl = https://github.com/acme/outer\n");
  write_file(t / "outer/broken/.git", "gitdir: /nonexistent/.git/worktrees/broken\n");
  write_file(t / "outer/garbled/.git", std::string("\x00\xff\x13gitdir", 9));
  write_file(t / "outer/empty/.git", "");
  RepoResolver resolver;
  const RepoInfo& broken = resolver.resolve(t / "outer/broken/src");
  CHECK(broken.identity == "local/broken");
  CHECK(broken.root == t / "outer/broken");
  CHECK(broken.in_repo);
  CHECK_FALSE(read_head_branch(broken.root).has_value());
  CHECK(resolver.resolve(t / "outer/garbled").identity == "local/garbled");
  CHECK(resolver.resolve(t / "outer/empty").identity == "local/empty");
}

TEST_CASE("resolve survives a garbage config", "[git]") {
  if (!git_available()) return;
  TempDir t;
  git_init_repo(t, t / "app");
  std::string garbage;
  for (int i = 0; i < 5000; ++i)
    garbage += static_cast<char>((i * 7919 + 13) % 256);
  write_file(t / "app/.git/config", garbage);
  make_fake_repo(t / "quote", "[remote \"origin\"]\n\turl = \"https://github.com/acme/q\n");
  make_fake_repo(t / "escape", "[remote \"origin\"]\n\turl = https://github.com/\\q\n");
  make_fake_repo(t / "header", "[remote \"origin\n\turl = https://github.com/acme/h\n");
  RepoResolver resolver;
  CHECK(resolver.resolve(t / "app").identity == "local/app");
  CHECK(resolver.resolve(t / "app").in_repo);
  CHECK(resolver.resolve(t / "quote").identity == "local/quote");
  CHECK(resolver.resolve(t / "escape").identity == "local/escape");
  CHECK(resolver.resolve(t / "header").identity == "local/header");
}

TEST_CASE("resolve keeps what precedes a syntax error in config", "[git]") {
  TempDir t;
  make_fake_repo(t / "app",
                 "[remote \"origin\"]\n\turl = https://github.com/acme/api\n"
                 "this line is % not valid\n[remote \"other\"]\n\turl = https://x/y\n");
  RepoResolver resolver;
  CHECK(resolver.resolve(t / "app").identity == "github.com/acme/api");
}

TEST_CASE("resolve parses config syntax the way git does", "[git]") {
  if (!git_available()) return;
  const std::vector<std::pair<std::string, std::string>> configs = {
      {"[Remote \"origin\"]\n\tURL = \"https://github.com/acme/quoted.git\" ; comment\n",
       "github.com/acme/quoted"},
      {"[remote \"origin\"]\n url = https://github.com/acme/\\\ncont.git\n",
       "github.com/acme/cont"},
      {"[remote.origin]\nurl=git@github.com:acme/legacy.git\n", "github.com/acme/legacy"},
      {"[remote \"origin\"] url = https://github.com/acme/oneline # trailing\n",
       "github.com/acme/oneline"},
      {"# [remote \"origin\"]\n;\turl = https://github.com/acme/commented\n"
       "[remote \"origin\"]\n\turl = https://github.com/acme/real\n",
       "github.com/acme/real"},
      {"\xEF\xBB\xBF[core]\r\n\tbare = false\r\n[remote \"origin\"]\r\n"
       "\turl = https://github.com/acme/crlf.git\r\n",
       "github.com/acme/crlf"},
      {"[remote \"origin\"]\n\turl = \"https://github.com/acme/\"\"esc\\\\aped\"\n",
       "github.com/acme/esc\\aped"},
      {"[remote \"origin\"]\n\turl = https://github.com/acme/first\n"
       "\turl = https://github.com/acme/second\n",
       "github.com/acme/first"},
      {"[remote \"o\\\"r\"]\n\turl = https://github.com/acme/escsub\n", "github.com/acme/escsub"},
  };
  TempDir t;
  int n = 0;
  for (const auto& [config, expected] : configs) {
    const std::string root = t / concat("r", std::to_string(n++));
    make_fake_repo(root, config);
    INFO(config);
    RepoResolver resolver;
    CHECK(resolver.resolve(root).identity == expected);
    // Cross-check the parser against git reading the same file.
    const std::string key =
        config.find("o\\\"r") != std::string::npos ? "remote.o\"r.url" : "remote.origin.url";
    CHECK(normalize_remote_url(git_config_get(t, root + "/.git/config", key)) == expected);
  }
}

TEST_CASE("resolve treats remote names case-sensitively", "[git]") {
  TempDir t;
  make_fake_repo(t / "app",
                 "[remote \"Origin\"]\n\turl = https://github.com/acme/capital\n"
                 "[remote \"origin\"]\n\turl = https://github.com/acme/lower\n");
  RepoResolver resolver;
  CHECK(resolver.resolve(t / "app").identity == "github.com/acme/lower");
}

TEST_CASE("resolve falls back when the remote URL cannot be normalized", "[git]") {
  TempDir t;
  make_fake_repo(t / "app", "[remote \"origin\"]\n\turl = ../s3cr3t-relative\n");
  RepoResolver resolver;
  CHECK(resolver.resolve(t / "app").identity == "local/app");
}

TEST_CASE("resolve copes with very long lines and oversized configs", "[git]") {
  TempDir t;
  make_fake_repo(t / "long",
                 concat("[core]\n\tx = ", std::string(1 << 20, 'x'),
                        "\n[remote \"origin\"]\n\turl = https://github.com/acme/long\n"));
  make_fake_repo(t / "huge", concat("[remote \"origin\"]\n\turl = https://github.com/acme/huge\n#",
                                    std::string(5 << 20, 'x'), "\n"));
  RepoResolver resolver;
  CHECK(resolver.resolve(t / "long").identity == "github.com/acme/long");
  CHECK(resolver.resolve(t / "huge").identity == "local/huge");
}

TEST_CASE("resolve is not trapped by symlink loops", "[git]") {
  TempDir t;
  fs::create_directory_symlink(t / "loop", t / "loop");
  make_fake_repo(t / "app", "[remote \"origin\"]\n\turl = https://github.com/acme/api\n");
  make_dirs(t / "app/sub");
  fs::create_symlink(t / "app/sub/.git", t / "app/sub/.git");  // .git -> itself
  fs::create_symlink("b", t / "app/a");
  fs::create_symlink("a", t / "app/b");
  RepoResolver resolver;
  CHECK(resolver.resolve(t / "app/sub").identity == "github.com/acme/api");
  CHECK(resolver.resolve(t / "app/a/x").identity == "github.com/acme/api");
  const RepoInfo& loop = resolver.resolve(t / "loop/x");
  if (!resolver.resolve(t.path()).in_repo) {
    CHECK(loop.identity == "local/x");
    CHECK_FALSE(loop.in_repo);
  }
}

TEST_CASE("resolve does not touch the file system for unusable cwds", "[git]") {
  RepoResolver resolver;
  CHECK(resolver.resolve("").identity == "local/unknown");
  CHECK(resolver.resolve("relative/dir").identity == "local/dir");
  CHECK_FALSE(resolver.resolve("relative/dir").in_repo);
  CHECK(resolver.resolve(std::string("/tmp/a\0/b", 9)).identity == "local/a");
  CHECK(resolver.resolve(std::string(300000, '/') + "deep").identity.starts_with("local/"));
  std::string long_cwd;
  for (int i = 0; i < 20000; ++i)
    long_cwd += "/component";
  CHECK(resolver.resolve(long_cwd).identity.starts_with("local/"));
  CHECK(resolver.resolve("/").root.empty() == !resolver.resolve("/").in_repo);
}

TEST_CASE("resolve caches per cwd and per repository root", "[git]") {
  TempDir t;
  make_fake_repo(t / "app", "[remote \"origin\"]\n\turl = https://github.com/acme/api\n");
  RepoResolver resolver;
  const RepoInfo& first = resolver.resolve(t / "app/a");
  CHECK(&first == &resolver.resolve(t / "app/a"));
  // The root's identity is read once per resolver (one scan).
  write_file(t / "app/.git/config", "[remote \"origin\"]\n\turl = https://github.com/acme/new\n");
  for (int i = 0; i < 100; ++i)
    resolver.resolve(t / concat("app/dir", std::to_string(i)));
  CHECK(resolver.resolve(t / "app/b").identity == "github.com/acme/api");
  CHECK(first.identity == "github.com/acme/api");
  RepoResolver fresh;
  CHECK(fresh.resolve(t / "app/b").identity == "github.com/acme/new");
}

TEST_CASE("resolve skips a .git folder that is not a repository", "[git]") {
  TempDir t;
  make_fake_repo(t / "app", "[remote \"origin\"]\n\turl = https://github.com/acme/api\n");
  make_dirs(t / "app/vendor/.git");  // empty: git itself keeps walking up
  write_file(t / "app/lookalike/.git/HEAD", "ref: refs/heads/main\n");  // no object store
  RepoResolver resolver;
  const RepoInfo& info = resolver.resolve(t / "app/vendor");
  CHECK(info.identity == "github.com/acme/api");
  CHECK(info.root == t / "app");
  CHECK(resolver.resolve(t / "app/lookalike").root == t / "app");
}

TEST_CASE("resolve does not read a project folder named by a .git pointer", "[git]") {
  TempDir t;
  // "docs" is ordinary project content that happens to hold HEAD and config.
  write_file(t / "app/docs/HEAD", "ref: refs/heads/main\n");
  write_file(t / "app/docs/config", "[remote \"origin\"]\n\turl = https://github.com/x/leak\n");
  write_file(t / "app/.git", "gitdir: docs\n");
  RepoResolver resolver;
  const RepoInfo& info = resolver.resolve(t / "app");
  CHECK(info.identity == "local/app");
  CHECK(info.root == t / "app");
}

// ---------------------------------------------------------------------------
// read_head_branch

TEST_CASE("read_head_branch reports the branch or nullopt when detached", "[git]") {
  if (!git_available()) return;
  TempDir t;
  git_init_repo(t, t / "app");
  git(t, {"-C", t / "app", "checkout", "-q", "-b", "feat/x-1"});
  CHECK(read_head_branch(t / "app") == std::optional<std::string>("feat/x-1"));
  git(t, {"-C", t / "app", "checkout", "-q", "--detach"});
  CHECK_FALSE(read_head_branch(t / "app").has_value());
  make_fake_repo(t / "reftable", "");
  write_file(t / "reftable/.git/HEAD", "ref: refs/heads/.invalid\n");
  CHECK_FALSE(read_head_branch(t / "reftable").has_value());
  make_fake_repo(t / "tag", "");
  write_file(t / "tag/.git/HEAD", "ref: refs/tags/v1\n");
  CHECK_FALSE(read_head_branch(t / "tag").has_value());
  CHECK_FALSE(read_head_branch(t / "nothing-here").has_value());
  CHECK_FALSE(read_head_branch("").has_value());
}

// ---------------------------------------------------------------------------
// read_git_user_email

TEST_CASE("read_git_user_email lets ~/.gitconfig override the XDG config", "[git]") {
  TempDir t;
  const std::string xdg = t / "xdg";
  CHECK_FALSE(read_git_user_email(t.path(), xdg).has_value());
  write_file(xdg + "/git/config", "[user]\n\temail = xdg@example.com\n");
  CHECK(read_git_user_email(t.path(), xdg) == std::optional<std::string>("xdg@example.com"));
  write_file(t / ".gitconfig", "[User]\n\tEmail = \"home@example.com\"\n");
  CHECK(read_git_user_email(t.path(), xdg) == std::optional<std::string>("home@example.com"));
  write_file(t / ".gitconfig", "[user]\n\tname = Someone\n");
  CHECK(read_git_user_email(t.path(), xdg) == std::optional<std::string>("xdg@example.com"));
  if (git_available()) {
    // A plain lookup (outside any repository) reads XDG then ~/.gitconfig, as
    // every git command does; "--global" in git < 2.46 reads only one of them.
    const RunResult r = run_git(GitEnv{t.path(), xdg}, {"-C", t.path(), "config", "user.email"});
    CHECK(r.output == "xdg@example.com\n");
  }
}

TEST_CASE("read_git_user_email uses ~/.config/git/config without XDG_CONFIG_HOME", "[git]") {
  TempDir t;
  write_file(t / ".config/git/config", "[user]\n\temail = dotconfig@example.com\n");
  write_file(t / "xdg/git/config", "[user]\n\temail = xdg@example.com\n");
  CHECK(read_git_user_email(t.path(), "") == std::optional<std::string>("dotconfig@example.com"));
  CHECK(read_git_user_email(t.path(), t / "xdg") == std::optional<std::string>("xdg@example.com"));
  CHECK(read_git_user_email(t.path(), "relative/xdg") ==
        std::optional<std::string>("dotconfig@example.com"));
}

TEST_CASE("read_git_user_email follows include.path in order", "[git]") {
  TempDir t;
  const std::string xdg = t / "xdg";
  // Relative to the including file's folder.
  write_file(xdg + "/git/config", "[include]\n\tpath = work.inc\n");
  write_file(xdg + "/git/work.inc", "[user]\n\temail = work@example.com\n");
  CHECK(read_git_user_email(t.path(), xdg) == std::optional<std::string>("work@example.com"));
  // "~/" expanded; an include after the own value wins, one before loses.
  write_file(t / ".gitconfig",
             "[user]\n\temail = own@example.com\n[include]\n\tpath = ~/conf/after.inc\n");
  write_file(t / "conf/after.inc", "[user]\n\temail = after@example.com\n");
  CHECK(read_git_user_email(t.path(), xdg) == std::optional<std::string>("after@example.com"));
  write_file(t / ".gitconfig",
             "[include]\n\tpath = ~/conf/after.inc\n[user]\n\temail = own@example.com\n");
  CHECK(read_git_user_email(t.path(), xdg) == std::optional<std::string>("own@example.com"));
  // Nested includes, an absolute path and a missing file.
  write_file(t / ".gitconfig",
             concat("[include]\n\tpath = /nonexistent/x\n\tpath = ", t / "conf/a.inc", "\n"));
  write_file(t / "conf/a.inc", "[include]\n\tpath = sub/b.inc\n");
  write_file(t / "conf/sub/b.inc", "[user]\n\temail = nested@example.com\n");
  CHECK(read_git_user_email(t.path(), xdg) == std::optional<std::string>("nested@example.com"));
  if (git_available()) {
    const RunResult r = run_git(GitEnv{t.path(), xdg}, {"-C", t.path(), "config", "user.email"});
    CHECK(r.output == "nested@example.com\n");
  }
}

TEST_CASE("read_git_user_email stops include cycles and deep chains", "[git]") {
  TempDir t;
  write_file(t / ".gitconfig",
             "[user]\n\temail = loop@example.com\n[include]\n\tpath = .gitconfig\n");
  CHECK(read_git_user_email(t.path(), "") == std::optional<std::string>("loop@example.com"));
  // A chain of 12 files; only the first 10 levels of includes are followed.
  write_file(t / ".gitconfig", "[include]\n\tpath = inc1\n");
  for (int i = 1; i <= 12; ++i) {
    write_file(t / concat("inc", std::to_string(i)),
               concat("[user]\n\temail = level", std::to_string(i),
                      "@example.com\n[include]\n\tpath = inc", std::to_string(i + 1), "\n"));
  }
  CHECK(read_git_user_email(t.path(), "") == std::optional<std::string>("level10@example.com"));
}

TEST_CASE("read_git_user_email ignores includeIf, empty values and garbage", "[git]") {
  TempDir t;
  write_file(t / ".gitconfig",
             "[user]\n\temail = base@example.com\n"
             "[includeIf \"gitdir:~/work/\"]\n\tpath = work.inc\n");
  write_file(t / "work.inc", "[user]\n\temail = work@example.com\n");
  CHECK(read_git_user_email(t.path(), "") == std::optional<std::string>("base@example.com"));
  write_file(t / ".gitconfig", "[user]\n\temail =\n");
  CHECK_FALSE(read_git_user_email(t.path(), "").has_value());
  write_file(t / ".gitconfig", "\x01\x02[user\n\temail = x@y\n");
  CHECK_FALSE(read_git_user_email(t.path(), "").has_value());
  CHECK_FALSE(read_git_user_email("", "").has_value());
  CHECK_FALSE(read_git_user_email("relative", "").has_value());
}

}  // namespace codepulse
