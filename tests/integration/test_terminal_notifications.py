"""The terminal client shows messages pushed to its console chat (the notifier writes them to the database)."""

from __future__ import annotations


def test_pushed_notifications_show_in_the_chat_once(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timezone

    import mpp.wiring
    from bot.terminal import Notifications
    from mpp.config import Settings
    from mpp.db.queue_tables import ConsoleMessageRow
    from mpp.wiring import Core, upgrade_database

    url = f"sqlite:///{tmp_path / 'mpp.db'}"
    upgrade_database(url)
    core = Core(Settings(database_url=url, catalogue_dir=tmp_path, catalogue_refresh_seconds=5))
    monkeypatch.setattr(mpp.wiring, "_core", core)
    with core.uow(write=True) as uow:
        uow.session.add(
            ConsoleMessageRow(
                chat_id="console:budi",
                text="Nomor antrean A-004 tinggal 3 nomor lagi",
                created_at=datetime.now(timezone.utc),
                delivered=False,
            )
        )
        uow.session.add(
            ConsoleMessageRow(
                chat_id="console:lain", text="bukan untuk Budi", created_at=datetime.now(timezone.utc), delivered=False
            )
        )
        uow.commit()
    shown: list[str] = []
    notes = Notifications("console:budi", shown.append)
    assert notes.poll_once() == 1 and notes.poll_once() == 0
    assert shown == ["\n🔔 Nomor antrean A-004 tinggal 3 nomor lagi\n"]
