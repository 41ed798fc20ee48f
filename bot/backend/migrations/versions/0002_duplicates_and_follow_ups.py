"""Possible duplicates and follow-ups by code: match key, duplicate link, code failure counter.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 13:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('match_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('code_failures', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('code_locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_match_key'), ['match_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_duplicate_of_id'), ['duplicate_of_id'], unique=False)
        batch_op.create_foreign_key('fk_cases_duplicate_of_id_cases', 'cases', ['duplicate_of_id'], ['id'],
                                    ondelete='SET NULL')
    # Open cases already carry the person + concern hash.
    op.execute("UPDATE cases SET match_key = open_key WHERE open_key IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint('fk_cases_duplicate_of_id_cases', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cases_duplicate_of_id'))
        batch_op.drop_index(batch_op.f('ix_cases_match_key'))
        batch_op.drop_column('code_locked_until')
        batch_op.drop_column('code_failures')
        batch_op.drop_column('duplicate_of_id')
        batch_op.drop_column('match_key')
