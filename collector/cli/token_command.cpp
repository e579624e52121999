// codepulse-collector token create | list | revoke: API tokens for trackers,
// viewers and admins. A token is printed once, at creation; the store keeps
// only its hash, so `list` can never show one.
#include <sys/stat.h>

#include <charconv>
#include <cstdio>

#include "collector/cli/cli_audit.hpp"
#include "collector/cli/cli_table.hpp"
#include "collector/cli/commands.hpp"
#include "collector/store/store.hpp"
#include "common/cli/args.hpp"
#include "common/json_writer.hpp"
#include "common/time.hpp"
#include "common/tls/pki.hpp"

namespace codepulse::collector {
namespace {

const char* kTokenUsage =
    "Usage: codepulse-collector token create --db PATH --author EMAIL [--role ROLE] [--label "
    "TEXT]\n"
    "       codepulse-collector token list --db PATH [--json]\n"
    "       codepulse-collector token revoke --db PATH --id N\n"
    "\n"
    "API tokens. A tracker token writes records for its author only; viewer and admin\n"
    "tokens are for reports and administration; a scim token is for an identity\n"
    "provider's SCIM provisioning (docs/SCIM.md) and opens nothing else. 'create'\n"
    "prints the new token once, as the last line of its output; the database keeps\n"
    "only a SHA-256 hash of it.\n"
    "\n"
    "Run 'codepulse-collector token SUBCOMMAND --help' for its options.";

const FlagSpec kDb{"db", true, false,
                   "the collector's database: a SQLite file, or postgresql://USER@HOST:PORT/DB",
                   "PATH|URI"};
const FlagSpec kHelp{"help", false, false, "show this help", "VALUE"};
const FlagSpec kVersion{"version", false, false, "print the version", "VALUE"};

// Parses argv; on --help/--version or an error, `exit_code` is set.
std::optional<Args> parse(const std::vector<std::string>& argv, const std::vector<FlagSpec>& specs,
                          const std::string& usage, int& exit_code) {
  auto args = Args::parse(argv, specs);
  if (!args) {
    exit_code = fail(args.error().message, kExitUsage);
    return std::nullopt;
  }
  if (args->has("help")) {
    std::puts(format_help(usage, specs).c_str());
    exit_code = kExitOk;
    return std::nullopt;
  }
  if (args->has("version")) {
    exit_code = print_version();
    return std::nullopt;
  }
  if (!args->positional().empty()) {
    exit_code =
        fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
    return std::nullopt;
  }
  if (!args->get("db")) {
    exit_code = fail("--db PATH is required (see --help)", kExitUsage);
    return std::nullopt;
  }
  return std::move(args).value();
}

// list and revoke need an existing database; only create makes one.
Result<std::unique_ptr<Store>> open_existing(const std::string& db) {
  struct stat st {};
  if (!is_postgres_uri(db) && ::stat(db.c_str(), &st) != 0)
    return make_error("no database at " + db);
  return open_store(db);
}

std::string revoked_text(const TokenInfo& t) {
  return t.revoked_ms ? format_iso8601_utc_ms(*t.revoked_ms) : "-";
}

int token_create(const std::vector<std::string>& argv) {
  const std::vector<FlagSpec> specs = {
      kDb,
      {"author", true, false, "whose records the token writes (an email address)", "EMAIL"},
      {"role", true, false,
       "tracker (default), viewer, admin, or scim (an identity provider's SCIM provisioning "
       "only; --author names the provider, e.g. okta)",
       "ROLE"},
      {"label", true, false, "a note shown by 'token list', e.g. the machine", "TEXT"},
      {"url", true, false,
       "the collector's URL as trackers reach it: also print the tracker's enrol command", "URL"},
      {"ca-file", true, false,
       "with --url: the CA certificate (PEM) that signed the collector's; its SHA-256 goes "
       "into the enrol command (omit for a CA trackers already trust)",
       "FILE"},
      kHelp,
      kVersion};
  int code = kExitOk;
  auto args = parse(argv, specs,
                    "Usage: codepulse-collector token create --db PATH --author EMAIL [OPTIONS]\n\n"
                    "Creates a token and prints it once, as the last line. With --url (tracker\n"
                    "tokens) it first prints the one-line 'codepulse-tracker enroll' command that\n"
                    "configures a developer's tracker: URL, CA fingerprint and token.",
                    code);
  if (!args) return code;
  const std::string author = args->get("author").value_or("");
  if (author.empty()) return fail("--author EMAIL is required (see --help)", kExitUsage);
  const auto role = parse_role(args->get("role").value_or("tracker"));
  if (!role || *role == Role::kFinance)
    return fail("--role must be tracker, viewer, admin or scim", kExitUsage);
  const std::string label = args->get("label").value_or("");
  const auto url = args->get("url");
  if (args->has("ca-file") && !url) return fail("--ca-file needs --url (see --help)", kExitUsage);
  if (url && *role != Role::kTracker)
    return fail("--url is for tracker tokens: drop it or use --role tracker", kExitUsage);
  if (url && (url->rfind("https://", 0) != 0 || url->find_first_of(" '\"") != std::string::npos))
    return fail("--url must be the collector's https://HOST[:PORT]", kExitUsage);
  std::string enrol;
  if (url) {
    enrol = "codepulse-tracker enroll --collector " + *url;
    if (auto ca = args->get("ca-file")) {
      auto fp = tls::certificate_sha256(*ca);
      if (!fp) return fail(fp.error().message + " (give the CA's PEM file with --ca-file)");
      enrol += " --ca-sha256 " + *fp;
    }
  }

  auto store = open_store(*args->get("db"));
  if (!store) return fail(store.error().message);
  auto token = (*store)->create_token(author, *role, label);
  if (!token) return fail(token.error().message);
  audit_cli(**store, "token.create", author,
            std::string("a ") + role_name(*role) + " token" +
                (label.empty() ? "" : " labelled '" + label + "'"));
  const std::string note = label.empty() ? "" : " (" + label + ")";
  if (!enrol.empty())
    std::printf(
        "On the developer's machine, this one line configures the tracker:\n%s --token %s\n",
        enrol.c_str(), token->c_str());
  std::printf("Created a %s token for %s%s. It is shown only now; store it safely:\n",
              role_name(*role), author.c_str(), note.c_str());
  std::printf("%s\n", token->c_str());
  return kExitOk;
}

int token_list(const std::vector<std::string>& argv) {
  const std::vector<FlagSpec> specs = {
      kDb, {"json", false, false, "print one JSON object", "VALUE"}, kHelp, kVersion};
  int code = kExitOk;
  auto args = parse(argv, specs,
                    "Usage: codepulse-collector token list --db PATH [--json]\n\n"
                    "Lists tokens (id, author, role, created, revoked, label), never a token.",
                    code);
  if (!args) return code;
  auto store = open_existing(*args->get("db"));
  if (!store) return fail(store.error().message);
  auto tokens = (*store)->list_tokens();
  if (!tokens) return fail(tokens.error().message);

  if (args->has("json")) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("tokens").begin_array();
    for (const TokenInfo& t : *tokens) {
      w.begin_object()
          .field("id", t.id)
          .field("author", t.author)
          .field("role", role_name(t.role))
          .field("created", format_iso8601_utc_ms(t.created_ms));
      w.key("revoked");
      if (t.revoked_ms)
        w.value(format_iso8601_utc_ms(*t.revoked_ms));
      else
        w.null();
      w.field("label", t.label).end_object();
    }
    w.end_array().end_object();
    std::puts(out.c_str());
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"ID", "AUTHOR", "ROLE", "CREATED", "REVOKED", "LABEL"}};
  for (const TokenInfo& t : *tokens)
    rows.push_back({std::to_string(t.id), t.author, role_name(t.role),
                    format_iso8601_utc_ms(t.created_ms), revoked_text(t), t.label});
  std::fputs(render_text_table(rows).c_str(), stdout);
  if (tokens->empty()) std::puts("(no tokens)");
  return kExitOk;
}

int token_revoke(const std::vector<std::string>& argv) {
  const std::vector<FlagSpec> specs = {
      kDb, {"id", true, false, "the token's id, from 'token list'", "N"}, kHelp, kVersion};
  int code = kExitOk;
  auto args = parse(argv, specs,
                    "Usage: codepulse-collector token revoke --db PATH --id N\n\n"
                    "Revokes a token: requests with it are refused from now on.",
                    code);
  if (!args) return code;
  const std::string id_text = args->get("id").value_or("");
  int64_t id = 0;
  const char* end = id_text.data() + id_text.size();
  if (id_text.empty() || std::from_chars(id_text.data(), end, id).ptr != end || id < 1)
    return fail("--id N is required: a positive token id (see 'token list')", kExitUsage);
  auto store = open_existing(*args->get("db"));
  if (!store) return fail(store.error().message);
  if (auto s = (*store)->revoke_token(id); !s) return fail(s.error().message);
  audit_cli(**store, "token.revoke", "token " + std::to_string(id), "revoked");
  std::printf("Revoked token %lld.\n", static_cast<long long>(id));
  return kExitOk;
}

}  // namespace

int run_token_command(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub.empty() || sub == "--help" || sub == "help") {
    std::puts(kTokenUsage);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  if (sub == "--version") return print_version();
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "create") return token_create(rest);
  if (sub == "list") return token_list(rest);
  if (sub == "revoke") return token_revoke(rest);
  return fail("unknown token command '" + sub + "' (use create, list or revoke)", kExitUsage);
}

}  // namespace codepulse::collector
