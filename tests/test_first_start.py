"""The first start (issue 16 item 10): ``scripts/run`` ends on a banner listing every demo user,
static files are compressed in production only, and no system check warns on SQLite."""

from __future__ import annotations

import gzip
import io
import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.module_loading import import_string
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedStaticFilesStorage

from config.settings import staticfiles_backend
from config.staticfiles import CachedCompressedStaticFilesStorage
from demo.world import demo_usernames


def test_the_demo_user_list_is_every_user_the_demo_creates(world):
    names = demo_usernames()
    assert len(names) == len(set(names))
    assert set(names) == set(get_user_model().objects.values_list("username", flat=True))


def test_the_banner_lists_every_demo_user_and_the_address(world):
    out = io.StringIO()
    call_command("demousers", "--url", "http://127.0.0.1:8795/", stdout=out)
    banner = out.getvalue()
    assert "http://127.0.0.1:8795/" in banner
    listed = {name.strip() for line in banner.splitlines()[2:] for name in line.split(",") if name.strip()}
    assert listed == set(get_user_model().objects.values_list("username", flat=True))
    assert settings.DEMO_PASSWORD in banner


def test_static_files_are_compressed_in_production_only():
    production = import_string(staticfiles_backend(production=True))
    development = import_string(staticfiles_backend(production=False))
    assert issubclass(production, CompressedStaticFilesStorage)
    assert not issubclass(development, CompressedStaticFilesStorage)
    assert not hasattr(development, "compress_files")
    # The tests run outside production: the running settings use the plain storage.
    assert settings.STORAGES["staticfiles"]["BACKEND"] == staticfiles_backend(production=False)


@pytest.mark.django_db
def test_the_system_check_has_no_warning_on_the_database():
    """``migrate`` (and so every start) runs the database checks; on SQLite the covering index of
    cases.Case used to warn (models.W040). A warning fails ``check --fail-level WARNING``."""
    out, err = io.StringIO(), io.StringIO()
    call_command("check", "--database", "default", "--fail-level", "WARNING", stdout=out, stderr=err)
    assert "no issues" in out.getvalue()
    assert "W040" not in out.getvalue() + err.getvalue()


def test_production_compression_reuses_the_variants_of_unchanged_files(tmp_path, monkeypatch):
    css = tmp_path / "site.css"
    css.write_text("body { color: black; }\n" * 200)
    storage = CachedCompressedStaticFilesStorage(location=str(tmp_path))
    first = sorted(name for _, name, _ in storage.post_process({"site.css": (storage, "site.css")}))
    assert first == ["site.css.br", "site.css.gz"]

    calls: list[str] = []
    real_gzip = Compressor.compress_gzip

    def counting_gzip(data: bytes) -> bytes:
        calls.append("gzip")
        return real_gzip(data)

    monkeypatch.setattr(Compressor, "compress_gzip", staticmethod(counting_gzip))
    again = sorted(name for _, name, _ in storage.post_process({"site.css": (storage, "site.css")}))
    assert again == first
    assert calls == []

    # A file copied anew by collectstatic has a new modification time: compressed again.
    stat = css.stat()
    css.write_text("body { color: red; }\n" * 200)
    os.utime(css, (stat.st_atime, stat.st_mtime + 10))
    list(storage.post_process({"site.css": (storage, "site.css")}))
    assert calls == ["gzip"]
    assert b"red" in gzip.decompress((tmp_path / "site.css.gz").read_bytes())
