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
