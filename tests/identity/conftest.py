"""Fixtures for identity tests."""

from __future__ import annotations

import pytest

from support.identity_world import IdentityWorld, make_identity_world


@pytest.fixture
def iw(db) -> IdentityWorld:
    with db.session() as s:
        return make_identity_world(s)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory):
    import chainwarden.models  # noqa: F401

    from support.api import build_seed

    return build_seed(tmp_path_factory.mktemp("seed") / "seed.db")


@pytest.fixture
def client(seeded, tmp_path):
    from support.api import client_for

    with client_for(seeded, tmp_path) as c:
        yield c
