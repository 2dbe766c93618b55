"""A manifest of a dozen exports: the good ones converted, the bad one isolated
and reported with file and line, the summary right, and a re-run resumes."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

import migrate
from batchhelp import CORPUS, cli, gen, need, read_json

CORPUS_JOBS = {
    "hexo": "hexo-migrator-wordpress/wordpress.xml",
    "pelican": "pelican/wordpressexport.xml",
    "preview": "wptt-theme-test-data/theme-preview.xml",
    "coauthors": "tryghost-mg-wp-xml/co-authors-plus.xml",
    "blocks": "wptt-theme-test-data/64-block-test-data.xml",
}


def split_export(src: Path, out_dir: Path, stem: str) -> list[Path]:
    """Write ``src`` as two WP-CLI style split files, each with the full channel header."""
    text = src.read_text(encoding="utf-8")
    first = text.index("<item>")
    end = text.rindex("</channel>")
    head, body, tail = text[:first], text[first:end], text[end:]
    items = body.split("<item>")[1:]
    half = len(items) // 2
    parts = ["".join("<item>" + i for i in items[:half]), "".join("<item>" + i for i in items[half:])]
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, part in enumerate(parts):
        p = out_dir / f"{stem}.{n:03d}.xml"
        p.write_text(head + part.rstrip() + "\n" + tail, encoding="utf-8")
        paths.append(p)
    return paths


@pytest.fixture
def dozen(tmp_path: Path) -> Path:
    """A manifest of 12 jobs in tmp_path/sites.yaml; returns the manifest path."""
    need(CORPUS)
    src = tmp_path / "exports"
    src.mkdir()
    for name, rel in CORPUS_JOBS.items():
        need(CORPUS / rel)
    for k in (1, 2, 3):
        gen(src / f"gen{k}.xml", 50, k)
    (src / "folder").mkdir()
    gen(src / "folder" / "gen4.xml", 50, 4)
    whole = gen(tmp_path / "whole6.xml", 20, 6)
    split_export(whole, src / "split", "site6")
    gen(tmp_path / "gen5.xml", 50, 5)
    with zipfile.ZipFile(src / "gen5.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(tmp_path / "gen5.xml", "gen5.xml")
    shutil.copy(CORPUS / "tryghost-mg-wp-xml/sample.xml", src / "malformed.xml")
    corpus_jobs = "".join(
        f"  - name: {name}\n    inputs: {CORPUS / rel}\n" for name, rel in CORPUS_JOBS.items())
    manifest = tmp_path / "sites.yaml"
    manifest.write_text(
        "version: 1\n"
        "output_root: out\n"
        "defaults:\n"
        "  to: json\n"
        "jobs:\n"
        + corpus_jobs +
        "  - name: gen1\n    inputs: exports/gen1.xml\n"
        "  - name: gen2\n    inputs: [exports/gen2.xml]\n"
        "  - name: gen3\n    inputs: exports/gen3.xml\n    to: jsonl\n"
        "  - name: gen4\n    inputs: exports/folder\n    output: out/elsewhere/gen4-dump.json\n"
        "  - name: zipped\n    inputs: exports/gen5.zip\n"
        "  - name: split\n    inputs: 'exports/split/site6.*.xml'\n"
        "  - name: malformed\n    inputs: exports/malformed.xml\n",
        encoding="utf-8")
    return manifest


def _counts(paths) -> tuple[int, int]:
    data = migrate.info([str(p) for p in paths])
    return data["items"], data["comments"]


def test_dozen_exports(dozen: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = cli("batch", dozen, "--jobs", "2", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    report = read_json(out / "batch-report.json")
    jobs = {j["name"]: j for j in report["jobs"]}
    assert list(jobs) == [*CORPUS_JOBS, "gen1", "gen2", "gen3", "gen4", "zipped", "split", "malformed"]
    assert report["totals"]["done"] == 11 and report["totals"]["failed"] == 1

    # the bad one: reported with its file and line, the others unaffected
    bad = jobs["malformed"]
    assert bad["status"] == "failed"
    assert bad["error"]["file"].endswith("malformed.xml") and bad["error"]["line"] == 109
    assert "malformed.xml:109:" in bad["error"]["text"]
    assert "malformed" in r.stderr and "malformed.xml:109" in r.stderr
    assert not (out / "malformed.json").exists()

    sources = {name: [CORPUS / rel] for name, rel in CORPUS_JOBS.items()}
    sources.update({
        "gen1": [tmp_path / "exports/gen1.xml"], "gen2": [tmp_path / "exports/gen2.xml"],
        "gen3": [tmp_path / "exports/gen3.xml"], "gen4": [tmp_path / "exports/folder/gen4.xml"],
        "zipped": [tmp_path / "gen5.xml"], "split": [tmp_path / "whole6.xml"],
    })
    outputs = {name: out / f"{name}.json" for name in sources}
    outputs["gen3"] = out / "gen3.jsonl"
    outputs["gen4"] = out / "elsewhere/gen4-dump.json"
    for name, srcs in sources.items():
        job = jobs[name]
        assert job["status"] == "done", (name, job["error"])
        assert Path(job["output"]) == outputs[name]
        items, comments = _counts(srcs)
        assert (job["read"]["items"], job["read"]["comments"]) == (items, comments), name
        assert (job["written"]["items"], job["written"]["comments"]) == (items, comments), name
        if name != "gen3":  # jsonl is read back by the same reader in-process below
            assert _counts([outputs[name]]) == (items, comments), name
    assert len(jobs["split"]["inputs"]) == 2
    # `wpmigrate info` on a json output gives the source counts
    info = cli("info", "--json", outputs["pelican"])
    assert info.returncode == 0, info.stderr
    assert read_json_text(info.stdout)["items"] == _counts(sources["pelican"])[0]

    t = report["totals"]
    assert t["read"]["items"] == sum(j["read"]["items"] for j in report["jobs"] if j["status"] != "skipped")
    assert "11 done, 0 skipped (unchanged), 1 failed" in r.stderr

    # a re-run skips what is done and unchanged, and tries the failed one again
    os.utime(tmp_path / "exports/gen1.xml")  # touched, same content: still skipped
    gen(tmp_path / "exports/gen2.new.xml", 50, 22)
    os.replace(tmp_path / "exports/gen2.new.xml", tmp_path / "exports/gen2.xml")  # changed: redone
    r2 = cli("batch", dozen, "--jobs", "2", cwd=tmp_path)
    assert r2.returncode == 1
    report2 = read_json(out / "batch-report.json")
    status = {j["name"]: j["status"] for j in report2["jobs"]}
    assert status.pop("gen2") == "done"
    assert status.pop("malformed") == "failed"
    assert set(status.values()) == {"skipped"}
    assert _counts([out / "gen2.json"]) == _counts([tmp_path / "exports/gen2.xml"])
    state = read_json(out / ".wpmigrate-batch.json")
    assert state["jobs"]["gen2"]["runs"] == 2 and state["jobs"]["gen1"]["runs"] == 1


def read_json_text(text: str):
    import json

    return json.loads(text)


def test_folder_mode_groups_split_files(tmp_path: Path) -> None:
    src = tmp_path / "exports"
    split_export(gen(tmp_path / "whole.xml", 10, 3), src, "blog")
    gen(src / "other.xml", 5, 4)
    from migrate.batch.manifest import discover
    from migrate.batch.runner import run_batch

    assert run_batch(discover(src, "json", tmp_path / "out"), jobs=2).exit_code == 0
    report = read_json(tmp_path / "out/batch-report.json")
    assert [(j["name"], len(j["inputs"])) for j in report["jobs"]] == [("blog", 2), ("other", 1)]
    assert _counts([tmp_path / "out/blog.json"]) == _counts([tmp_path / "whole.xml"])


def test_folder_mode_folder_writer_output(tmp_path: Path) -> None:
    pytest.importorskip("migrate.writers.hugo")
    src = tmp_path / "exports"
    src.mkdir()
    gen(src / "a.xml", 5, 1)
    from migrate.batch.manifest import discover
    from migrate.batch.runner import run_batch

    summary = run_batch(discover(src, "hugo", tmp_path / "out"), jobs=1)
    assert summary.exit_code == 0, summary.table()
    assert (tmp_path / "out/a").is_dir() and (tmp_path / "out/a/.wpmigrate").is_file()
