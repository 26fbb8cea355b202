"""The coverage pages' and API operation's rows of the access matrix
(tests/test_access_matrix.py), as plain data for it to merge:

    from tests.coverage.access_rules import COVERAGE_API, COVERAGE_PAGES
    PAGE_RULES.update({name: rule(**spec) for name, spec in COVERAGE_PAGES.items()})
    API_RULES.update({key: rule(**spec) for key, spec in COVERAGE_API.items()})

The routes only name `client_id`, which the matrix already fills (Dana).
"""

from __future__ import annotations

from typing import Any

CLIENT_READ = {"admin", "billing", "trainer_assigned", "client_self"}
STAFF = {"admin", "billing", "trainer_assigned", "trainer_not_assigned"}
# Money waiting is a list of one's own organization: another organization's
# admin sees theirs (and nothing of Riverbend's).
ORG_LISTS = STAFF | {"other_org_admin"}

COVERAGE_PAGES: dict[str, dict[str, Any]] = {
    "coverage:client": {"allowed": CLIENT_READ},
    "coverage:waiting": {
        "allowed": ORG_LISTS,
        "hidden_text": "Reyes",
        "hidden_from": {"trainer_not_assigned", "other_org_admin"},
    },
}

COVERAGE_API: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/api/v1/clients/{client_id}/coverage"): {"allowed": CLIENT_READ},
}
