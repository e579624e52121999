// Repository identities from remote URLs ("https://user@github.com/acme/api.git"
// -> "github.com/acme/api"), and the "local/<folder>" identity used without one.
#pragma once

#include <string>
#include <string_view>

namespace codepulse {

// Normalizes a remote URL to "host/path": no scheme, user, password, port,
// query, fragment, trailing ".git" or "/". The host is lowercased, the path
// keeps its case. Understood forms:
//   scheme://[user[:password]@]host[:port]/path    (https, ssh, git, ...)
//   [user@]host:path                                (scp-like ssh)
//   file:///abs/path and /abs/path                  -> "file/abs/path"
//   Azure DevOps: https://dev.azure.com/org/proj/_git/repo,
//     https://org.visualstudio.com/[DefaultCollection/]proj/_git/repo,
//     git@ssh.dev.azure.com:v3/org/proj/repo and
//     org@vs-ssh.visualstudio.com:v3/org/proj/repo  -> "dev.azure.com/org/proj/repo"
// Scrubbing rule: anything else (relative paths, remote-helper syntax such as
// "codecommit::...", control characters, an '@' left in the path, a bad port or
// host) is not guessed at: the result is the EMPTY string and the caller must
// fall back to a local identity. The raw URL, which may carry credentials, is
// never returned.
std::string normalize_remote_url(std::string_view url);

// "local/<folder_name>", or "local/unknown" for an empty name.
std::string local_identity(std::string_view folder_name);

}  // namespace codepulse
