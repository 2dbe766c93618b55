"""Manifest checks: schema errors name the manifest line; outputs may not collide."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batchhelp import ROOT, cli, gen
from migrate.batch.manifest import discover, load_manifest
from migrate.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "m.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return gen(tmp_path / "a.xml", 3, 1)


def error_of(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_manifest(path)
    return info.value


def test_unknown_key_points_at_its_line(tmp_path, site):
    m = write(tmp_path, "jobs:\n  - name: a\n    inputs: a.xml\n    to: json\n    ouptut: x\n")
    err = error_of(m)
    assert err.line == 5 and err.file == str(m)
    assert "ouptut" in str(err) and "jobs[0]" in str(err)
    assert str(err).startswith(f"{m}:5:")


def test_wrong_type_points_at_the_value(tmp_path, site):
    m = write(tmp_path, "defaults:\n  to: json\njobs:\n  - name: a\n    inputs: a.xml\n  - name: b\n    inputs: a.xml\n    recover: 'yes please'\n")
    err = error_of(m)
    assert err.line == 8 and "jobs[1].recover" in str(err) and "boolean" in str(err)


def test_missing_required_and_several_errors_listed(tmp_path):
    m = write(tmp_path, "jobs:\n  - inputs: a.xml\n    to: json\n  - name: b\n    to: 'not a format!'\n    inputs: a.xml\n")
    err = error_of(m)
    assert err.line == 2 and "'name' is a required property" in str(err)
    assert "line 5:" in str(err)  # the second problem is listed with its line


def test_yaml_syntax_and_duplicate_keys(tmp_path):
    err = error_of(write(tmp_path, "jobs:\n  - name: a\n    inputs: [a.xml\n"))
    assert err.line is not None and "not valid YAML" in str(err)
    err = error_of(write(tmp_path, "jobs:\n  - name: a\n    inputs: a.xml\n    inputs: b.xml\n    to: json\n"))
    assert err.line == 4 and "twice" in str(err)


def test_unknown_writer_points_at_to(tmp_path, site):
    err = error_of(write(tmp_path, "jobs:\n  - name: a\n    inputs: a.xml\n    to: nosuchwriter\n"))
    assert err.line == 4 and "nosuchwriter" in str(err)


def test_names_unique_and_outputs_distinct_not_nested(tmp_path, site):
    err = error_of(write(tmp_path, "defaults: {to: json}\njobs:\n  - {name: a, inputs: a.xml}\n  - {name: a, inputs: a.xml}\n"))
    assert err.line == 4 and "used twice" in str(err)
    err = error_of(write(tmp_path, "defaults: {to: json}\njobs:\n  - {name: a, inputs: a.xml, output: o/x.json}\n  - {name: b, inputs: a.xml, output: o/x.json}\n"))
    assert "same output" in str(err)
    err = error_of(write(tmp_path, "defaults: {to: json}\njobs:\n  - {name: a, inputs: a.xml, output: o/site}\n  - {name: b, inputs: a.xml, output: o/site/inner.json}\n"))
    assert "nested" in str(err)
    err = error_of(write(tmp_path, "defaults: {to: json}\njobs:\n  - {name: a, inputs: a.xml, output: a.xml}\n"))
    assert "replace an input" in str(err)
    err = error_of(write(tmp_path, "output_root: out\ndefaults: {to: json}\njobs:\n  - {name: a, inputs: a.xml, output: out}\n"))
    assert "output root" in str(err)
    err = error_of(write(tmp_path, "defaults: {to: json}\njobs:\n  - {name: batch-report, inputs: a.xml}\n"))
    assert "batch-report.json" in str(err)


def test_cli_exit_2_with_line(tmp_path):
    m = write(tmp_path, "jobs:\n  - name: a\n    inputs: 3\n")
    r = cli("batch", m)
    assert r.returncode == 2
    assert f"{m}:3:" in r.stderr


def test_paths_relative_to_manifest_and_defaults_merged(tmp_path, site):
    (tmp_path / "sub").mkdir()
    m = tmp_path / "sub" / "m.yaml"
    m.write_text("output_root: ../out\ndefaults:\n  to: json\n  options: {a: 1, b: 2}\n"
                 "jobs:\n  - name: x\n    inputs: ../a.xml\n    options: {b: 3}\n"
                 "  - name: y\n    inputs: ../missing-*.xml\n", encoding="utf-8")
    batch = load_manifest(m)
    x, y = batch.jobs
    assert batch.root == tmp_path / "out"
    assert x.files == (str(site),) and x.output == str(tmp_path / "out" / "x.json")
    assert x.options == {"a": 1, "b": 3}
    assert y.input_errors and "matches no file" in y.input_errors[0] and "m.yaml:9" in y.input_errors[0]


def test_discover_groups_split_files(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for n in ("blog.000.xml", "blog.001.xml", "blog.002.xml", "solo.xml"):
        (src / n).write_text("<rss/>")
    (src / "sub").mkdir()
    (src / "sub" / "blog.000.xml").write_text("<rss/>")
    batch = discover(src, "json", tmp_path / "out")
    assert [(j.name, len(j.files)) for j in batch.jobs] == [("blog", 3), ("solo", 1), ("sub-blog", 1)]
    assert batch.jobs[0].output == str(tmp_path / "out" / "blog.json")


def test_schema_is_the_documented_file_and_valid():
    import jsonschema

    from migrate.batch.manifest import schema

    doc = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text())
    assert schema() == doc
    jsonschema.Draft202012Validator.check_schema(doc)
