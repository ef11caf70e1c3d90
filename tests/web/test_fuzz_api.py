"""Schemathesis against the API's own OpenAPI document, in process: every operation, with the
token of each kind of person (none, provider admin, reviewer, provincial regulator, admin,
service user), a fixed number of generated requests each. Any 5xx fails."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from chainwarden.store import Database
from chainwarden.web.app import create_app

from support.api import auth, build_seed

# Per operation and generation mode (valid and invalid requests); each example is sent once per
# person below. Keeps the run near a minute and a half of one core.
EXAMPLES = 4
ROLES = ("bj_provider", "bj_reviewer", "bj_regulator", "admin")


@dataclass
class Fuzzed:
    client: TestClient
    people: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    import chainwarden.models  # noqa: F401

    seeded = build_seed(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    db = Database(f"sqlite:///{seeded.path}")
    with TestClient(create_app(db), raise_server_exceptions=False) as client:
        people = {"anonymous": {}} | {role: auth(seeded, role) for role in ROLES}
        user = client.post(
            f"/api/v1/services/{seeded.ids['bj_service']}/users",
            json={"nickname": "小王", "real_name": "王小明", "number": "11010519491231002X"},
            headers=auth(seeded, "bj_provider"),
        )
        assert user.status_code == 201, user.text
        people["service_user"] = {"Authorization": f"Bearer {user.json()['token']['token']}"}
        yield Fuzzed(client, people)
    db.dispose()


# The document needs no data: built from an app over an empty in-memory store, at collection.
schema = schemathesis.openapi.from_dict(create_app(Database("sqlite://"), upgrade=False).openapi())


@schema.parametrize()
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_person_meets_a_server_error(case, fuzzed: Fuzzed) -> None:
    for person, headers in fuzzed.people.items():
        kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
        # The test client keeps cookies itself and takes raw bytes as ``content``.
        kwargs.pop("cookies", None)
        if isinstance(kwargs.get("data"), bytes | str):
            kwargs["content"] = kwargs.pop("data")
        response = fuzzed.client.request(**kwargs)
        assert response.status_code < 500, (person, case.as_curl_command(), response.text[:500])
