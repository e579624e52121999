// The projects of the corpus: cwd, branch and language from the templates, the encoded
// directory under projects/, and the files the tools read and edit.
#include <algorithm>
#include <cctype>

#include "tests/corpus/gen_internal.hpp"
#include "tests/corpus/vocabulary.hpp"

namespace codepulse::bench::corpus {

void Gen::setup_projects() {
  const int n = std::max(1, opts_.projects);
  for (int i = 0; i < n; ++i) {
    const ProjectTemplate& t = kProjects[static_cast<size_t>(i) % kProjects.size()];
    Project p;
    p.cwd = t.cwd;
    if (i >= static_cast<int>(kProjects.size())) {
      p.cwd += "-" + itos(i / static_cast<int>(kProjects.size()) + 1);
    }
    p.branch = t.branch;
    p.ext = t.ext;
    // short name: last path component, made unique and ASCII
    std::string last = p.cwd.substr(p.cwd.rfind('/') + 1);
    for (char& ch : last) {
      if (static_cast<unsigned char>(ch) >= 0x80) ch = 'x';
    }
    p.short_name = last;
    // encoded directory name: every UTF-16 code unit that is not [A-Za-z0-9] becomes '-'
    std::string enc;
    for (size_t k = 0; k < p.cwd.size();) {
      const auto ch = static_cast<unsigned char>(p.cwd[k]);
      if (ch < 0x80) {
        enc += std::isalnum(ch) != 0 ? static_cast<char>(ch) : '-';
        ++k;
      } else {
        const size_t len = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : 2;
        enc += len == 4 ? "--" : "-";
        k += len;
      }
    }
    p.dir = projects_root_ / enc;
    fs::create_directories(p.dir);
    Rng r(hash2(opts_.seed, static_cast<uint64_t>(i) + 101));
    const int64_t n_files = r.range(15, 40);
    for (int64_t f = 0; f < n_files; ++f) {
      FileEntry fe;
      const std::string& mod = kModuleNames[r.below(kModuleNames.size())];
      switch (r.below(4)) {
        case 0:
          fe.rel = "src/" + p.short_name + "/" + mod + "." + p.ext;
          break;
        case 1:
          fe.rel = "lib/" + p.short_name + "_" + mod + "." + p.ext;
          break;
        case 2:
          fe.rel = "tests/" + p.short_name + "/test_" + mod + "." + p.ext;
          break;
        default:
          fe.rel = "docs/" + p.short_name + "-" + mod + ".md";
          break;
      }
      fe.lines = r.log_range(20, 3000);
      fe.seed = r.next();
      p.files.push_back(fe);
    }
    projects_.push_back(std::move(p));
  }
}

}  // namespace codepulse::bench::corpus
