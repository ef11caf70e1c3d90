from __future__ import annotations

import pytest

from support.gateway import GatewayWorld, make_gateway_world


@pytest.fixture
def gw(db) -> GatewayWorld:
    with db.session() as s:
        return make_gateway_world(s)
