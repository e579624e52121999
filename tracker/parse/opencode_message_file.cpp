// OpenCode's legacy message files (opencode_message_file.hpp).
#include "tracker/parse/opencode_message_file.hpp"

#include "tracker/parse/opencode_database_index.hpp"
#include "tracker/parse/opencode_json.hpp"
#include "tracker/parse/opencode_requests.hpp"

namespace codepulse::tracker {

namespace {

constexpr std::string_view kMessages = "/storage/message/";

class OpenCodeMessageReader : public DocumentLogReader {
 public:
  LogLineResult parse_document(const std::string& path, std::string_view text, size_t,
                               std::vector<RequestLine>& out) override {
    opencode::MessageFields m;
    if (const char* broken = json_.message(text, m)) return {LogLineKind::kMalformed, broken};
    if (m.role != "assistant") return {};
    // The ids OpenCode's migration gives the database rows: the file's name
    // and its folder's.
    const size_t slash = path.rfind('/');
    const size_t folder =
        slash == std::string::npos ? std::string::npos : path.rfind('/', slash - 1);
    std::string id = path.substr(slash + 1);
    if (id.size() > 5 && id.ends_with(".json")) id.resize(id.size() - 5);
    if (id.empty()) id = m.id;
    opencode::SessionFacts session;
    session.root_id = m.session_id;
    if (folder != std::string::npos && folder < slash)
      session.root_id = path.substr(folder + 1, slash - folder - 1);
    const size_t base = path.rfind(kMessages);
    if (base != std::string::npos && databases_.has_message(path.substr(0, base), id))
      return {};  // the database's copy is read
    const size_t before = out.size();
    opencode::message_requests(id, m, session, {}, out);
    return {out.size() > before ? LogLineKind::kRequests : LogLineKind::kIgnored, {}};
  }

 private:
  opencode::JsonReader json_;
  opencode::DatabaseIndex databases_;
};

}  // namespace

std::unique_ptr<DocumentLogReader> make_opencode_message_reader() {
  return std::make_unique<OpenCodeMessageReader>();
}

}  // namespace codepulse::tracker
