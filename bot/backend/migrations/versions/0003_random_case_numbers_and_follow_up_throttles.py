"""Random case numbers and per-source follow-up throttles instead of the case-wide 24 h lock.

Case numbers are random from now on (bot/case_numbers.py); existing rows keep their
sequential number, which stays valid. The case-wide lock after wrong follow-up keys
(code_failures, code_locked_until) let anyone who knew a case number lock its client
out; wrong keys are now counted per source in follow_up_throttles (bot/backend/follow_ups.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'follow_up_throttles',
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
        sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('backoffs', sa.Integer(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('code_locked_until')
        batch_op.drop_column('code_failures')


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code_failures', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('code_locked_until', sa.DateTime(timezone=True), nullable=True))
    op.drop_table('follow_up_throttles')
