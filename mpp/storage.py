"""What the core expects of any storage: two kinds of failure a rule or an adapter must tell apart.

The SQL unit of work (``mpp.uow``) turns the database's own errors into these, so the
booking and queue rules never import SQLAlchemy and the in-memory unit of work can fail
the same way.
"""

from __future__ import annotations


class Conflict(Exception):
    """A concurrent change won (the same confirmation twice, one NIK from two chats): read again and decide."""


class Unavailable(Exception):
    """The database cannot be reached for a moment; nothing was half-written (one transaction)."""
