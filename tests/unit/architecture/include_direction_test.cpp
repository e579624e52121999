// The dependency direction of docs/ARCHITECTURE.md, checked on the sources:
// every folder of common/, proto/, tracker/ and collector/ is a module with a
// rank; a file may include headers of its own module or of modules of a lower
// rank, never of a later step, and the two programs never include each other.
// A new folder must be given its place here (the test names it otherwise).
#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/test_support.hpp"

namespace {

struct Module {
  std::string_view prefix;  // folder (or file) relative to the source root
  int rank;
};

// Longest prefix wins. Modules of one rank may not include each other.
constexpr Module kModules[] = {
    {"common/", 0},
    {"common/report/", 1},
    {"proto/", 1},
    // The tracker, in data-flow order: discover -> watch -> tail -> parse ->
    // strip -> queue -> ship; git metadata beside parse; flow wires the steps,
    // daemon runs them, hook answers Claude Code's hooks, cli is the program.
    {"tracker/config/", 2},
    {"tracker/discover/", 2},
    {"tracker/watch/", 3},
    {"tracker/tail/", 3},
    {"tracker/parse/", 3},
    {"tracker/git/", 3},
    {"tracker/strip/", 4},
    {"tracker/queue/", 5},
    {"tracker/ship/", 6},
    {"tracker/enroll/", 7},
    {"tracker/flow/", 7},
    {"tracker/daemon/", 8},
    {"tracker/hook/", 8},
    {"tracker/cli/", 9},
    // The collector: store <- its backends; http <- ingest <- report <- alert <- serve <- cli;
    // providers (polled or imported usage and cost) beside ingest, on the store;
    // analytics (ClickHouse) beside the store's backends.
    {"collector/store/", 2},
    {"collector/store/sqlite/", 3},
    {"collector/store/postgres/", 3},
    {"collector/analytics/", 3},  // the ClickHouse analytics store, on the store
    {"collector/http/", 3},
    {"collector/ingest/", 4},
    {"collector/providers/", 4},
    {"collector/report/", 5},
    {"collector/dashboard/", 5},
    {"collector/alert/", 6},
    {"collector/serve/", 7},
    {"collector/cli/", 8},
    {"collector/main.cpp", 9},
};

std::optional<Module> module_of(std::string_view path) {
  std::optional<Module> best;
  for (const Module& m : kModules)
    if (path.starts_with(m.prefix) && (!best || m.prefix.size() > best->prefix.size())) best = m;
  return best;
}

std::string_view program_of(std::string_view path) {
  return path.substr(0, path.find('/'));
}

// The project headers a file includes ("dir/.../x.hpp").
std::vector<std::string> project_includes(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = text.find("#include \"", pos)) != std::string::npos) {
    const size_t open = pos + 10;
    const size_t close = text.find('"', open);
    if (close == std::string::npos) break;
    out.push_back(text.substr(open, close - open));
    pos = close;
  }
  return out;
}

struct Violation {
  std::string file, header, why;
};

std::vector<Violation> violations_in(const std::string& file, const std::string& text) {
  std::vector<Violation> out;
  const auto from = module_of(file);
  if (!from) {
    out.push_back({file, "", "its folder has no place in the module table"});
    return out;
  }
  for (const std::string& header : project_includes(text)) {
    const std::string_view program = program_of(header);
    if (program != "common" && program != "proto" && program != "tracker" &&
        program != "collector") {
      if (program == "tests" || program == "bench")
        out.push_back({file, header, "production code includes test or benchmark code"});
      continue;  // generated headers (e.g. common/version.hpp is "common/")
    }
    const auto to = module_of(header);
    if (!to) {
      out.push_back({file, header, "the header's folder has no place in the module table"});
      continue;
    }
    if (to->prefix == from->prefix) continue;
    const std::string_view from_program = program_of(file);
    if ((from_program == "tracker" && program == "collector") ||
        (from_program == "collector" && program == "tracker"))
      out.push_back({file, header, "the two programs include each other"});
    else if (to->rank >= from->rank)
      out.push_back({file, header,
                     "a step includes a later or parallel one (" + std::string(from->prefix) +
                         " rank " + std::to_string(from->rank) + " -> " + std::string(to->prefix) +
                         " rank " + std::to_string(to->rank) + ")"});
  }
  return out;
}

}  // namespace

TEST_CASE("no source file includes a later pipeline step or the other program", "[architecture]") {
  namespace fs = std::filesystem;
  const fs::path root = CODEPULSE_SOURCE_DIR;
  size_t files = 0;
  std::vector<Violation> found;
  for (const char* top : {"common", "proto", "tracker", "collector"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      const auto ext = entry.path().extension();
      if (ext != ".cpp" && ext != ".hpp") continue;
      const std::string rel = fs::relative(entry.path(), root).generic_string();
      if (rel.find("/node_modules/") != std::string::npos) continue;
      ++files;
      for (auto& v : violations_in(rel, codepulse::test::read_file(entry.path().string())))
        found.push_back(std::move(v));
    }
  }
  for (const Violation& v : found)
    UNSCOPED_INFO(v.file << " includes \"" << v.header << "\": " << v.why);
  CHECK(found.empty());
  CHECK(files > 150);
}

TEST_CASE("the include check catches a later step, the other program and an unknown folder",
          "[architecture]") {
  // Positive controls: the rule must fire on each kind of violation.
  CHECK(
      violations_in("tracker/parse/x.cpp", "#include \"tracker/queue/local_store.hpp\"\n").size() ==
      1);
  CHECK(violations_in("tracker/git/x.cpp", "#include \"tracker/parse/line_parser.hpp\"\n").size() ==
        1);  // parallel steps stay apart
  CHECK(violations_in("collector/serve/x.cpp", "#include \"tracker/cli/args.hpp\"\n").size() == 1);
  CHECK(violations_in("common/x.cpp", "#include \"collector/store/store.hpp\"\n").size() == 1);
  CHECK(violations_in("collector/ingest/x.cpp", "#include \"bench/x.hpp\"\n").size() == 1);
  CHECK(violations_in("tracker/newstep/x.cpp", "").size() == 1);
  // And stay quiet on what is allowed.
  CHECK(violations_in("tracker/ship/x.cpp",
                      "#include \"tracker/queue/local_store.hpp\"\n#include \"common/ascii.hpp\"\n"
                      "#include <string>\n#include \"tracker/ship/y.hpp\"\n")
            .empty());
  CHECK(violations_in("collector/serve/x.cpp", "#include \"collector/ingest/batch_endpoint.hpp\"\n")
            .empty());
}
