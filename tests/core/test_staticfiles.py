"""Files of installed packages served as static files: Plotly.js from the `plotly` wheel,
and nothing else of its package_data."""

from django.contrib.staticfiles import finders

from tests.http import body
from tinhso.core.staticfiles import PackageFileFinder


def test_only_the_named_file_of_a_package_is_found():
    found = finders.find("vendor/plotly/plotly.min.js")
    assert found and found.endswith("plotly/package_data/plotly.min.js")
    assert not finders.find("vendor/plotly/widgetbundle.js")
    listed = [(storage.prefix, path) for path, storage in PackageFileFinder().list([])]
    assert listed == [("vendor/plotly", "plotly.min.js")]


def test_a_missing_file_fails_the_system_check(settings):
    settings.TINHSO_PACKAGE_STATIC = {"vendor/x/x.js": ("plotly", "package_data/none.js")}
    assert [e.id for e in PackageFileFinder().check()] == ["tinhso.E001"]


def test_plotly_is_served_without_a_cdn(client):
    response = client.get("/static/vendor/plotly/plotly.min.js")
    assert response.status_code == 200
    assert body(response)[:200].lstrip().startswith(b"/**")


def test_collect_runs_only_when_a_source_changed(settings, tmp_path):
    import os

    from tinhso.core.staticfiles import collect

    source = tmp_path / "src"
    source.mkdir()
    (source / "app.css").write_text("body { color: black }")
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    collected = settings.STATIC_ROOT / "app.css"

    assert collect() is True
    assert collected.read_text() == "body { color: black }"
    assert collect() is False  # nothing changed: nothing collected again

    (source / "app.css").write_text("body { color: navy }")
    stat = (source / "app.css").stat()
    os.utime(source / "app.css", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert collect() is True
    assert collected.read_text() == "body { color: navy }"
    (source / "new.js").write_text("")
    assert collect() is True  # a new file too
    assert collect(force=True) is True
