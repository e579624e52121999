// Every command and subcommand of both programs answers --help and
// --version, and a bad command line is one line on stderr and exit code 2;
// `serve --help` lists every endpoint of the server's route table.
#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include "collector/serve/routes.hpp"
#include "common/version.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

namespace {

struct Program {
  std::string bin, name;
  std::vector<std::vector<std::string>> commands;
};

std::vector<Program> programs() {
  return {{tracker_bin(),
           "codepulse-tracker",
           {{"scan"},
            {"run"},
            {"status"},
            {"report"},
            {"queue"},
            {"queue", "show"},
            {"queue", "export"},
            {"queue", "decode"},
            {"queue", "quarantine"},
            {"queue", "release"},
            {"flush"},
            {"doctor"},
            {"config"},
            {"config", "show"},
            {"enroll"},
            {"hook"},
            {"hook", "install"},
            {"hook", "uninstall"}}},
          {collector_bin(),
           "codepulse-collector",
           {{"serve"},
            {"report"},
            {"leverage"},
            {"backup"},
            {"restored"},
            {"cert"},
            {"cert", "create"},
            {"cert", "fingerprint"},
            {"token"},
            {"token", "create"},
            {"token", "list"},
            {"token", "revoke"},
            {"prices"},
            {"prices", "list"},
            {"prices", "show"},
            {"prices", "history"},
            {"prices", "unpriced"},
            {"prices", "import"},
            {"prices", "override"},
            {"prices", "override", "add"},
            {"prices", "override", "remove"},
            {"seats"},
            {"seats", "add"},
            {"seats", "list"},
            {"seats", "end"},
            {"seats", "remove"},
            {"statement"},
            {"export"},
            {"export", "focus"},
            {"reconcile"},
            {"import-usage"},
            {"alerts"},
            {"alerts", "list"},
            {"alerts", "test"},
            {"budgets"},
            {"budgets", "add"},
            {"budgets", "list"},
            {"budgets", "remove"},
            {"budgets", "status"},
            {"budgets", "override"},
            {"people"},
            {"people", "import"},
            {"people", "list"},
            {"people", "show"},
            {"people", "unmapped"},
            {"people", "levels"},
            {"audit"},
            {"audit", "list"},
            {"audit", "export"},
            {"waste"},
            {"anomalies"},
            {"hotspots"},
            {"digest"},
            {"digest", "show"},
            {"deployments"},
            {"deployments", "list"},
            {"deployments", "stats"},
            {"deployments", "bugs"},
            {"tasks"},
            {"tasks", "classes"}}}};
}

std::vector<std::string> with(std::vector<std::string> words, const std::string& last) {
  words.push_back(last);
  return words;
}

// The first word of each line of the top-level "Commands:" section.
std::vector<std::string> listed_commands(const std::string& help) {
  std::vector<std::string> out;
  std::istringstream in(help);
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "Commands:") {
      inside = true;
      continue;
    }
    if (inside && line.empty()) break;
    if (inside) {
      std::istringstream w(line);
      std::string word;
      w >> word;
      out.push_back(word);
    }
  }
  return out;
}

// The subcommands a command's usage lines name: "<program> <command> SUB ...".
std::vector<std::string> usage_subcommands(const std::string& help, const std::string& program,
                                           const std::string& command) {
  std::vector<std::string> out;
  std::istringstream in(help);
  const std::string prefix = program + " " + command + " ";
  for (std::string line; std::getline(in, line) && !line.empty();) {
    const auto at = line.find(prefix);
    if (at == std::string::npos) continue;
    std::istringstream w(line.substr(at + prefix.size()));
    std::string word;
    w >> word;
    if (!word.empty() &&
        std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
      out.push_back(word);
  }
  return out;
}

bool is_walked(const Program& p, const std::vector<std::string>& command) {
  return std::find(p.commands.begin(), p.commands.end(), command) != p.commands.end();
}

}  // namespace

TEST_CASE("every command and subcommand answers --help and --version", "[cli][help]") {
  TempDir home;
  const std::vector<std::string> env = {"HOME=" + home.path()};
  for (const Program& p : programs()) {
    auto top = run({p.bin, "--help"}, env);
    REQUIRE(top.exit_code == 0);
    // Every command the top-level help lists is walked below.
    for (const std::string& listed : listed_commands(top.out)) {
      bool walked = false;
      for (const auto& c : p.commands)
        walked = walked || c[0] == listed;
      INFO(p.name << " " << listed);
      CHECK(walked);
    }
    CHECK(run({p.bin, "--version"}, env).out == p.name + " " + codepulse::kVersion + "\n");
    for (const auto& command : p.commands) {
      std::string shown = p.name;
      for (const auto& w : command)
        shown += " " + w;
      INFO(shown);
      std::vector<std::string> argv = {p.bin};
      argv.insert(argv.end(), command.begin(), command.end());
      auto help = run(with(argv, "--help"), env);
      CHECK(help.exit_code == 0);
      CHECK(help.out.find("Usage: ") != std::string::npos);
      CHECK(help.err.empty());
      // Every subcommand its usage names is walked too.
      if (command.size() == 1) {
        for (const std::string& sub : usage_subcommands(help.out, p.name, command[0])) {
          INFO("subcommand " << sub);
          CHECK(is_walked(p, {command[0], sub}));
        }
      }
      auto version = run(with(argv, "--version"), env);
      CHECK(version.exit_code == 0);
      CHECK(version.out == p.name + " " + codepulse::kVersion + "\n");
      // An unknown flag: one line on stderr that names it, exit code 2.
      auto bad = run(with(argv, "--no-such-flag"), env);
      CHECK(bad.exit_code == 2);
      CHECK(bad.err.rfind(p.name + ": ", 0) == 0);
      CHECK(bad.err.find("no-such-flag") != std::string::npos);
      CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
    }
  }
}

TEST_CASE("serve --help lists every endpoint of the route table", "[cli][help][routes]") {
  TempDir home;
  auto help = run({collector_bin(), "serve", "--help"}, {"HOME=" + home.path()});
  REQUIRE(help.exit_code == 0);
  const auto& routes = codepulse::collector::collector_router().routes();
  CHECK(help.out.find(codepulse::collector::render_routes(routes)) != std::string::npos);
  for (const auto& r : routes) {
    INFO(r.method << " " << r.path);
    CHECK(help.out.find(" " + std::string(r.method) + " ") != std::string::npos);
    CHECK(help.out.find(" " + std::string(r.path)) != std::string::npos);
    CHECK(help.out.find(std::string(r.summary)) != std::string::npos);
  }
}
