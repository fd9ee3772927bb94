"""The environment of the processes leadwatch starts: only what they need.

The crawl job, the article worker, the fetch and check jobs read pages from the
internet; none of them sends mail or posts to webhooks, so none is given
``LEADWATCH_SMTP_PASSWORD``, a webhook's ``url_env`` secret or anything else of the
parent's environment that it does not use. What they get: the basics a Python process
needs (PATH, HOME, locale, time zone, temporary directory, the virtualenv), proxy
settings, the CA bundle, the non-secret ``LEADWATCH_*`` settings they read, and
PYTHONPATH set to where this process found our code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

# Exact names passed on when set.
PASSED = frozenset(
    {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TMPDIR",
        "VIRTUAL_ENV",
        "PYTHONHASHSEED",
        "PYTHONIOENCODING",
        "PYTHONUTF8",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONWARNINGS",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "http_proxy",
        "https_proxy",
        "no_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "ALL_PROXY",
        # leadwatch settings the children read (the database URL may hold a password,
        # but the crawl must reach the database; it never travels in argv, which any
        # user on the machine can read)
        "LEADWATCH_DATABASE_URL",
    }
)
PASSED_PREFIXES = ("LC_",)


def child_environment(
    extra: Mapping[str, str] | None = None, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment for a child process: the passed names of ``base`` (this
    process's environment), PYTHONPATH, then ``extra``."""
    source = os.environ if base is None else base
    env = {
        name: value
        for name, value in source.items()
        if name in PASSED or name.startswith(PASSED_PREFIXES)
    }
    # The child imports our code from where this process found it.
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    env.update(extra or {})
    return env
