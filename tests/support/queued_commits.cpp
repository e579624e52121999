// queued_commits.hpp: read through the tracker's own CommitStore.
#include "tests/support/queued_commits.hpp"

#include <stdexcept>

#include "tracker/queue/commit_store.hpp"
#include "tracker/queue/local_store.hpp"

namespace codepulse::test {

std::map<std::string, std::pair<int64_t, int64_t>> queued_line_counts(const std::string& state,
                                                                      const std::string& sha) {
  auto store = tracker::LocalStore::open(state);
  if (!store) throw std::runtime_error(store.error().message);
  auto queued = tracker::CommitStore(store->database()).unshipped(1000);
  if (!queued) throw std::runtime_error(queued.error().message);
  std::map<std::string, std::pair<int64_t, int64_t>> out;
  for (const auto& q : *queued)
    if (q.commit.sha == sha)
      for (const CommitFile& f : q.commit.files)
        out[f.path] = {f.lines_added, f.ai_lines_added};
  return out;
}

}  // namespace codepulse::test
