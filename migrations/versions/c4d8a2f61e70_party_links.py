"""Responsible parties answer without an account: their e-mail, personal links, their answers

Revision ID: c4d8a2f61e70
Revises: b7e1f4a9c2d3
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d8a2f61e70'
down_revision = 'b7e1f4a9c2d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responsible_parties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))

    op.create_table('party_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('reminder', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_party_links_expires_after_creation')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_party_links_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['party_id'], ['responsible_parties.id'], name=op.f('fk_party_links_party_id_responsible_parties'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['party_links.id'], name=op.f('fk_party_links_replaced_by_id_party_links'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['walk_id'], ['walks.id'], name=op.f('fk_party_links_walk_id_walks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_party_links_token_hash'))
    )
    with op.batch_alter_table('party_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_links_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_links_walk_id'), ['walk_id'], unique=False)

    op.create_table('party_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('planerad', 'pagar', 'atgardad', 'atgardas_ej')", name=op.f('ck_party_answers_status')),
    sa.CheckConstraint("NOT (status IN ('atgardas_ej')) OR (reason IS NOT NULL AND reason <> '')", name=op.f('ck_party_answers_reason_when_not_fixed')),
    sa.CheckConstraint("decision IS NULL OR decision IN ('accepted', 'corrected', 'replaced')", name=op.f('ck_party_answers_decision')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_party_answers_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['link_id'], ['party_links.id'], name=op.f('fk_party_answers_link_id_party_links'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_party_answers_location_id_locations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['responsible_parties.id'], name=op.f('fk_party_answers_party_id_responsible_parties'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_answers'))
    )
    with op.batch_alter_table('party_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_answers_location_id'), ['location_id'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('party_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_audit_events_party_id_responsible_parties'), 'responsible_parties', ['party_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_events_party_id_responsible_parties'), type_='foreignkey')
        batch_op.drop_column('party_id')

    with op.batch_alter_table('party_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_answers_location_id'))

    op.drop_table('party_answers')
    with op.batch_alter_table('party_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_links_walk_id'))
        batch_op.drop_index(batch_op.f('ix_party_links_party_id'))

    op.drop_table('party_links')
    with op.batch_alter_table('responsible_parties', schema=None) as batch_op:
        batch_op.drop_column('email')
