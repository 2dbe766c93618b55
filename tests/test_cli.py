"""The command line: the seed sample's summary, formats, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import SAMPLES


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "migrate", *args], capture_output=True, text=True)


def test_seed_sample_info_json():
    done = run("info", str(SAMPLES / "last-train-home.xml"), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {
        "wxr_version", "items", "post_types", "statuses", "comments", "comment_kinds", "comment_statuses",
        "threaded_comments", "max_thread_depth", "authors", "terms",
    }
    assert data["post_types"] == {"post": 1}
    assert data["comments"] == 6
    assert data["comment_kinds"] == {"comment": 5, "pingback": 1}
    assert data["threaded_comments"] == 1
    assert data["max_thread_depth"] == 2


def test_info_text_names_the_site():
    done = run("info", str(SAMPLES / "last-train-home.xml"))
    assert done.returncode == 0
    assert "Comments:  6 (comment 5, pingback 1)" in done.stdout


def test_formats_lists_every_builtin_with_a_description():
    done = run("formats")
    assert done.returncode == 0, done.stderr
    lines = [x.split(None, 1) for x in done.stdout.splitlines() if x.startswith("  ")]
    names = {x[0] for x in lines}
    assert {"wxr", "json", "hugo", "jekyll", "pelican", "jsonl", "ghost", "disqus", "atom", "jsonfeed"} <= names
    assert all(len(x) == 2 and not x[1].startswith("(unavailable") for x in lines), done.stdout


def test_python_m_and_console_script_agree():
    import shutil

    exe = shutil.which("wpmigrate")
    assert exe, "the wpmigrate console script is not installed"
    a = subprocess.run([exe, "info", "--json", str(SAMPLES / "last-train-home.xml")], capture_output=True, text=True)
    assert a.stdout == run("info", "--json", str(SAMPLES / "last-train-home.xml")).stdout


def test_usage_errors_exit_2_and_input_errors_exit_1(tmp_path):
    done = run("convert", str(SAMPLES / "last-train-home.xml"), "--to", "nosuch", "-o", str(tmp_path / "x"))
    assert done.returncode == 2 and "unknown writer 'nosuch'" in done.stderr
    done = run("info", str(tmp_path / "missing.xml"))
    assert done.returncode in (1, 2) and "Traceback" not in done.stderr
    done = run("info", str(SAMPLES / "malformed" / "doctype-entity.xml"))
    assert done.returncode == 1 and "DOCTYPE" in done.stderr and "Traceback" not in done.stderr


def test_split_sample_reads_as_one_site():
    done = run("info", "--json", str(SAMPLES / "split"))
    data = json.loads(done.stdout)
    assert data["post_types"] == {"page": 2, "post": 3}
    assert "item-duplicate" in done.stderr


def test_split_size_writes_parts_that_read_back_whole(generated_200, tmp_path):
    path, expected = generated_200
    out = tmp_path / "parts" / "site.xml"
    done = run("convert", str(path), "--to", "wxr", "--split-size", "1MB", "-o", str(out))
    assert done.returncode == 0, done.stderr
    parts = sorted(out.parent.glob("site.*.xml"))
    assert len(parts) > 1 and all(f"Wrote {p}" in done.stderr for p in parts)
    assert json.loads(run("info", "--json", str(out.parent)).stdout)["items"] == expected["items"]


def test_convert_shows_progress_lines_when_not_a_terminal(tmp_path):
    done = run("convert", str(SAMPLES / "site-structure.xml"), "--to", "json", "-o", str(tmp_path / "d.json"))
    assert done.returncode == 0, done.stderr
    assert "[done] site-structure.xml:" in done.stderr
    quiet = run("convert", str(SAMPLES / "site-structure.xml"), "--to", "json", "-o", str(tmp_path / "q.json"), "-q")
    assert "[done]" not in quiet.stderr


def test_dash_output_is_standard_output_for_dumps_and_refused_for_sites(tmp_path):
    done = run("convert", str(SAMPLES / "last-train-home.xml"), "--to", "jsonl", "-o", "-", "-q")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.split("\n")[0])["record"] == "site"
    assert not (tmp_path / "-").exists()
    site = run("convert", str(SAMPLES / "last-train-home.xml"), "--to", "hugo", "-o", "-")
    assert site.returncode == 1 and "writes a folder" in site.stderr
