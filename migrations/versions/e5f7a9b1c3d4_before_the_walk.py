"""Heard before the walk: a walk may open its map before the walk day (status 'early', since
early_opened_at); the pins sent then are marked before_walk

Revision ID: e5f7a9b1c3d4
Revises: d91e3c5a7b20
Create Date: 2026-11-30 21:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f7a9b1c3d4'
down_revision = 'd91e3c5a7b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('early_opened_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_walks_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_walks_status'), "status IN ('draft', 'early', 'open', 'closed')")
    with op.batch_alter_table('pins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('before_walk', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('pins', schema=None) as batch_op:
        batch_op.drop_column('before_walk')
    op.execute("UPDATE walks SET status = 'draft' WHERE status = 'early'")
    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_walks_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_walks_status'), "status IN ('draft', 'open', 'closed')")
        batch_op.drop_column('early_opened_at')
