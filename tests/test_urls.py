"""Redirect targets from the outside stay on this site."""

import pytest

from walkapp.urls import local_path


@pytest.mark.parametrize("target", ["/", "/leader/walks/3", "/planner/?walk=2&status=ny", "/j/ABC234#top"])
def test_local_paths_are_kept(target):
    assert local_path(target) == target


@pytest.mark.parametrize("target", [None, "", "https://evil.example/", "//evil.example", "/\\evil.example",
                                    "/\t/evil.example", "/\n/evil.example", "/\r//evil", "\t//evil", "leader",
                                    "javascript:alert(1)", "/x\x7f"])
def test_other_sites_and_odd_characters_are_refused(target):
    assert local_path(target) is None


@pytest.mark.parametrize("url", ["/lang/sv?next=/%09/evil.example", "/lang/sv?next=//evil.example"])
def test_language_switch_never_leaves_the_site(client, url):
    assert client.get(url).headers["Location"] == "/"


@pytest.mark.parametrize(("text", "expected"), [("12", 12), (" 7 ", 7), ("²", None), ("١٢", None), ("-1", None),
                                                ("99999999999999999999", None), ("", None), (None, None), ("1e3", None)])
def test_ids_from_outside(text, expected):
    from walkapp.urls import parse_id

    assert parse_id(text) == expected


@pytest.mark.parametrize("url", [
    "/open311/v2/requests/².json", "/open311/v2/requests/99999999999999999999999.json",
    "/open311/v2/requests.json?service_request_id=²,99999999999999999999999",
    "/open311/v2/requests.json?start_date=9999-12-31", "/open311/v2/requests.json?end_date=0001-01-01",
    "/open311/v2/requests.xml?start_date=0001-01-01T00:00:00%2B14:00",
])
def test_open311_odd_input_is_not_a_server_error(client, url):
    assert client.get(url).status_code in (200, 400, 404)


def test_planner_map_with_a_huge_walk_id_is_not_a_server_error(client, login_as):
    login_as("planner")
    assert client.get("/planner/map?walk=99999999999999999999").status_code < 500
