// Sources::list on real folders: a folder's entries typed by the folder
// itself (no stat() for a folder, one by name for a file), links to folders
// not entered, links to files followed, and what each file's stat() found
// kept for the scan's "unchanged since its last read".
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/environment.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/discover/sources.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::TempDir;
using codepulse::test::write_file;

TEST_CASE("sources: a listing types entries, skips linked folders, keeps each file's stat",
          "[discover][codex]") {
  TempDir dir;
  const std::string codex = dir / "codex", day = codex + "/sessions/2026/12/01";
  write_file(day + "/rollout-2026-12-01T10-00-00-a.jsonl", std::string(100, 'a'));
  write_file(dir / "elsewhere/rollout-2026-12-01T11-00-00-b.jsonl", std::string(7, 'b'));
  write_file(dir / "hidden/2026/rollout-2026-12-01T12-00-00-c.jsonl", "c");
  // A link to a file is read; a link to a folder is not entered.
  std::filesystem::create_symlink(dir / "elsewhere/rollout-2026-12-01T11-00-00-b.jsonl",
                                  day + "/rollout-2026-12-01T11-00-00-b.jsonl");
  std::filesystem::create_symlink(dir / "hidden", codex + "/sessions/linked");

  Environment env;
  env.home = dir / "home";
  env.codex_home = codex;
  auto sources = Sources::find(env, {});
  REQUIRE(sources);
  std::vector<Problem> problems;
  const std::vector<SourceFile> files = sources->list(problems);
  CHECK(problems.empty());
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == day + "/rollout-2026-12-01T10-00-00-a.jsonl");
  CHECK(files[1].path == day + "/rollout-2026-12-01T11-00-00-b.jsonl");
  for (const SourceFile& f : files) {
    struct stat st {};
    REQUIRE(::stat(f.path.c_str(), &st) == 0);  // the link's target, as the scan reads it
    CHECK(f.format == LogFormat::kCodexRollout);
    CHECK(f.seen.dev == static_cast<int64_t>(st.st_dev));
    CHECK(f.seen.ino == static_cast<int64_t>(st.st_ino));
    CHECK(f.seen.size == static_cast<int64_t>(st.st_size));
    CHECK(f.seen.mtime_ns ==
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec);
  }
  CHECK(files[0].seen.size == 100);
  CHECK(files[1].seen.size == 7);
}
