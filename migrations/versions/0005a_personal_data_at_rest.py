"""personal data at rest: inbound messages encrypted, per-conversation tracker keys

Revision ID: 0005a
Revises: 0005d
Create Date: 2026-12-03 15:00:00

Inbound message bodies become Fernet ciphertext (``body_encrypted``). Messages still waiting
are encrypted with the configured keys (MPP_PII_KEY, or var/secrets.json locally); finished
ones are not needed any more and are deleted. On PostgreSQL run ``VACUUM FULL inbound_message``
afterwards so that no dead tuple keeps an old clear-text body.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0005a"
down_revision: Union[str, Sequence[str], None] = "0005d"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "conversation_key",
        sa.Column("sender", sa.String(length=128), nullable=False),
        sa.Column("key_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender", name=op.f("pk_conversation_key")),
    )
    with op.batch_alter_table("conversation_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_key_created_at"), ["created_at"], unique=False)

    with op.batch_alter_table("inbound_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_encrypted", sa.Text(), nullable=True))
    bind = op.get_bind()
    waiting = bind.execute(
        sa.text("SELECT id, body FROM inbound_message WHERE status IN ('pending', 'processing')")
    ).fetchall()
    if waiting:
        from mpp.privacy import Crypto, load_keys

        crypto = Crypto(load_keys())
        for row_id, body in waiting:
            bind.execute(
                sa.text("UPDATE inbound_message SET body_encrypted = :b WHERE id = :i"),
                {"b": crypto.encrypt(body or ""), "i": row_id},
            )
    bind.execute(sa.text("DELETE FROM inbound_message WHERE body_encrypted IS NULL"))
    with op.batch_alter_table("inbound_message", schema=None) as batch_op:
        batch_op.alter_column("body_encrypted", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("body")


def downgrade() -> None:
    with op.batch_alter_table("inbound_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body", sa.Text(), nullable=False, server_default=""))
        batch_op.drop_column("body_encrypted")
    with op.batch_alter_table("conversation_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_key_created_at"))
    op.drop_table("conversation_key")
