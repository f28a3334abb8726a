"""Walks: the closing meeting (återträff) – when, where, and the notes taken there

Revision ID: d91e3c5a7b20
Revises: c4d8a2f61e70
Create Date: 2026-11-30 21:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd91e3c5a7b20'
down_revision = 'c4d8a2f61e70'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closing_meeting_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closing_meeting_place', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('closing_meeting_notes', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.drop_column('closing_meeting_notes')
        batch_op.drop_column('closing_meeting_place')
        batch_op.drop_column('closing_meeting_at')
