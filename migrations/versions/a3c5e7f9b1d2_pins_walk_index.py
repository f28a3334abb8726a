"""Drop the pins' index on walk_id alone: the unique index on (walk_id, client_id) serves every
lookup by walk (and the walk's cascade) already, and each new pin updated both.

Revision ID: a3c5e7f9b1d2
Revises: f6a8c0d2e4b5
Create Date: 2026-12-01 07:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = 'f6a8c0d2e4b5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pins_walk_id'))


def downgrade():
    with op.batch_alter_table('pins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pins_walk_id'), ['walk_id'], unique=False)
