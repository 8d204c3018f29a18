"""The audit log: who (a staff member, a kiosk device, or nobody yet: a failed login) did what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mpp.db.staff_tables import AuditRow


def record(
    session: Session,
    action: str,
    at: datetime,
    *,
    staff_id: int | None = None,
    device_id: int | None = None,
    mpp_code: str | None = None,
    ticket_id: int | None = None,
    detail: str | None = None,
) -> AuditRow:
    row = AuditRow(
        staff_id=staff_id,
        device_id=device_id,
        mpp_code=mpp_code,
        action=action[:32],
        ticket_id=ticket_id,
        detail=detail[:500] if detail else None,
        at=at,
    )
    session.add(row)
    session.flush()
    return row


def device_count(session: Session, device_id: int, actions: tuple[str, ...], since: datetime) -> int:
    """How many of these actions one device did since ``since`` (uses ix_audit_log_device)."""
    return int(
        session.execute(
            select(func.count()).where(
                AuditRow.device_id == device_id, AuditRow.action.in_(actions), AuditRow.at > since
            )
        ).scalar_one()
    )
