"""Store facts, render sentences: a place's priority reasons and suggested name are kept as values
(locations.priority_facts, locations.name_facts) and said in the reader's language; the audit note of
walk_clustered keeps its counts as JSON. Existing rows are converted from their Swedish text where it
can be read; the rest keep their text (and get facts the next time the place is recomputed).

Revision ID: f6a8c0d2e4b5
Revises: e5f7a9b1c3d4
Create Date: 2026-12-02 10:00:00.000000

"""
import json
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6a8c0d2e4b5'
down_revision = 'e5f7a9b1c3d4'
branch_labels = None
depends_on = None

# The vocabulary as it was written when this migration was made (a migration does not follow the code).
RATINGS = {"Mycket otryggt": 1, "Ganska otryggt": 2, "Ganska tryggt": 3, "Mycket tryggt": 4}
CATEGORIES = {"Belysning": "belysning", "Skymd sikt / växtlighet": "skymd_sikt", "Ensligt / folktomt": "ensligt",
              "Nedskräpning / klotter": "nedskrapning", "Skadegörelse / underhåll": "skadegorelse",
              "Trafik": "trafik", "Tunnel / passage": "tunnel", "Människor / grupper": "manniskor",
              "Orientering / skyltning": "orientering", "Annat": "annat"}
DIRECTIONS = {"öster": "e", "nordost": "ne", "norr": "n", "nordväst": "nw", "väster": "w", "sydväst": "sw",
              "söder": "s", "sydost": "se"}

_REASONS = re.compile(r"^(?P<people>\d+) av (?P<walkers>\d+) deltagare"
                      r"(?:, (?:(?P<safe>bara trygga svar)|mest (?P<rating>Mycket otryggt|Ganska otryggt|Ganska tryggt|Mycket tryggt)))?"
                      r"(?:, i (?P<light>mörker|skymning))?$")
_WHERE = re.compile(r"^(?P<what>.+?) – (?:vid (?P<at>.+)|(?P<distance>\d+) m (?P<direction>%s) om (?P<near>.+)|plats (?P<number>\d+))$"
                    % "|".join(DIRECTIONS))
_CLUSTERED = re.compile(
    r"^(?P<pins>\d+) punkte?r? blev (?P<locations>\d+) platse?r? \(nya: (?P<new>\d+)\)\."
    r"(?: (?P<joined>En|\d+) platse?r? fick punkter från en tidigare vandring\.)?"
    r"(?: (?P<unplaced>En|\d+) punkte?r? saknar plats på kartan och behöver placeras\.)?"
    r"(?P<cli> \(CLI\))?$")
# The same sentence as the English interface wrote it.
_CLUSTERED_EN = re.compile(
    r"^(?P<pins>\d+) pins? became (?P<locations>\d+) places? \(new: (?P<new>\d+)\)\."
    r"(?: (?P<joined>One|\d+) places? got pins from an earlier walk\.)?"
    r"(?: (?P<unplaced>One|\d+) pins? (?:has|have) no place on the map and needs? placing\.)?"
    r"(?P<cli> \(CLI\))?$")


def reasons_facts(text):
    """'7 av 12 deltagare, mest Mycket otryggt, i mörker' as the values it was made from, or None."""
    m = _REASONS.match(text or "")
    if m is None:
        return None
    facts = {"people": int(m["people"]), "walkers": int(m["walkers"])}
    if m["safe"]:
        facts["only_safe"] = True
    else:
        facts["rating"] = RATINGS.get(m["rating"])
        facts["light"] = {"mörker": "morker", "skymning": "skymning"}.get(m["light"])
    return facts


def name_facts(name, location_id, walk_categories):
    """'Belysning – 120 m norr om Stopp 2' as the values it was made from, or None when it cannot be read."""
    m = _WHERE.match(name or "")
    if m is None:
        return None
    what = m["what"]
    safe = what == "Trygg plats" or what.startswith("Tryggt: ")
    label = None if what in ("Trygg plats", "Plats") else what.removeprefix("Tryggt: ")
    labels = {c.get("label"): c.get("key") for c in walk_categories or () if isinstance(c, dict)}
    key = labels.get(label) or CATEGORIES.get(label) if label else None
    if label and key is None:
        return None  # a category of a walk that no longer says so: keep the text
    facts = {"category": key, "label": label, "safe": safe, "number": location_id}
    if m["at"]:
        facts.update(where="at", stop=m["at"])
    elif m["near"]:
        facts.update(where="near", stop=m["near"], distance_m=int(m["distance"]), direction=DIRECTIONS[m["direction"]])
    else:
        if int(m["number"]) != location_id:
            return None
        facts["where"] = "number"
    return facts


def cluster_counts(note):
    """A walk_clustered note in words (Swedish or English) as its counts, or None."""
    m = _CLUSTERED.match(note or "") or _CLUSTERED_EN.match(note or "")
    if m is None:
        return None

    def count(value):
        return 0 if value is None else 1 if value in ("En", "One") else int(value)

    counts = {"pins": int(m["pins"]), "locations": int(m["locations"]), "new": int(m["new"]),
              "joined_earlier": count(m["joined"]), "unplaced": count(m["unplaced"])}
    if m["cli"]:
        counts["cli"] = True
    return counts


def _json(value):
    if value is None or isinstance(value, (list, dict)):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return None


def upgrade():
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_facts', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('priority_facts', sa.JSON(), nullable=True))

    conn = op.get_bind()
    locations = sa.table('locations', sa.column('id', sa.Integer), sa.column('name', sa.String),
                         sa.column('name_edited', sa.Boolean), sa.column('priority_reasons', sa.Text),
                         sa.column('origin_walk_id', sa.Integer), sa.column('name_facts', sa.JSON),
                         sa.column('priority_facts', sa.JSON))
    walks = sa.table('walks', sa.column('id', sa.Integer), sa.column('categories', sa.JSON))
    categories = {walk_id: _json(cats) for walk_id, cats in conn.execute(sa.select(walks.c.id, walks.c.categories))}
    rows = conn.execute(sa.select(locations.c.id, locations.c.name, locations.c.name_edited,
                                  locations.c.priority_reasons, locations.c.origin_walk_id)).all()
    for location_id, name, name_edited, reasons, walk_id in rows:
        values = {}
        prio = reasons_facts(reasons)
        if prio is not None:
            values["priority_facts"] = prio
        facts = None if name_edited else name_facts(name, location_id, categories.get(walk_id))
        if facts is not None:
            values["name_facts"] = facts
        if values:
            conn.execute(locations.update().where(locations.c.id == location_id).values(**values))

    events = sa.table('audit_events', sa.column('id', sa.Integer), sa.column('action', sa.String),
                      sa.column('note', sa.Text))
    for event_id, note in conn.execute(sa.select(events.c.id, events.c.note)
                                       .where(events.c.action == 'walk_clustered')).all():
        counts = cluster_counts(note)
        if counts is not None:
            conn.execute(events.update().where(events.c.id == event_id).values(note=json.dumps(counts)))


def _swedish_summary(counts):
    def n(num, one, many):
        text = one if num == 1 else many
        return text % num if "%d" in text else text

    text = "%s blev %s (nya: %d)." % (n(counts.get("pins", 0), "%d punkt", "%d punkter"),
                                      n(counts.get("locations", 0), "%d plats", "%d platser"), counts.get("new", 0))
    if counts.get("joined_earlier"):
        text += " " + n(counts["joined_earlier"], "En plats fick punkter från en tidigare vandring.",
                        "%d platser fick punkter från en tidigare vandring.")
    if counts.get("unplaced"):
        text += " " + n(counts["unplaced"], "En punkt saknar plats på kartan och behöver placeras.",
                        "%d punkter saknar plats på kartan och behöver placeras.")
    return text + (" (CLI)" if counts.get("cli") else "")


def downgrade():
    conn = op.get_bind()
    events = sa.table('audit_events', sa.column('id', sa.Integer), sa.column('action', sa.String),
                      sa.column('note', sa.Text))
    for event_id, note in conn.execute(sa.select(events.c.id, events.c.note)
                                       .where(events.c.action == 'walk_clustered')).all():
        counts = _json(note) if (note or "").startswith("{") else None
        if isinstance(counts, dict):
            conn.execute(events.update().where(events.c.id == event_id).values(note=_swedish_summary(counts)))
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_column('priority_facts')
        batch_op.drop_column('name_facts')
