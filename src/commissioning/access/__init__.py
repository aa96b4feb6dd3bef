"""Who may see and change what: the one access-control policy used by pages, API, exports and admin.

Everything goes through :mod:`commissioning.access.policy`: ``visible(user, Model)`` for reads,
``can_edit(user, obj)`` / ``editable(user, Model)`` for writes and ``hidden_fields(user, Model)``
for values a role may not see (contract values for viewers).
"""

from commissioning.access.policy import (
    Scope,
    can_edit,
    editable,
    hidden_fields,
    is_admin,
    redact,
    scope_of,
    visible,
    visible_or_404,
)

__all__ = [
    "Scope",
    "can_edit",
    "editable",
    "hidden_fields",
    "is_admin",
    "redact",
    "scope_of",
    "visible",
    "visible_or_404",
]
