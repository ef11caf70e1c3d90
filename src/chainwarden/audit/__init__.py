"""The record of every state change made by a person: who, when, what and why."""

from chainwarden.audit.models import AuditEvent
from chainwarden.audit.trail import events_for, record, visible_events

__all__ = ["AuditEvent", "events_for", "record", "visible_events"]
