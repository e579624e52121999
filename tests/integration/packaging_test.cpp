// The service definitions shipped in packaging/.
#include <catch2/catch.hpp>

#include "tests/support/collector_fixture.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

TEST_CASE("the systemd user unit passes systemd-analyze verify", "[packaging]") {
  if (run({"sh", "-c", "command -v systemd-analyze"}).exit_code != 0) {
    CODEPULSE_SKIP("systemd-analyze not installed (apt-get install systemd)");
  }
  TempDir dir;
  std::string unit = read_file(source_dir() + "/packaging/systemd/codepulse-tracker.service");
  REQUIRE(unit.find("ExecStart=/usr/bin/codepulse-tracker run") != std::string::npos);
  for (const char* limit : {"MemoryMax=", "CPUQuota=", "Nice="})
    CHECK(unit.find(limit) != std::string::npos);
  // A fresh user has no state folder yet: made first, and its absence is no error.
  CHECK(unit.find("\nReadWritePaths=-%h/.local/state/codepulse\n") != std::string::npos);
  CHECK(unit.find("\nExecStartPre=+/bin/mkdir -p -m 0700 %h/.local/state/codepulse\n") !=
        std::string::npos);
  CHECK(unit.find("\nExecReload=/bin/kill -HUP $MAINPID\n") != std::string::npos);
  // Verify against the binary just built (the installed path does not exist here).
  const std::string from = "/usr/bin/codepulse-tracker";
  unit.replace(unit.find(from), from.size(), tracker_bin());
  write_file(dir / "codepulse-tracker.service", unit);
  auto r = run({"systemd-analyze", "verify", dir / "codepulse-tracker.service"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  // The check can fail: a broken unit is reported.
  std::string broken = unit;
  broken.replace(broken.find("CPUQuota=20%"), 12, "CPUQuota=lots");
  write_file(dir / "broken.service", broken);
  CHECK_FALSE(run({"systemd-analyze", "verify", dir / "broken.service"}).err.empty());
}

TEST_CASE("the example configuration is valid and config show explains every key",
          "[packaging][config]") {
  TempDir dir;
  auto r = run({tracker_bin(), "config", "show", "--config",
                source_dir() + "/packaging/tracker.toml.example"},
               {"HOME=" + dir.path()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("debounce = ") != std::string::npos);
  CHECK(r.out.find("tracker.toml.example:") != std::string::npos);  // where values came from
  CHECK(r.out.find("from default") != std::string::npos);
  auto flag = run({tracker_bin(), "config", "show", "--debounce", "5s"}, {"HOME=" + dir.path()});
  CHECK(flag.out.find("from --debounce") != std::string::npos);
}

TEST_CASE("the collector's system unit passes systemd-analyze verify", "[packaging]") {
  if (run({"sh", "-c", "command -v systemd-analyze"}).exit_code != 0) {
    CODEPULSE_SKIP("systemd-analyze not installed (apt-get install systemd)");
  }
  TempDir dir;
  std::string unit = read_file(source_dir() + "/packaging/systemd/codepulse-collector.service");
  for (const char* line :
       {"User=codepulse",
        "ExecStart=/usr/bin/codepulse-collector serve --config "
        "/etc/codepulse/collector.conf",
        "ProtectSystem=strict", "ReadWritePaths=/var/lib/codepulse -/var/log/codepulse",
        "LogsDirectory=codepulse", "ExecReload=/bin/kill -HUP $MAINPID", "NoNewPrivileges=yes"})
    CHECK(unit.find(line) != std::string::npos);
  const std::string from = "/usr/bin/codepulse-collector";
  unit.replace(unit.find(from), from.size(), collector_bin());
  write_file(dir / "codepulse-collector.service", unit);
  auto r = run({"systemd-analyze", "verify", dir / "codepulse-collector.service"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
}
