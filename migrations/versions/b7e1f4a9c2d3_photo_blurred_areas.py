"""Photos: the rectangles that were blurred (faces found on upload, areas a leader blurred by hand)

Revision ID: b7e1f4a9c2d3
Revises: 0f02035dde3b
Create Date: 2026-11-30 20:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1f4a9c2d3'
down_revision = '0f02035dde3b'
branch_labels = None
depends_on = None


def upgrade():
    # Photos stored before keep NULL: nobody looked for faces in them.
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blurred', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_column('blurred')
