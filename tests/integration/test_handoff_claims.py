"""Two staff can never claim the same chat: many staff press "Ambil" on the same chats at the same moment."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from mpp.catalogue.store import save_catalogue
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.handoff_tables import HandoffRow
from mpp.db.queue_tables import NotificationRow
from mpp.db.uow import UnitOfWork
from mpp.handoff.model import HandoffError
from mpp.handoff.service import HandoffService
from mpp.privacy import Crypto, Keys
from mpp.staff.accounts import add_staff, member_of
from mpp.staff.roles import Role

CHATS, STAFF = 25, 6


def test_concurrent_claims_give_each_chat_to_exactly_one_staff_member(db_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with UnitOfWork(factory, write=True) as uow:
        save_catalogue(uow.session, demo)
        members = []
        for i in range(STAFF):
            role = Role.SUPERVISOR if i == 0 else Role.CLERK
            row = add_staff(
                uow.session,
                f"staf{i}",
                "kata-sandi-rahasia",
                f"Staf {i}",
                "kota_bogor",
                None if role is Role.SUPERVISOR else "disdukcapil",
                role=role,
            )
            uow.session.flush()
            members.append(member_of(row))
        uow.commit()
    now = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    service = HandoffService(factory, lambda: demo.catalogue, Crypto(Keys.generate()), lambda: now)
    service.seen(members[1])
    for i in range(CHATS):
        service.join(f"telegram:{i}", "kota_bogor", "disdukcapil", "kk", None)
    ids = [h.id for h in service.overview(members[1]).waiting]
    assert len(ids) == CHATS

    start = threading.Barrier(STAFF)
    wins: dict[int, list[int]] = {i: [] for i in ids}
    refusals: list[str] = []
    lock = threading.Lock()

    def press_everything(n: int) -> None:
        order = ids[:]
        random.Random(n).shuffle(order)
        start.wait()
        for handoff_id in order:
            try:
                claimed = service.claim(members[n], handoff_id, f"Staf {n}")
            except HandoffError as exc:
                with lock:
                    refusals.append(str(exc))
                continue
            with lock:
                wins[handoff_id].append(claimed.staff_id or 0)

    with ThreadPoolExecutor(STAFF) as pool:
        list(pool.map(press_everything, range(STAFF)))

    assert all(len(w) == 1 for w in wins.values()), wins
    assert len(refusals) == CHATS * (STAFF - 1)
    assert set(refusals) == {"Chat ini sudah diambil petugas lain."}
    with UnitOfWork(factory) as uow:
        holders = dict(uow.session.execute(select(HandoffRow.id, HandoffRow.staff_id)).all())
        notices = uow.session.execute(
            select(NotificationRow.chat_id, func.count())
            .where(NotificationRow.kind == "handoff_claimed")
            .group_by(NotificationRow.chat_id)
        ).all()
    assert holders == {i: w[0] for i, w in wins.items()}
    assert sorted(n for _, n in notices) == [1] * CHATS  # each citizen told once
    engine.dispose()
