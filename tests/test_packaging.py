"""The package list in pyproject.toml ships every subpackage and the schemas."""

from __future__ import annotations

import tomllib

from migrate import schemas
from tests.conftest import ROOT


def test_every_package_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "migrate").rglob("__init__.py")
    } | {"migrate.schemas"}
    assert listed == on_disk
    assert config["package-dir"] == {"migrate.schemas": "schemas"}


def test_schemas_load_from_the_top_level_folder():
    for path in (ROOT / "schemas").glob("*.json"):
        assert schemas.load(path.name)["$schema"].endswith("2020-12/schema")
