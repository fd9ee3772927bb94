"""Remove the SMTP password, in every form a server might echo it, from text we keep.

A mail server that refuses a login may quote what it was sent in its reply ("535 bad
credentials for AGxlYWR3YXRjaABzM2NyZXQ="). Every reply, error and status line passes
through :func:`scrub` before it is logged, stored (``deliveries.error``) or printed.
"""

from __future__ import annotations

import base64

HIDDEN = "[hidden]"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def secret_forms(user: str, password: str) -> list[str]:
    """Every form of the credentials a reply could carry, longest first: the password;
    the AUTH PLAIN string ``\\0user\\0password`` (and ``user\\0user\\0password``) as sent
    in base64 and decoded; AUTH LOGIN's base64 user and base64 password; each base64
    form also without its ``=`` padding and as Python would escape it in a repr."""
    if not password:
        return []
    plain = [f"\0{user}\0{password}", f"{user}\0{user}\0{password}"]
    forms = {password, *plain, _b64(password), *(_b64(p) for p in plain)}
    if user:
        forms.add(_b64(user))
    forms |= {f.rstrip("=") for f in forms}
    forms |= {repr(f.encode("utf-8"))[2:-1] for f in forms}  # b'…' escaping of NUL, quotes
    return sorted((f for f in forms if f), key=len, reverse=True)


def scrub(text: str, user: str, password: str) -> str:
    """``text`` with every form of the credentials replaced by ``[hidden]``."""
    for form in secret_forms(user, password):
        text = text.replace(form, HIDDEN)
    return text
