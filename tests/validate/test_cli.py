"""``wpmigrate validate`` end to end: formats parsed back, exit codes, configuration."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from migrate.cli import cli
from migrate.validate.config import find_config, glob_regex, schema
from migrate.validate.reports import gh_escape_data, gh_escape_property
from migrate.validate.rules import RULES
from tests.validate.wxrgen import comment, item, write, wxr

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def exports(tmp_path: Path, monkeypatch) -> dict[str, Path]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the config search stops here
    return {
        "clean": write(tmp_path, wxr(item(1)), "clean.xml"),
        "warn": write(tmp_path, wxr(item(1, status="weird")), "warn.xml"),
        "bad": write(tmp_path, wxr(item(1), item(1, slug="x", title="Comma, colon: 100%")), "bad.xml"),
        "broken": write(tmp_path, wxr(item(1, link="a&b")), "broken.xml"),
        "threads": write(tmp_path, wxr(item(1, comments=(comment(1, parent=9),))), "threads.xml"),
    }


def run(*args: str, env: dict | None = None, color: bool = False):
    return CliRunner().invoke(cli, ["validate", *args], env=env, color=color)


# ------------------------------------------------------------- exit codes

def test_exit_codes(exports):
    assert run(str(exports["clean"])).exit_code == 0
    assert run(str(exports["warn"])).exit_code == 0
    assert run("--strict", str(exports["warn"])).exit_code == 1
    assert run("--max-warnings", "0", str(exports["warn"])).exit_code == 1
    assert run("--max-warnings", "1", str(exports["warn"])).exit_code == 0
    assert run(str(exports["bad"])).exit_code == 1
    assert run(str(exports["broken"]), str(exports["clean"])).exit_code == 1
    missing = run("nope.xml")
    assert missing.exit_code == 2 and "no such file" in missing.output
    assert run().exit_code == 2
    assert run("--format", "nope", str(exports["clean"])).exit_code == 2


def test_subprocess_module_entry_point(exports):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "migrate", "validate", str(exports["broken"])],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert re.search(r"broken\.xml:\d+:\d+: error", done.stdout)
    done = subprocess.run([sys.executable, "-m", "migrate", "validate", "missing.xml"],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 2


def test_list_rules():
    out = run("--list-rules").output
    for code in RULES:
        assert code in out


# ---------------------------------------------------------------- formats

def test_text_is_plain_when_piped_or_no_color(exports):
    plain = run(str(exports["bad"])).output
    assert "\x1b[" not in plain
    assert re.search(r"bad\.xml:\d+: error +post id 1 is already used", plain)
    assert "By rule:" in plain and "post-id-duplicate" in plain
    coloured = run(str(exports["bad"]), color=True).output
    assert "\x1b[" in coloured
    assert "\x1b[" not in run(str(exports["bad"]), env={"NO_COLOR": "1"}, color=True).output


def test_json(exports):
    out = json.loads(run("--format", "json", str(exports["bad"]), str(exports["warn"])).output)
    assert out["exit_code"] == 1
    assert out["summary"]["by_severity"] == {"error": 1, "warning": 1, "notice": 0}
    f = next(x for x in out["findings"] if x["code"] == "post-id-duplicate")
    assert f["item_id"] == 1 and f["item_title"] == "Comma, colon: 100%" and f["line"] > 0


def test_output_file(exports, tmp_path):
    target = tmp_path / "reports" / "v.json"
    res = run("--format", "json", "--output", str(target), str(exports["bad"]))
    assert res.exit_code == 1 and res.output == ""
    assert json.loads(target.read_text())["findings"]


def test_junit_parses_and_has_one_case_per_rule(exports, tmp_path):
    (tmp_path / ".wpmigrate.yaml").write_text("validate:\n  rules:\n    link-internal-missing: off\n")
    res = run("--format", "junit", str(exports["bad"]), str(exports["threads"]))
    root = etree.fromstring(res.output.encode())
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == list(RULES)
    failed = {c.get("name") for c in cases if c.find("failure") is not None}
    assert failed == {"post-id-duplicate", "comment-parent-missing"}
    skipped = {c.get("name") for c in cases if c.find("skipped") is not None}
    assert skipped == {"link-internal-missing"}
    suite = root.find("testsuite")
    assert suite.get("tests") == str(len(RULES)) and suite.get("failures") == "2"
    fail = next(c for c in cases if c.get("name") == "post-id-duplicate").find("failure")
    assert "bad.xml:" in fail.text


def test_sarif_structure(exports):
    doc = json.loads(run("--format", "sarif", str(exports["bad"]), str(exports["broken"])).output)
    assert doc["version"] == "2.1.0" and "sarif" in doc["$schema"]
    run0 = doc["runs"][0]
    rules = run0["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    for r in rules:
        assert r["shortDescription"]["text"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert run0["results"]
    for res in run0["results"]:
        assert res["ruleId"] in RULES
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        assert res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] in ("bad.xml", "broken.xml")
        assert loc["region"]["startLine"] >= 1
    broken = next(r for r in run0["results"] if r["ruleId"] == "xml-not-well-formed")
    assert broken["locations"][0]["physicalLocation"]["region"]["startColumn"] >= 1


def test_sarif_validates_against_a_minimal_schema(exports):
    """The parts of the SARIF 2.1.0 schema code scanning reads, checked with jsonschema."""
    import jsonschema

    minimal = {
        "type": "object", "required": ["version", "runs"],
        "properties": {
            "version": {"const": "2.1.0"},
            "runs": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["tool", "results"],
                "properties": {
                    "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                        "type": "object", "required": ["name", "rules"],
                        "properties": {"rules": {"type": "array", "items": {"required": ["id"]}}}}}},
                    "results": {"type": "array", "items": {
                        "type": "object", "required": ["ruleId", "message"],
                        "properties": {
                            "level": {"enum": ["none", "note", "warning", "error"]},
                            "message": {"required": ["text"]},
                            "locations": {"type": "array", "items": {"properties": {"physicalLocation": {
                                "required": ["artifactLocation"],
                                "properties": {"region": {"properties": {
                                    "startLine": {"type": "integer", "minimum": 1},
                                    "startColumn": {"type": "integer", "minimum": 1}}}}}}}}}}},
                }}},
        },
    }
    doc = json.loads(run("--format", "sarif", str(exports["bad"])).output)
    jsonschema.validate(doc, minimal)


def test_github_workflow_commands_line_by_line(exports):
    out = run("--format", "github", str(exports["bad"]), str(exports["warn"]), str(exports["broken"])).output
    lines = out.rstrip("\n").split("\n")
    command = re.compile(r"^::(error|warning|notice) file=([^,:]+),line=(\d+)(?:,col=(\d+))?,title=([a-z0-9-]+)::(.+)$")
    *commands, summary = lines
    assert summary.startswith("wpmigrate validate: 3 files checked:")
    assert len(commands) == 3
    for ln in commands:
        m = command.match(ln)
        assert m, ln
        assert m.group(5) in RULES
        assert "\n" not in m.group(6) and "\r" not in m.group(6)
    dup = next(ln for ln in commands if "post-id-duplicate" in ln)
    assert "100%25" in dup  # '%' escaped in the message
    assert next(ln for ln in commands if "xml-not-well-formed" in ln).startswith("::error file=broken.xml,line=")


def test_github_escaping():
    assert gh_escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert gh_escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


# ---------------------------------------------------------- configuration

def test_config_changes_severity_and_switches_rules_off(exports, tmp_path):
    cfg = tmp_path / ".wpmigrate.yaml"
    cfg.write_text("validate:\n  rules:\n    status-unknown: error\n    post-id-duplicate: off\n")
    assert run(str(exports["warn"])).exit_code == 1
    out = run(str(exports["bad"]))
    assert out.exit_code == 0 and "post-id-duplicate" not in out.output
    assert run("--no-config", str(exports["warn"])).exit_code == 0


def test_config_per_path_override(exports, tmp_path):
    (tmp_path / "legacy").mkdir()
    old = write(tmp_path / "legacy", wxr(item(1), item(1, slug="x")), "old.xml")
    (tmp_path / ".wpmigrate.yaml").write_text(
        "validate:\n  overrides:\n    - files: 'legacy/**/*.xml'\n      rules:\n        post-id-duplicate: warning\n")
    assert run(str(old)).exit_code == 0
    assert run(str(exports["bad"])).exit_code == 1


def test_config_found_in_parent_up_to_git_root(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".wpmigrate.yaml").write_text("validate: {strict: true}\n")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert find_config(sub) == tmp_path / ".wpmigrate.yaml"
    inner = tmp_path / "repo"
    (inner / ".git").mkdir(parents=True)
    assert find_config(inner) is None  # a nested repository stops the search


def test_strict_and_max_warnings_from_config(exports, tmp_path):
    (tmp_path / ".wpmigrate.yaml").write_text("validate:\n  strict: true\n")
    assert run(str(exports["warn"])).exit_code == 1
    (tmp_path / ".wpmigrate.yaml").write_text("validate:\n  max-warnings: 0\n")
    assert run(str(exports["warn"])).exit_code == 1


@pytest.mark.parametrize("text, line, needle", [
    ("validate:\n  rules:\n    status-unknwn: off\n", 3, "did you mean 'status-unknown'"),
    ("validate:\n  rules:\n    status-unknown: loud\n", 3, "not a severity"),
    ("validate:\n  strictt: true\n", 2, "unknown key 'strictt'"),
    ("validate:\n  max-warnings: -1\n", 2, "max-warnings"),
    ("validate:\n  overrides:\n    - rules: {status-unknown: off}\n", 3, "'files' is a required property"),
    ("validate:\n  rules: [\n", 3, "not valid YAML"),
])
def test_config_errors_exit_2_with_file_and_line(exports, tmp_path, text, line, needle):
    cfg = tmp_path / "conf.yaml"
    cfg.write_text(text)
    res = run("--config", str(cfg), str(exports["clean"]))
    assert res.exit_code == 2
    assert f"conf.yaml:{line}" in res.output and needle in res.output, res.output


def test_missing_config_file_is_a_usage_error(exports):
    res = run("--config", "nowhere.yaml", str(exports["clean"]))
    assert res.exit_code == 2 and "nowhere.yaml" in res.output


def test_schema_lists_every_rule():
    enum = schema()["$defs"]["rules"]["propertyNames"]["enum"]
    assert sorted(enum) == sorted(RULES)


def test_globs():
    assert glob_regex("legacy/**/*.xml").match("legacy/a/b/c.xml")
    assert glob_regex("legacy/**/*.xml").match("legacy/c.xml")
    assert not glob_regex("legacy/*.xml").match("legacy/a/c.xml")
    assert glob_regex("*.xml.gz").match("deep/folder/site.xml.gz")
    assert not glob_regex("/top.xml").match("deep/top.xml")


# ------------------------------------------------------------ integration

def test_pre_commit_hook_definition():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "wpmigrate-validate")
    assert hook["entry"] == "wpmigrate validate"
    assert re.search(hook["files"], "exports/site.xml") and re.search(hook["files"], "a/site.xml.gz")
    assert not re.search(hook["files"], "site.xml.bak")


def test_docs_list_every_rule_with_its_severity():
    doc = (ROOT / "docs" / "validate.md").read_text()
    for code, r in RULES.items():
        assert re.search(rf"\| `{re.escape(code)}` \| {r.severity} \|", doc), code
