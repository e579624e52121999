// The Debian packages: cpack builds them from this build tree; their
// fields, dependencies and contents are checked; the collector package is
// unpacked into a throwaway root and started from its unit's ExecStart line.
#include <catch2/catch.hpp>
#include <csignal>
#include <set>
#include <sstream>

#include "tests/support/collector_fixture.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse::test;

namespace {

bool have(const std::string& program) {
  return run({"sh", "-c", "command -v " + program}).exit_code == 0;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

// The Debian packages holding the shared libraries `binary` links.
std::set<std::string> linked_packages(const std::string& binary) {
  std::set<std::string> packages;
  std::istringstream in(run({"objdump", "-p", binary}).out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream w(line);
    std::string tag, lib;
    if (!(w >> tag >> lib) || tag != "NEEDED") continue;
    // This architecture's copy (libc6-i386 holds another libc.so.6).
    auto owner = run({"sh", "-c", "dpkg -S \"*/$(gcc -dumpmachine)/" + lib + "\" | head -1"});
    const std::string package = owner.out.substr(0, owner.out.find(':'));
    if (!package.empty()) packages.insert(package);
  }
  return packages;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("cpack makes Debian packages that install and start the collector",
          "[packaging][deb][release]") {
  if (!have("dpkg-deb") || !have("objdump") || !have("gcc") || !have(CODEPULSE_CPACK)) {
    CODEPULSE_SKIP(
        "dpkg-deb, objdump or cpack is not installed (apt-get install dpkg binutils cmake)");
  }
  TempDir dir;
  auto built = run({CODEPULSE_CPACK, "-G", "DEB", "-B", dir / "out", "--config",
                    std::string(CODEPULSE_BINARY_DIR) + "/CPackConfig.cmake"});
  INFO(built.out << built.err);
  REQUIRE(built.exit_code == 0);
  const std::string arch = trim(run({"dpkg", "--print-architecture"}).out);
  const std::string version = trim(run({tracker_bin(), "--version"}).out).substr(18);
  const std::string tracker_deb = dir / ("out/codepulse-tracker_" + version + "_" + arch + ".deb");
  const std::string collector_deb =
      dir / ("out/codepulse-collector_" + version + "_" + arch + ".deb");

  for (const auto& [deb, binary] :
       {std::pair{tracker_deb, tracker_bin()}, std::pair{collector_deb, collector_bin()}}) {
    INFO(deb);
    auto depends = run({"dpkg-deb", "--field", deb, "Depends"});
    REQUIRE(depends.exit_code == 0);
    // Every library the binary links comes from a package it depends on
    // (but a sanitizer build's runtimes, which no package ships with).
    for (const std::string& package : linked_packages(binary)) {
      INFO(package);
      if (package.rfind("libasan", 0) == 0 || package.rfind("libubsan", 0) == 0 ||
          package.rfind("liblsan", 0) == 0)
        continue;
      CHECK(depends.out.find(package) != std::string::npos);
    }
    CHECK(trim(run({"dpkg-deb", "--field", deb, "Version"}).out) == version);
  }
  CHECK(run({"dpkg-deb", "--field", tracker_deb, "Depends"}).out.find("libpq5") ==
        std::string::npos);
  CHECK(run({"dpkg-deb", "--field", collector_deb, "Depends"}).out.find("libpq5") !=
        std::string::npos);

  const std::string tracker_files = run({"dpkg-deb", "--contents", tracker_deb}).out;
  for (const char* path :
       {"./usr/bin/codepulse-tracker", "./usr/lib/systemd/user/codepulse-tracker.service",
        "./usr/share/codepulse/tracker.toml.example",
        "./usr/share/codepulse/tracker-logrotate.conf.example",
        "./usr/share/doc/codepulse-tracker/proto/README.md"})
    CHECK(tracker_files.find(path) != std::string::npos);
  const std::string collector_files = run({"dpkg-deb", "--contents", collector_deb}).out;
  for (const char* path :
       {"./usr/bin/codepulse-collector", "./usr/lib/systemd/system/codepulse-collector.service",
        "./etc/codepulse/collector.conf", "./etc/logrotate.d/codepulse-collector",
        "./usr/share/doc/codepulse-collector/OPERATIONS.md",
        "./usr/share/doc/codepulse-collector/proto/README.md"})
    CHECK(collector_files.find(path) != std::string::npos);
  CHECK(collector_files.find("-rwxr-xr-x root/root") != std::string::npos);

  // Maintainer scripts: the user, the folders, the configuration file kept on upgrade.
  REQUIRE(run({"dpkg-deb", "-e", collector_deb, dir / "control"}).exit_code == 0);
  const std::string postinst = read_file(dir / "control/postinst");
  CHECK(postinst.find("adduser --system --group") != std::string::npos);
  CHECK(postinst.find("-m 0750 /var/lib/codepulse") != std::string::npos);
  CHECK(run({"sh", "-n", dir / "control/postinst"}).exit_code == 0);
  CHECK(run({"sh", "-n", dir / "control/prerm"}).exit_code == 0);
  CHECK(run({"sh", "-n", dir / "control/postrm"}).exit_code == 0);
  CHECK(read_file(dir / "control/conffiles") ==
        "/etc/codepulse/collector.conf\n/etc/logrotate.d/codepulse-collector\n");
  // The tracker's postinst restarts running user services on an upgrade.
  REQUIRE(run({"dpkg-deb", "-e", tracker_deb, dir / "tracker-control"}).exit_code == 0);
  CHECK(run({"sh", "-n", dir / "tracker-control/postinst"}).exit_code == 0);

  // Unpack the collector and start it as its unit does, the paths moved into the root.
  const std::string root = dir / "root";
  REQUIRE(run({"dpkg-deb", "-x", collector_deb, root}).exit_code == 0);
  const std::string unit = read_file(root + "/usr/lib/systemd/system/codepulse-collector.service");
  CHECK(unit.find("User=codepulse") != std::string::npos);
  const auto start = unit.find("\nExecStart=");
  REQUIRE(start != std::string::npos);
  std::string exec = unit.substr(start + 11, unit.find('\n', start + 1) - start - 11);
  replace_all(exec, "/usr/bin/", root + "/usr/bin/");
  replace_all(exec, "/etc/codepulse/", root + "/etc/codepulse/");
  std::string conf = read_file(root + "/etc/codepulse/collector.conf");
  replace_all(conf, "\"/etc/codepulse/", "\"" + root + "/etc/codepulse/");
  replace_all(conf, "\"/var/lib/codepulse/", "\"" + root + "/var/lib/codepulse/");
  replace_all(conf, "0.0.0.0:8443", "127.0.0.1:0");
  write_file(root + "/etc/codepulse/collector.conf", conf);
  make_dirs(root + "/var/lib/codepulse");
  // What postinst does when no certificate is configured.
  REQUIRE(run({root + "/usr/bin/codepulse-collector", "cert", "create", "--dir",
               root + "/etc/codepulse/tls", "--host", "localhost", "--ip", "127.0.0.1"})
              .exit_code == 0);
  std::vector<std::string> argv;
  std::istringstream words(exec);
  for (std::string w; words >> w;)
    argv.push_back(w);
  REQUIRE(argv.size() == 4);  // codepulse-collector serve --config FILE
  Process serve(argv, {}, dir / "serve");
  const std::string marker = "listening on https://127.0.0.1:";
  REQUIRE(eventually(kPatienceMs, [&] {
    return serve.err().find(marker) != std::string::npos || !serve.running();
  }));
  INFO(serve.err());
  const auto at = serve.err().find(marker);
  REQUIRE(at != std::string::npos);
  const int port = std::atoi(serve.err().substr(at + marker.size(), 5).c_str());
  TlsClient client(port, root + "/etc/codepulse/tls/ca.pem");
  REQUIRE(client.send(http_request("GET", "/healthz", {}, "")));
  const std::string res = client.read_response(kPatienceMs);
  CHECK(status_of(res) == 200);
  CHECK(body_of(res).find("\"status\":\"ok\"") != std::string::npos);
  serve.signal(SIGTERM);
  CHECK(serve.wait(kPatienceMs) == 0);
  CHECK(run({"test", "-s", root + "/var/lib/codepulse/collector.db"}).exit_code == 0);
}
