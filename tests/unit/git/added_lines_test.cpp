// The added lines of a `git diff-tree -p --unified=0` patch, fingerprinted
// per file as they stream past (docs/PROVENANCE.md): hunks, renames, binary
// files, skipped files, quoted names, lines git cut.
#include "tracker/git/added_lines.hpp"

#include <catch2/catch.hpp>

using namespace codepulse;
using namespace codepulse::tracker;

namespace {

const std::string kKey(32, '\x33');

AddedLinePrints read_patch(const std::vector<std::string>& lines,
                           std::vector<std::string> skipped = {}) {
  LineFingerprinter fp(kKey);
  AddedLineReader reader(fp, std::move(skipped));
  for (const std::string& l : lines)
    REQUIRE(reader.feed(l, false));
  return reader.take();
}

int64_t print(const std::string& line) {
  LineFingerprinter fp(kKey);
  return *fp.fingerprint(line);
}

}  // namespace

TEST_CASE("the added lines of each file are fingerprinted, removed and trivial lines are not",
          "[provenance]") {
  const auto got = read_patch({
      "diff --git a/src/app.py b/src/app.py",
      "index 1111111..2222222 100644",
      "--- a/src/app.py",
      "+++ b/src/app.py",
      "@@ -2,1 +2,3 @@ def main():",
      "-    old = 1",
      "+    new = 2",
      "+",
      "+++counter",  // an added line that starts with "++"
      "@@ -9,0 +11,1 @@",
      "+}",
      "\\ No newline at end of file",
      "diff --git a/docs/logo.png b/docs/logo.png",
      "new file mode 100644",
      "index 0000000..3333333",
      "Binary files /dev/null and b/docs/logo.png differ",
      "diff --git a/gone.txt b/gone.txt",
      "deleted file mode 100644",
      "--- a/gone.txt",
      "+++ /dev/null",
      "@@ -1,1 +0,0 @@",
      "-bye",
      "diff --git a/old name.txt b/new name.txt",
      "similarity index 80%",
      "rename from old name.txt",
      "rename to new name.txt",
      "--- a/old name.txt",
      "+++ b/new name.txt",
      "@@ -3,0 +4,1 @@",
      "+added after the rename",
      "diff --git \"a/tab\\there.txt\" \"b/tab\\there.txt\"",
      "--- \"a/tab\\there.txt\"",
      "+++ \"b/tab\\there.txt\"",
      "@@ -0,0 +1,1 @@",
      "+quoted",
      // git writes a tab after a name holding a space.
      "diff --git a/with space.txt b/with space.txt",
      "--- a/with space.txt\t",
      "+++ b/with space.txt\t",
      "@@ -1,0 +2,1 @@",
      "+spaced",
  });
  REQUIRE(got.size() == 4);
  CHECK(got.at("with space.txt") == std::vector<int64_t>{print("spaced")});
  CHECK(got.at("src/app.py") == std::vector<int64_t>{print("new = 2"), print("++counter")});
  CHECK(got.at("new name.txt") == std::vector<int64_t>{print("added after the rename")});
  CHECK(got.at("tab\there.txt") == std::vector<int64_t>{print("quoted")});
}

TEST_CASE("a skipped file and a line git cut are not fingerprinted", "[provenance]") {
  LineFingerprinter fp(kKey);
  AddedLineReader reader(fp, {"generated.js"});
  for (const char* l :
       {"diff --git a/generated.js b/generated.js", "--- a/generated.js", "+++ b/generated.js",
        "@@ -0,0 +1,2 @@", "+var a = 1;", "+var b = 2;", "diff --git a/app.js b/app.js",
        "--- a/app.js", "+++ b/app.js", "@@ -0,0 +1,2 @@"})
    REQUIRE(reader.feed(l, false));
  REQUIRE(reader.feed("+a very long line whose end git cut", true));
  REQUIRE(reader.feed("+kept();", false));
  const auto got = reader.take();
  CHECK(got.count("generated.js") == 0);
  CHECK(got.at("app.js") == std::vector<int64_t>{print("kept();")});
}

TEST_CASE("a merge, a commit over the line cap and a commit of binaries only are not scored",
          "[provenance]") {
  AddedLineLimits limits;
  limits.max_commit_lines = 100;
  CommitRecord c;
  c.parents = {"a"};
  c.files = {{"a.txt", 60, 0, false}, {"b.bin", 0, 0, true}};
  CHECK(scores_commit(c, limits));
  c.files.push_back({"c.txt", 41, 0, false});
  CHECK_FALSE(scores_commit(c, limits));  // 101 lines
  c.files.pop_back();
  c.parents = {"a", "b"};
  CHECK_FALSE(scores_commit(c, limits));
  c.parents = {};
  CHECK(scores_commit(c, limits));  // a root commit
  c.files = {{"b.bin", 0, 0, true}};
  CHECK_FALSE(scores_commit(c, limits));
}
