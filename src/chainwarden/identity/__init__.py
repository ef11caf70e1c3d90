"""Real-name verification of service users (Art. 8), service agreements (Art. 7) and user
measures (Art. 16).

The publish path asks ``users.require_can_publish``; measures are taken with
``measures.apply_measure``. Identity numbers are stored only as ciphertexts, keyed hashes and
masked forms.
"""

from chainwarden.identity.errors import IdentityError
from chainwarden.identity.numbers import CheckedNumber, NumberKind, NumberRejected, check, mask

__all__ = ["CheckedNumber", "IdentityError", "NumberKind", "NumberRejected", "check", "mask"]
