"""dashboard rollup of closed days (kept by triggers) and the MPP of a recorded turn

Revision ID: 0008p
Revises: 0007c
Create Date: 2026-12-03 21:20:00

``dashboard_day`` holds what one closed day contributes to the dashboard's figures
(``mpp.dashboard.rollup``): tickets, bookings and survey answers of the day, and notifications.
Triggers delete a day's rows when a row of that day is written (a ticket's or booking's day, old
and new; a survey's served day; a notification: one day either side of its creation, whatever the zone),
and every notification row when something a notification is traced through (its booking, ticket or
handoff) is deleted or changes MPP, agency or service. ``nlu_turn.mpp_code``: the conversation's MPP
when it had one, so an MPP's administrator sees that MPP's unanswered messages.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0008p"
down_revision: Union[str, Sequence[str], None] = "0007c"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FORGET_NOTES = "DELETE FROM dashboard_day WHERE kind = 'notifications'"

PG = [
    """
CREATE FUNCTION dashboard_forget_ticket() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM dashboard_day WHERE kind = 'tickets' AND day = OLD.day;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.day <> OLD.day) THEN
    DELETE FROM dashboard_day WHERE kind = 'tickets' AND day = NEW.day;
  END IF;
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (NEW.mpp_code <> OLD.mpp_code OR NEW.agency_code <> OLD.agency_code)) THEN
    DELETE FROM dashboard_day WHERE kind = 'notifications';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    """
CREATE FUNCTION dashboard_forget_notification() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM dashboard_day WHERE kind = 'notifications'
      AND day BETWEEN CAST(timezone('UTC', OLD.created_at) AS date) - 1 AND CAST(timezone('UTC', OLD.created_at) AS date) + 1;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    DELETE FROM dashboard_day WHERE kind = 'notifications'
      AND day BETWEEN CAST(timezone('UTC', NEW.created_at) AS date) - 1 AND CAST(timezone('UTC', NEW.created_at) AS date) + 1;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    """
CREATE FUNCTION dashboard_forget_booking_day() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM dashboard_day WHERE kind = 'tickets' AND day = OLD.day;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    DELETE FROM dashboard_day WHERE kind = 'tickets' AND day = NEW.day;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    """
CREATE FUNCTION dashboard_forget_survey_day() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM dashboard_day WHERE kind = 'tickets' AND day = OLD.served_day;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    DELETE FROM dashboard_day WHERE kind = 'tickets' AND day = NEW.served_day;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    f"CREATE FUNCTION dashboard_forget_notifications() RETURNS trigger AS $$ BEGIN {FORGET_NOTES}; RETURN NULL; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER dashboard_ticket AFTER INSERT OR UPDATE OR DELETE ON ticket FOR EACH ROW EXECUTE FUNCTION dashboard_forget_ticket()",
    "CREATE TRIGGER dashboard_notification AFTER INSERT OR UPDATE OR DELETE ON notification FOR EACH ROW EXECUTE FUNCTION dashboard_forget_notification()",
    "CREATE TRIGGER dashboard_booking_day AFTER INSERT OR UPDATE OR DELETE ON booking FOR EACH ROW EXECUTE FUNCTION dashboard_forget_booking_day()",
    "CREATE TRIGGER dashboard_survey_day AFTER INSERT OR UPDATE OR DELETE ON survey FOR EACH ROW EXECUTE FUNCTION dashboard_forget_survey_day()",
    "CREATE TRIGGER dashboard_booking AFTER DELETE OR UPDATE OF mpp_code, service_code ON booking FOR EACH STATEMENT EXECUTE FUNCTION dashboard_forget_notifications()",
    "CREATE TRIGGER dashboard_handoff AFTER DELETE OR UPDATE OF mpp_code, agency_code ON handoff FOR EACH STATEMENT EXECUTE FUNCTION dashboard_forget_notifications()",
]

_NOTE_DAYS = "day BETWEEN date({row}.created_at, '-1 day') AND date({row}.created_at, '+1 day')"
SQLITE = [
    "CREATE TRIGGER dashboard_ticket_ins AFTER INSERT ON ticket BEGIN "
    "DELETE FROM dashboard_day WHERE kind = 'tickets' AND day = NEW.day; END",
    "CREATE TRIGGER dashboard_ticket_upd AFTER UPDATE ON ticket BEGIN "
    "DELETE FROM dashboard_day WHERE kind = 'tickets' AND day IN (OLD.day, NEW.day); "
    "DELETE FROM dashboard_day WHERE kind = 'notifications' "
    "AND (NEW.mpp_code <> OLD.mpp_code OR NEW.agency_code <> OLD.agency_code); END",
    "CREATE TRIGGER dashboard_ticket_del AFTER DELETE ON ticket BEGIN "
    f"DELETE FROM dashboard_day WHERE kind = 'tickets' AND day = OLD.day; {FORGET_NOTES}; END",
    "CREATE TRIGGER dashboard_notification_ins AFTER INSERT ON notification BEGIN "
    f"DELETE FROM dashboard_day WHERE kind = 'notifications' AND {_NOTE_DAYS.format(row='NEW')}; END",
    "CREATE TRIGGER dashboard_notification_upd AFTER UPDATE ON notification BEGIN "
    f"DELETE FROM dashboard_day WHERE kind = 'notifications' AND ({_NOTE_DAYS.format(row='NEW')} "
    f"OR {_NOTE_DAYS.format(row='OLD')}); END",
    "CREATE TRIGGER dashboard_notification_del AFTER DELETE ON notification BEGIN "
    f"DELETE FROM dashboard_day WHERE kind = 'notifications' AND {_NOTE_DAYS.format(row='OLD')}; END",
    f"CREATE TRIGGER dashboard_booking_del AFTER DELETE ON booking BEGIN {FORGET_NOTES}; "
    "DELETE FROM dashboard_day WHERE kind = 'tickets' AND day = OLD.day; END",
    "CREATE TRIGGER dashboard_booking_ins AFTER INSERT ON booking BEGIN "
    "DELETE FROM dashboard_day WHERE kind = 'tickets' AND day = NEW.day; END",
    "CREATE TRIGGER dashboard_booking_day AFTER UPDATE ON booking BEGIN "
    "DELETE FROM dashboard_day WHERE kind = 'tickets' AND day IN (OLD.day, NEW.day); END",
    "CREATE TRIGGER dashboard_survey_ins AFTER INSERT ON survey BEGIN "
    "DELETE FROM dashboard_day WHERE kind = 'tickets' AND day = NEW.served_day; END",
    "CREATE TRIGGER dashboard_survey_upd AFTER UPDATE ON survey BEGIN "
    "DELETE FROM dashboard_day WHERE kind = 'tickets' AND day IN (OLD.served_day, NEW.served_day); END",
    "CREATE TRIGGER dashboard_survey_del AFTER DELETE ON survey BEGIN "
    "DELETE FROM dashboard_day WHERE kind = 'tickets' AND day = OLD.served_day; END",
    f"CREATE TRIGGER dashboard_booking_upd AFTER UPDATE OF mpp_code, service_code ON booking BEGIN {FORGET_NOTES}; END",
    f"CREATE TRIGGER dashboard_handoff_del AFTER DELETE ON handoff BEGIN {FORGET_NOTES}; END",
    f"CREATE TRIGGER dashboard_handoff_upd AFTER UPDATE OF mpp_code, agency_code ON handoff BEGIN {FORGET_NOTES}; END",
]
SQLITE_NAMES = [s.split()[2] for s in SQLITE]


def upgrade() -> None:
    op.create_table(
        "dashboard_day",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=160), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "scope", "day"),
    )
    op.create_index("ix_dashboard_day_kind_day", "dashboard_day", ["kind", "day"])
    with op.batch_alter_table("nlu_turn") as batch:
        batch.add_column(sa.Column("mpp_code", sa.String(length=64), nullable=True))
    op.create_index("ix_nlu_turn_mpp", "nlu_turn", ["mpp_code", "at"])
    for statement in PG if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table in (
            ("ticket", "ticket"),
            ("notification", "notification"),
            ("booking", "booking"),
            ("handoff", "handoff"),
            ("booking_day", "booking"),
            ("survey_day", "survey"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS dashboard_{name} ON {table}")
        for fn in (
            "dashboard_forget_ticket",
            "dashboard_forget_notification",
            "dashboard_forget_notifications",
            "dashboard_forget_booking_day",
            "dashboard_forget_survey_day",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {fn}()")
    else:
        for name in SQLITE_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_nlu_turn_mpp", table_name="nlu_turn")
    with op.batch_alter_table("nlu_turn") as batch:
        batch.drop_column("mpp_code")
    op.drop_index("ix_dashboard_day_kind_day", table_name="dashboard_day")
    op.drop_table("dashboard_day")
