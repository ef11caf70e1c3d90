"""The navigation of the portal: one entry per page, shown to the roles that may use it.

A domain that adds a console page adds one line here (or calls :func:`add` from its page module):

    add("/console/complaints", N_("Complaints"), section="regulator", roles=REGULATORS)

The label is an English msgid, translated when the menu is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from chainwarden.accounts.access import Actor, Role
from chainwarden.web.i18n import N_

PROVIDER_STAFF = frozenset({Role.PROVIDER_ADMIN, Role.PROVIDER_REVIEWER})
PROVIDER_ADMINS = frozenset({Role.PROVIDER_ADMIN})
REGULATORS = frozenset({Role.REGULATOR, Role.ADMIN})
EVERYONE: frozenset[Role] = frozenset()

SECTIONS = {"public": N_("Public"), "provider": N_("Provider"), "regulator": N_("Regulator")}


@dataclass(frozen=True)
class NavEntry:
    path: str
    label: str
    section: str
    # Empty: shown to everyone, signed in or not.
    roles: frozenset[Role]
    order: int

    def shown_to(self, actor: Actor | None) -> bool:
        if not self.roles:
            return True
        return actor is not None and actor.role in self.roles


ENTRIES: list[NavEntry] = []


def add(
    path: str,
    label: str,
    *,
    section: str,
    roles: frozenset[Role] = EVERYONE,
    order: int = 100,
) -> NavEntry:
    if section not in SECTIONS:
        raise ValueError(f"unknown navigation section {section!r}")
    entry = NavEntry(path, label, section, roles, order)
    if all(e.path != path for e in ENTRIES):
        ENTRIES.append(entry)
    return entry


def entries_for(actor: Actor | None) -> list[NavEntry]:
    order = list(SECTIONS)
    shown = [e for e in ENTRIES if e.shown_to(actor)]
    return sorted(shown, key=lambda e: (order.index(e.section), e.order, e.path))


# The pages of the filing system. Later domains add theirs the same way.
add("/registry", N_("Registry"), section="public", order=10)
add("/complaints", N_("Complaints"), section="public", order=20)
add(
    "/console/organisation",
    N_("Organisation & services"),
    section="provider",
    roles=PROVIDER_STAFF,
    order=10,
)
add(
    "/console/filings",
    N_("Filings"),
    section="provider",
    roles=PROVIDER_STAFF | REGULATORS,
    order=20,
)
add(
    "/console/checks/respond",
    N_("Regular checks"),
    section="provider",
    roles=PROVIDER_STAFF,
    order=30,
)
add("/console/review", N_("Review queue"), section="regulator", roles=REGULATORS, order=10)
add("/console/checks", N_("Check campaigns"), section="regulator", roles=REGULATORS, order=20)
add("/console/posts", N_("Held posts"), section="provider", roles=PROVIDER_STAFF, order=40)
