"""Static files as phones get them: minified, under a versioned address, compressed, cached for a year;
and without a build, served as they are."""

from __future__ import annotations

import pytest

from walkapp import assets, create_app


@pytest.fixture
def built(app_config, tmp_path):
    from pathlib import Path

    target = tmp_path / "assets"
    version = assets.build(Path(create_app(app_config).static_folder), target)
    app_config["ASSETS_DIR"] = str(target)
    return version


def test_a_build_is_minified_versioned_and_precompressed(built, app, tmp_path):
    target = tmp_path / "assets"
    from pathlib import Path

    source = Path(app.static_folder, "js/participant/app.js").read_text()
    js = (target / "js/participant/app.js").read_text()
    assert len(js) < 0.8 * len(source) and "/**" not in js
    assert (target / "js/participant/app.js.gz").exists() and (target / "js/participant/app.js.br").exists()
    assert not list(target.rglob("*.map"))
    assert assets.built_version(target) == built and len(built) == 12


def test_pages_point_at_the_versioned_files_which_are_served_compressed_for_a_year(built, app, client):
    page = client.get("/").get_data(as_text=True)
    assert f"/static/v/{built}/css/phone.css" in page
    with client.get(f"/static/v/{built}/js/participant/app.js", headers={"Accept-Encoding": "br, gzip"}) as resp:
        assert resp.status_code == 200
        assert resp.headers["Content-Encoding"] == "br"
        assert "max-age=31536000" in resp.headers["Cache-Control"] and "immutable" in resp.headers["Cache-Control"]
    with client.get(f"/static/v/{built}/js/participant/app.js", headers={"Accept-Encoding": "gzip"}) as resp:
        assert resp.headers["Content-Encoding"] == "gzip"


def test_the_minified_modules_keep_their_relative_imports(built, tmp_path):
    code = (tmp_path / "assets/js/participant/app.js").read_text()
    assert 'from"./api.js"' in code.replace(" ", "") and "/*" not in code


def test_without_a_build_static_files_are_served_as_they_are(app, client):
    page = client.get("/").get_data(as_text=True)
    assert "/static/css/phone.css" in page and "/static/v/" not in page
    with client.get("/static/css/phone.css") as resp:
        assert resp.status_code == 200
