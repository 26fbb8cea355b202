from __future__ import annotations

from fitclaim.web.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, email, password) for every demo sign-in, whether or not it is loaded."""
    return [(role, email, DEMO_PASSWORD) for role, email in DEMO_ACCOUNTS]
