// The packages' maintainer scripts and logrotate rule, run where no systemd
// runs: postinst and prerm in a throwaway root, with adduser, getent,
// install's owners, loginctl and systemctl replaced by stubs that record
// what they were asked.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/support/collector_fixture.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// A throwaway root: the scripts with their paths moved into it, and stubs
// first on PATH. systemctl answers is-active and is-enabled from the files
// `active` and `enabled`.
struct FakeRoot {
  TempDir dir;
  std::string root = dir / "root";
  std::string calls = dir / "calls";

  FakeRoot() {
    make_dirs(root + "/etc/codepulse");
    write_file(root + "/etc/codepulse/collector.conf", "log_level = \"info\"\n");
    stub("getent",
         "[ \"$2\" = 1000 ] && { echo 'dev:x:1000:1000::/home/dev:/bin/sh'; exit 0; }; exit 2");
    // adduser 3.134 warns when --no-create-home names a folder that does not exist.
    stub("adduser",
         "echo \"adduser $*\" >>" + calls +
             "\nwhile [ $# -gt 0 ]; do [ \"$1\" = --home ] && home=\"$2\"; shift; done\n"
             "[ -d \"$home\" ] || echo \"Warning: The home dir $home you specified can't be "
             "accessed: No such file or directory\" >&2");
    stub("install",
         "args=''; while [ $# -gt 0 ]; do case \"$1\" in -o|-g) shift 2;; *) args=\"$args "
         "$1\"; shift;; esac; done\nexec /usr/bin/install $args");
    stub("chgrp", "echo \"chgrp $*\" >>" + calls);
    stub("chown", "echo \"chown $*\" >>" + calls);
    stub("hostname", "echo build-host.example");
    stub("loginctl", "echo '1000 dev'");
    stub("systemctl", "echo \"systemctl $*\" >>" + calls + "\ncase \"$*\" in *is-active*) [ -e " +
                          dir / "active" + " ];; *is-enabled*) [ -e " + dir / "enabled" +
                          " ];; esac");
  }
  void stub(const std::string& name, const std::string& body) {
    write_file(dir / ("bin/" + name), "#!/bin/sh\n" + body + "\n");
    ::chmod((dir / ("bin/" + name)).c_str(), 0755);
  }
  void systemd_running() { make_dirs(root + "/run/systemd/system"); }
  // Runs packaging/deb/<script> with `args`.
  CommandResult run_script(const std::string& script, const std::vector<std::string>& args) {
    std::string text = read_file(source_dir() + "/packaging/deb/" + script);
    for (const char* path :
         {"/var/lib/codepulse", "/var/log/codepulse", "/etc/codepulse", "/run/systemd/system"})
      replace_all(text, path, root + path);
    replace_all(text, "/usr/bin/codepulse-collector", collector_bin());
    write_file(dir / "script", text);
    write_file(calls, "");
    std::vector<std::string> argv = {"sh", dir / "script"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {"PATH=" + dir / "bin" + ":/usr/bin:/bin"});
  }
  std::string called() const { return read_file(calls); }
};

int mode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

}  // namespace

TEST_CASE("the collector's postinst without systemd makes the user quietly and says what to do",
          "[packaging][deb][scripts]") {
  FakeRoot f;
  auto r = f.run_script("collector/postinst", {"configure", ""});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("can't be accessed") == std::string::npos);  // home made before the user
  CHECK(f.called().find("adduser --system --group --home " + f.root + "/var/lib/codepulse") !=
        std::string::npos);
  CHECK(mode_of(f.root + "/var/lib/codepulse") == 0750);
  CHECK(mode_of(f.root + "/var/log/codepulse") == 0750);
  CHECK(mode_of(f.root + "/etc/codepulse/tls") == 0700);
  CHECK(r.out.find("made a local CA and a certificate for build-host.example") !=
        std::string::npos);
  CHECK(r.out.find("systemd is not running here, so the service was not started") !=
        std::string::npos);
  CHECK(r.out.find("su -s /bin/sh codepulse -c '" + collector_bin() + " serve --config " + f.root +
                   "/etc/codepulse/collector.conf'") != std::string::npos);
  CHECK(f.called().find("systemctl") == std::string::npos);
}

TEST_CASE("the collector's postinst starts a first install and restarts an upgraded service",
          "[packaging][deb][scripts]") {
  FakeRoot f;
  f.systemd_running();
  auto first = f.run_script("collector/postinst", {"configure", ""});
  REQUIRE(first.exit_code == 0);
  CHECK(f.called().find("systemctl enable codepulse-collector.service") != std::string::npos);
  CHECK(f.called().find("systemctl start codepulse-collector.service") != std::string::npos);
  CHECK(f.called().find("restart") == std::string::npos);
  CHECK(first.out.find("systemd is not running") == std::string::npos);

  // An upgrade (or a reinstall of the same version) of a running service restarts it.
  write_file(f.dir / "active", "");
  auto upgrade = f.run_script("collector/postinst", {"configure", "0.1.0"});
  REQUIRE(upgrade.exit_code == 0);
  CHECK(f.called().find("systemctl restart codepulse-collector.service") != std::string::npos);
  CHECK(f.called().find("systemctl enable") == std::string::npos);
  CHECK(upgrade.out.find("restarted codepulse-collector.service") != std::string::npos);

  // A service the administrator stopped and disabled stays so.
  REQUIRE(::unlink((f.dir / "active").c_str()) == 0);
  auto quiet = f.run_script("collector/postinst", {"configure", "0.1.0"});
  REQUIRE(quiet.exit_code == 0);
  CHECK(f.called().find("restart") == std::string::npos);
  CHECK(f.called().find("systemctl start") == std::string::npos);
}

TEST_CASE("the collector's prerm keeps the service running through an upgrade",
          "[packaging][deb][scripts]") {
  FakeRoot f;
  f.systemd_running();
  REQUIRE(f.run_script("collector/prerm", {"upgrade", "0.1.1"}).exit_code == 0);
  CHECK(f.called().empty());
  REQUIRE(f.run_script("collector/prerm", {"remove"}).exit_code == 0);
  CHECK(f.called().find("systemctl stop codepulse-collector.service") != std::string::npos);
  CHECK(f.called().find("systemctl disable codepulse-collector.service") != std::string::npos);
}

TEST_CASE("the tracker's postinst restarts each user's running service on an upgrade",
          "[packaging][deb][scripts]") {
  FakeRoot f;
  auto without = f.run_script("tracker/postinst", {"configure", "0.1.0"});
  REQUIRE(without.exit_code == 0);
  CHECK(without.out.find("systemd is not running here") != std::string::npos);
  f.systemd_running();
  write_file(f.dir / "active", "");
  auto upgrade = f.run_script("tracker/postinst", {"configure", "0.1.0"});
  INFO(upgrade.out << upgrade.err);
  REQUIRE(upgrade.exit_code == 0);
  CHECK(f.called().find("systemctl --user --machine=dev@ restart codepulse-tracker.service") !=
        std::string::npos);
  CHECK(upgrade.out.find("restarted codepulse-tracker.service for dev") != std::string::npos);
  // A first install has no service to restart.
  REQUIRE(f.run_script("tracker/postinst", {"configure", ""}).exit_code == 0);
  CHECK(f.called().empty());
}

TEST_CASE("the logrotate rule renames the collector's log and sends SIGHUP",
          "[packaging][deb][logrotate]") {
  const std::string rule = read_file(source_dir() + "/packaging/logrotate/codepulse-collector");
  for (const char* line : {"/var/log/codepulse/*.log {", "su codepulse codepulse", "nocreate",
                           "delaycompress", "postrotate",
                           "systemctl kill --kill-whom=main --signal=HUP "
                           "codepulse-collector.service"})
    CHECK(rule.find(line) != std::string::npos);
  // The postrotate script is valid shell.
  const auto a = rule.find("postrotate") + 10, b = rule.find("endscript");
  TempDir dir;
  write_file(dir / "postrotate.sh", rule.substr(a, b - a));
  CHECK(run({"sh", "-n", dir / "postrotate.sh"}).exit_code == 0);
  const std::string user =
      read_file(source_dir() + "/packaging/logrotate/codepulse-tracker.example");
  CHECK(user.find("--signal=HUP codepulse-tracker.service") != std::string::npos);
}
