"""Well-known credential stores: files whose whole point is a secret.

They are refused wherever an entry comes from (manifest, folder, whole-repository pack,
a symlink's target), unless the user names the file on the command line (-f PATH).
Matched on the path as written and on where it really points.
"""

from __future__ import annotations

import os
import re

_NAMES = {".netrc", "_netrc", ".pgpass", ".git-credentials", ".bash_history", ".zsh_history", ".sh_history",
          ".histfile", ".python_history", ".psql_history", ".mysql_history", ".node_repl_history",
          ".rediscli_history", ".sqlite_history", "application_default_credentials.json",
          "access_tokens.db", ".vault-token"}
_SSH_KEY = re.compile(r"id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?(?:-cert)?\Z")
_SUFFIXES = (".aws/credentials", ".aws/sso/cache", ".docker/config.json", ".kube/config",
             ".config/gcloud/credentials.db", ".config/gcloud/legacy_credentials", ".azure/accessTokens.json",
             ".azure/msal_token_cache.json", ".config/gh/hosts.yml", ".gnupg/private-keys-v1.d",
             ".password-store", ".ssh/identity", ".terraform.d/credentials.tfrc.json", ".cargo/credentials",
             ".cargo/credentials.toml", ".config/hub", ".m2/settings-security.xml")
_ABSOLUTE = ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/ssh/ssh_host_")


def is_credential_store(path: str) -> bool:
    """True when ``path`` (written form or real path) names a well-known credential store."""
    norm = path.replace("\\", "/")
    name = norm.rstrip("/").rsplit("/", 1)[-1]
    if name in _NAMES or (_SSH_KEY.match(name) and not name.endswith(".pub")):
        return True
    if any(norm.startswith(p) and not norm.endswith(".pub") for p in _ABSOLUTE):
        return True
    padded = "/" + norm.lstrip("/")
    return any(f"/{s}" in padded and (padded.endswith(f"/{s}") or f"/{s}/" in padded) for s in _SUFFIXES)


def store_of(written: str, absolute: str) -> str | None:
    """The credential store this entry reaches (as written, or through symlinks), or None."""
    for candidate in (written, absolute, os.path.realpath(absolute)):
        if is_credential_store(candidate):
            return candidate
    return None
