// parse: OpenCode's legacy storage/message/<session>/<message>.json files
// (written before its SQLite database; its migration copies them into the
// database and leaves them). By message id the database wins: a file whose
// message a database beside it holds gives nothing.
#pragma once

#include <memory>

#include "tracker/parse/assistant_log.hpp"

namespace codepulse::tracker {

std::unique_ptr<DocumentLogReader> make_opencode_message_reader();

}  // namespace codepulse::tracker
