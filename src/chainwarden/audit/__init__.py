"""The record of every state change made by a person: who, when, what and why. The trail knows
an actor only by plain fields; which events an account may read is ``accounts.trail``."""

from chainwarden.audit.models import AuditEvent
from chainwarden.audit.trail import ActorFields, events_for, record

__all__ = ["ActorFields", "AuditEvent", "events_for", "record"]
