"""The provider's publish path (Arts. 5, 8, 16, 18): the one place that composes identity,
screening, ledger, retention and supervision.

- ``publish.publish(session, user, service_id, text)`` → ``Outcome`` (published / held / blocked);
- ``review``: the provider's review queue (approve, reject, bulk, escalation);
- ``policy``: repeat-offender rules producing identity's user measures automatically;
- ``regulator_reports``: the provider's reports to the regulator of illegal content handled and
  measures taken;
- ``complaints``: complaints from the public, their resolution and deadlines.
"""

from chainwarden.gateway.errors import GatewayError

__all__ = ["GatewayError"]

from chainwarden.gateway.disposal_log import register as _register_disposal_log

_register_disposal_log()
