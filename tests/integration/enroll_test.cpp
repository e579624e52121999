// Enrolment: `token create --url --ca-file` prints one line; pasted on a
// developer's machine (a fresh HOME), it configures the tracker, which then
// passes doctor and ships to the collector.
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include "tests/support/collector_fixture.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

namespace {

// The printed line that starts with "codepulse-tracker enroll", split at spaces.
std::vector<std::string> enrol_line(const std::string& out) {
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("codepulse-tracker enroll ", 0) != 0) continue;
    std::vector<std::string> words;
    std::istringstream w(line);
    for (std::string word; w >> word;)
      words.push_back(word);
    words[0] = tracker_bin();
    return words;
  }
  return {};
}

int mode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
}

std::string one_request() {
  AssistantSpec s;
  s.message_id = "m1";
  s.request_id = "req_m1";
  s.timestamp = "2026-02-01T10:00:00.000Z";
  s.uuid = "u-m1";
  return assistant_line(s) + "\n";
}

}  // namespace

TEST_CASE("the enrol line from token create configures a tracker that ships", "[enroll]") {
  TempDir dir;
  CollectorFixture c(dir.path());
  c.start();
  auto created = run({collector_bin(), "token", "create", "--db", c.db(), "--author",
                      "dev@example.org", "--url", c.url(), "--ca-file", c.ca()});
  INFO(created.err);
  REQUIRE(created.exit_code == 0);
  auto line = enrol_line(created.out);
  REQUIRE(line.size() == 8);  // enroll --collector URL --ca-sha256 HEX --token TOKEN
  CHECK(line[3] == c.url());
  // The token is still the last line of the output.
  std::string out = created.out;
  out.pop_back();
  CHECK(out.substr(out.rfind('\n') + 1) == line[7]);

  const TempDir home;
  const std::vector<std::string> env = {
      "HOME=" + home.path(), "XDG_CONFIG_HOME=" + home / ".config",
      "XDG_STATE_HOME=" + home / ".state", "CLAUDE_CONFIG_DIR=" + home / ".claude"};
  write_file(home / ".claude/projects/p/s.jsonl", one_request());
  auto enrolled = run(line, env);
  INFO(enrolled.err);
  REQUIRE(enrolled.exit_code == 0);
  CHECK(enrolled.out.find("records are stored for dev@example.org") != std::string::npos);
  CHECK(mode_of(home / ".config/codepulse/token") == 0600);
  CHECK(read_file(home / ".config/codepulse/token") == line[7] + "\n");
  CHECK(read_file(home / ".config/codepulse/collector-ca.pem") == read_file(c.ca()));
  const std::string config = read_file(home / ".config/codepulse/tracker.toml");
  CHECK(config.find("collector = \"" + c.url() + "\"") != std::string::npos);
  // The token's author becomes the tracker's identity for the git scan.
  CHECK(config.find("author = \"dev@example.org\"") != std::string::npos);
  CHECK(enrolled.out.find("as configured before") == std::string::npos);

  auto doctor = run({tracker_bin(), "doctor", "--author", "dev@example.org"}, env);
  INFO(doctor.out << doctor.err);
  CHECK(doctor.exit_code == 0);
  REQUIRE(run({tracker_bin(), "scan", "--author", "dev@example.org"}, env).exit_code == 0);
  auto flushed = run({tracker_bin(), "flush"}, env);
  INFO(flushed.err);
  CHECK(flushed.exit_code == 0);
  CHECK(c.record_count() == 1);

  // Enrolling again (a new token, read from stdin) keeps the other keys of the file.
  append_file(home / ".config/codepulse/tracker.toml", "log_level = \"debug\"\n");
  const std::string token2 = c.token_of(c.token_file("dev@example.org"));
  auto again = run({"sh", "-c", "printf '%s\\n' \"$T\" | \"$@\"", "sh", line[0], line[1], line[2],
                    line[3], line[4], line[5], "--token", "-"},
                   {env[0], env[1], env[2], env[3], "T=" + token2});
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(read_file(home / ".config/codepulse/token") == token2 + "\n");
  const std::string config2 = read_file(home / ".config/codepulse/tracker.toml");
  CHECK(config2.find("log_level = \"debug\"") != std::string::npos);
  CHECK(config2.find("collector = ") == config2.rfind("collector = "));
  CHECK(config2.find("author = ") == config2.rfind("author = "));

  // An author configured by hand stays, and enroll says it is not the token's.
  std::string edited = config2;
  edited.replace(edited.find("author = \"dev@example.org\""), 26, "author = \"me@home.example\"");
  write_file(home / ".config/codepulse/tracker.toml", edited);
  auto third = run({"sh", "-c", "printf '%s\\n' \"$T\" | \"$@\"", "sh", line[0], line[1], line[2],
                    line[3], line[4], line[5], "--token", "-"},
                   {env[0], env[1], env[2], env[3], "T=" + token2});
  INFO(third.out << third.err);
  CHECK(third.exit_code == 0);
  CHECK(third.out.find("me@home.example, as configured before") != std::string::npos);
  CHECK(read_file(home / ".config/codepulse/tracker.toml").find("author = \"me@home.example\"") !=
        std::string::npos);
  c.stop();
}

TEST_CASE("enroll refuses a CA whose fingerprint is not the one given", "[enroll]") {
  TempDir dir;
  CollectorFixture c(dir.path());
  c.start();
  const TempDir home;
  auto r = run({tracker_bin(), "enroll", "--collector", c.url(), "--ca-sha256",
                std::string(64, 'a'), "--token", "cpt_x"},
               {"HOME=" + home.path(), "XDG_CONFIG_HOME=" + home / ".config"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("ask the collector's administrator") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(mode_of(home / ".config/codepulse/token") == -1);  // nothing written
  // The right CA, a token the collector does not know: refused, nothing written.
  auto fp = run({collector_bin(), "cert", "fingerprint", c.ca()});
  auto unknown = run({tracker_bin(), "enroll", "--collector", c.url(), "--ca-sha256",
                      fp.out.substr(0, 64), "--token", "cpt_unknown"},
                     {"HOME=" + home.path(), "XDG_CONFIG_HOME=" + home / ".config"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("refused the token (HTTP 401)") != std::string::npos);
  CHECK(mode_of(home / ".config/codepulse/token") == -1);
  auto bad = run({tracker_bin(), "enroll", "--collector", "http://x", "--token", "t"},
                 {"HOME=" + home.path()});
  CHECK(bad.exit_code == 2);
  c.stop();
}
