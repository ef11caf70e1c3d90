"""The retention tests' world: two providers with logs, and the people who act on them."""

from __future__ import annotations

from dataclasses import dataclass

from chainwarden.accounts import Actor
from chainwarden.store import Database


@dataclass
class Logs:
    db: Database
    beijing: str
    shanghai: str
    bj_admin: Actor
    bj_reviewer: Actor
    sh_admin: Actor
    bj_regulator: Actor
    sh_regulator: Actor
    cac: Actor
