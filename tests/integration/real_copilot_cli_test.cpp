// The real GitHub Copilot CLI (npm @github/copilot-linux-x64 1.0.102) as the
// log writer. Without GitHub sign-in it runs in its BYOK offline mode
// (COPILOT_OFFLINE=true, COPILOT_PROVIDER_TYPE=anthropic,
// COPILOT_PROVIDER_BASE_URL at the mock Messages API), in a temporary git
// repository, with its OpenTelemetry file export on and content capture on.
// codepulse-tracker's tokens for that export must equal what the mock served,
// the repository and files come from the session's workspace.yaml, and no
// prompt, answer or tool argument reaches the store.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/git_repo.hpp"
#include "tests/support/mock_messages_api.hpp"
#include "tests/support/report_rows.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

namespace {

const std::string kCanary = "CANARY_REALCOPILOT_5d1e";

MockResponse respond(MockBlock block, int64_t input, int64_t output, int64_t read, int64_t write) {
  MockResponse r;
  r.blocks.push_back(std::move(block));
  r.usage.input_tokens = input;
  r.usage.output_tokens = output;
  r.usage.cache_read_input_tokens = read;
  r.usage.cache_creation_input_tokens = write;
  return r;
}

}  // namespace

TEST_CASE("the real Copilot CLI's OpenTelemetry export: totals equal what the mock served",
          "[integration][copilot][real-copilot]") {
  const auto copilot = copilot_cli_bin();
  if (!copilot) CODEPULSE_SKIP("Copilot CLI not installed (packaging/install-peers.sh)");
  TempDir dir;
  const std::string home = dir / "home";
  make_dirs(home + "/tmp");
  GitRepoBuilder repo(dir / "widgets");
  repo.write("README.md", "hello\n");
  repo.commit("init", 0);
  repo.git({"remote", "add", "origin", "https://github.com/acme/widgets.git"});
  repo.git({"checkout", "-q", "-b", "feature/PROJ-12-otel"});
  MockMessagesApi mock({
      respond(MockBlock::tool_use("create", R"({"path":")" + repo.root() +
                                                R"(/src/new.txt","file_text":")" + kCanary +
                                                R"( body\n"})"),
              1000, 40, 200, 30),
      respond(MockBlock::tool_use("bash", R"({"command":"git add -A && git commit -q -m ')" +
                                              kCanary + R"( msg'","description":"commit"})"),
              1100, 50, 900, 0),
      respond(MockBlock::text_block(kCanary + " answer"), 1200, 60, 1000, 0),
  });
  const std::string exported = home + "/.copilot/otel/copilot-otel.jsonl";
  const char* path = std::getenv("PATH");
  auto r = run({"timeout",
                "300",
                "env",
                "-i",
                std::string("PATH=") + (path ? path : "/usr/bin:/bin"),
                "HOME=" + home,
                "TZ=UTC",
                "TMPDIR=" + home + "/tmp",
                "COPILOT_OFFLINE=true",
                "COPILOT_PROVIDER_TYPE=anthropic",
                "COPILOT_PROVIDER_BASE_URL=" + mock.base_url(),
                "COPILOT_PROVIDER_API_KEY=sk-ant-mock-key",
                "COPILOT_MODEL=claude-sonnet-4.5",
                "COPILOT_OTEL_FILE_EXPORTER_PATH=" + exported,
                "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true",
                "GIT_CONFIG_NOSYSTEM=1",
                "GIT_AUTHOR_NAME=Dev",
                "GIT_AUTHOR_EMAIL=dev@acme.example",
                "GIT_COMMITTER_NAME=Dev",
                "GIT_COMMITTER_EMAIL=dev@acme.example",
                "sh",
                "-c",
                "cd \"$0\" && exec \"$@\" < /dev/null",
                repo.root(),
                *copilot,
                "-p",
                kCanary + " create src/new.txt and commit it",
                "--allow-all-tools"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(mock.remaining() == 0);
  REQUIRE(mock.served().size() == 3);
  // The export holds the prompt and answers (content capture): the tracker's store must not.
  REQUIRE(read_file(exported).find(kCanary) != std::string::npos);

  const std::string state = dir / "state";
  REQUIRE(
      run({tracker_bin(), "scan", "--state", state, "--assistant", "copilot-cli"}, {"HOME=" + home})
          .exit_code == 0);
  const auto rows = tracker_report_rows(state, "assistant,model");
  check_report_row(rows, "copilot-cli|claude-sonnet-4.5", 3, 1000 + 1100 + 1200, 40 + 50 + 60, 30,
                   200 + 900 + 1000);
  CHECK(rows.size() == 1);
  CHECK(tracker_report_rows(state, "repo,task").count("github.com/acme/widgets|PROJ-12") == 1);
  auto files =
      run({tracker_bin(), "report", "--state", state, "--group-by", "file", "--format", "csv"});
  CHECK(files.out.find("src/new.txt") != std::string::npos);
  CHECK(folder_contents(state).find("CANARY") == std::string::npos);
  auto q = run({tracker_bin(), "queue", "show", "--state", state, "--json"});
  CHECK(q.out.find("CANARY") == std::string::npos);
}
