"""Static files as phones get them: minified, under a content-versioned address, pre-compressed
(gzip and brotli) and served by WhiteNoise with a year-long, immutable cache.

`flask --app walkapp assets` builds static/ into ASSETS_DIR (make run and make test do it; so does a
deployment): JavaScript and CSS minified (rjsmin, rcssmin), every other file copied, a version made
from the hash of everything built, and .gz/.br files beside each compressible file (WhiteNoise's
compressor). When a build is there, the app serves it under /static/v/<version>/… (url_for follows)
and any change to any file gives every address a new version. Without a build (a developer's
machine, the unit tests) static/ is served as it is, by Flask.

Relative imports between our ES modules keep working, as every file of one build shares the same
version in its address.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

VERSION_FILE = "VERSION"
YEAR = 365 * 24 * 3600
# Files phones never need: source maps and the unminified copies of vendored libraries, and the
# recipe that builds vendor/leaflet-phone/ (with its node_modules when `make vendor` has run).
_SKIP_SUFFIXES = (".map", "-src.js", ".esm.js")
_SKIP_DIRS = (Path("vendor/build"),)


def _sources(source: Path) -> list[Path]:
    """The files of `source` that are served, in a stable order (skipped folders are not walked)."""
    found = []
    for folder, dirs, files in os.walk(source):
        here = Path(folder)
        dirs[:] = [d for d in dirs if (here / d).relative_to(source) not in _SKIP_DIRS]
        found += [here / name for name in files if not name.startswith(".") and not name.endswith(_SKIP_SUFFIXES)]
    return sorted(found)


def build(source: Path, target: Path) -> str:
    """Build `source` into `target` (replacing it) and return the build's version."""
    import rcssmin
    import rjsmin
    from whitenoise.compress import Compressor

    source, target = Path(source), Path(target)
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    digest = hashlib.sha256()
    for path in _sources(source):
        rel = path.relative_to(source)
        data = path.read_bytes()
        if path.suffix == ".css":
            data = rcssmin.cssmin(data.decode("utf-8")).encode("utf-8")
        elif path.suffix == ".js" and not rel.name.endswith(".min.js") and "vendor" not in rel.parts:
            data = rjsmin.jsmin(data.decode("utf-8")).encode("utf-8")
        out = staging / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        digest.update(rel.as_posix().encode() + b"\0" + hashlib.sha256(data).digest())
    version = digest.hexdigest()[:12]
    compressor = Compressor(quiet=True)
    for path in staging.rglob("*"):
        if path.is_file() and compressor.should_compress(str(path)):
            for _ in compressor.compress(str(path)):
                pass
    (staging / VERSION_FILE).write_text(version)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(staging, target)
    return version


def built_version(target: Path) -> str | None:
    """The version of the build in `target`, or None when there is none."""
    try:
        return (Path(target) / VERSION_FILE).read_text().strip() or None
    except OSError:
        return None


def install(app) -> None:
    """Serve the build (if there is one) through WhiteNoise and point url_for('static', …) at it."""
    target = Path(app.config["ASSETS_DIR"])
    version = built_version(target)
    app.config["ASSETS_VERSION"] = version
    if version is None:
        return
    from whitenoise import WhiteNoise

    prefix = f"/static/v/{version}/"
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=str(target), prefix=prefix, max_age=YEAR,
                              immutable_file_test=lambda path, url: True)

    @app.url_defaults
    def _versioned(endpoint, values):
        if endpoint == "static" and "filename" in values and not values["filename"].startswith("v/"):
            values["filename"] = f"v/{version}/{values['filename']}"


def built_file(app, relative: str) -> Path:
    """A file of the build if there is one, else the source file under static/."""
    if app.config.get("ASSETS_VERSION"):
        return Path(app.config["ASSETS_DIR"]) / relative
    return Path(app.static_folder) / relative
