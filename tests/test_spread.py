"""Who is heard: the spread of voices and the rule that says when a few dominate."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from walkapp import spread


def test_a_few_dominate_only_in_a_walk_of_eight_or_more():
    # 8 participants; the 3 most active gave 9 of 14 voices (64 %): dominated.
    many = [1] * 4 + [2] * 3 + [3] * 2 + [4, 5, 6, 7, 8]
    s = spread.spread(many)
    assert (s.participants, s.voices) == (8, 14)
    assert s.counts[:3] == ((1, 4), (2, 3), (3, 2))
    assert round(s.top_share, 2) == 0.64 and s.dominated
    # The same shape in a walk of 7 is not judged: too few to say.
    assert not spread.spread([1] * 4 + [2] * 3 + [3] * 2 + [4, 5, 6, 7]).dominated
    # Exactly half is not more than half.
    assert not spread.spread([1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9]).dominated


def test_no_voices():
    s = spread.spread([])
    assert (s.participants, s.voices, s.top_share, s.dominated) == (0, 0, 0.0, False)


@given(st.lists(st.integers(min_value=1, max_value=30), max_size=300))
def test_the_counts_add_up_and_are_ordered(authors):
    s = spread.spread(authors)
    assert s.voices == len(authors) and s.participants == len(set(authors))
    counts = [n for _, n in s.counts]
    assert counts == sorted(counts, reverse=True)
    assert 0 <= s.top_share <= 1
    if s.participants <= spread.TOP and authors:
        assert s.top_share == 1


def test_the_live_dashboard_and_the_protocol_say_who_is_heard(app, client, login_as, make_walk, join, make_pin):
    from sqlalchemy import select

    from walkapp.extensions import db
    from walkapp.models import Walk

    leader = login_as("leader")
    code = make_walk(leader=leader)
    tokens = [join(code) for _ in range(8)]
    for i, token in enumerate(tokens):
        for _ in range(6 if i < 3 else 1):  # three youths give 18 of 23 pins
            assert make_pin(code, token).status_code == 201
    with app.app_context():
        walk_id = db.session.scalar(select(Walk.id).where(Walk.join_code == code))
    page = client.get(f"/leader/walks/{walk_id}/live").get_data(as_text=True)
    assert "8 deltagare har satt ut punkter eller hållit med." in page
    assert "De 3 mest aktiva står för 78" in page and "Några få hörs mest" in page
    assert page.count("<meter") == 8
    feed = client.get(f"/leader/walks/{walk_id}/feed").get_json()["spread"]
    assert feed["warning"] and [b["count"] for b in feed["bars"]] == [6, 6, 6, 1, 1, 1, 1, 1]
    assert feed["bars"][0]["label"] == "Deltagare 1"
    english = client.get(f"/leader/walks/{walk_id}/feed", headers={"Accept-Language": "en"}).get_json()["spread"]
    assert english["sentence"].startswith("8 participants")


def test_the_protocol_states_the_spread(app, client, login_as, make_walk):
    from tests.factories import TWO_PLACES, Page, arrange

    walk_id = arrange(app, make_walk, TWO_PLACES)
    login_as("planner")
    text = Page(client.get(f"/planner/walks/{walk_id}/protocol").get_data(as_text=True)).all_text
    # Two participants gave the four visible pins (the third one's only pin is hidden: not heard).
    assert "Vem hörs? 2 deltagare har satt ut punkter eller hållit med." in text
