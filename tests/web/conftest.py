from __future__ import annotations

import pytest

from support.api import Seeded, build_seed, client_for


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    import chainwarden.models  # noqa: F401

    return build_seed(tmp_path_factory.mktemp("seed") / "seed.db")


@pytest.fixture
def client(seeded: Seeded, tmp_path):
    with client_for(seeded, tmp_path) as c:
        yield c
