"""JSON and JSON Lines dumps: valid against our schema, and read back losslessly."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import migrate
from migrate.model import in_memory
from tests.conftest import CORPUS, ROOT, corpus_files
from tests.strategies import posts, sites

SCHEMA = json.loads((ROOT / "schemas" / "export.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
RECORD = jsonschema.Draft202012Validator({"$ref": "#/$defs/record", **{k: SCHEMA[k] for k in ("$defs",)}})


def test_schema_is_valid_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def _dump(export, tmp: Path, to: str) -> Path:
    out = tmp / f"dump.{to}"
    migrate.write(export, to, out)
    return out


def _validate_lines(path: Path) -> list[dict]:
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").split("\n") if x]
    assert lines[0]["record"] == "site"
    for rec in lines:
        RECORD.validate(rec)
    return lines


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_dumps_validate_and_round_trip(path, tmp_path):
    export = migrate.read(path, recover=True)
    doc = _dump(export, tmp_path, "json")
    VALIDATOR.validate(json.loads(doc.read_text(encoding="utf-8")))
    lines = _dump(export, tmp_path, "jsonl")
    _validate_lines(lines)
    # dump -> read -> dump is the identity, for both forms
    (tmp_path / "again").mkdir()
    again = _dump(migrate.read(doc), tmp_path / "again", "json")
    assert again.read_bytes() == doc.read_bytes()
    again_l = _dump(migrate.read(lines), tmp_path / "again", "jsonl")
    assert again_l.read_bytes() == lines.read_bytes()
    assert migrate.info(doc) == migrate.info(lines) == migrate.info(export)


def test_generated_export_dump(generated_200, tmp_path):
    path, expected = generated_200
    export = migrate.read(path)
    doc = _dump(export, tmp_path, "json")
    VALIDATOR.validate(json.loads(doc.read_text(encoding="utf-8")))
    assert migrate.info(doc)["comments"] == expected["comments"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(site=sites, items=st.lists(posts, max_size=4))
def test_model_dump_read_dump_is_identity(tmp_path_factory, site, items):
    tmp = tmp_path_factory.mktemp("h")
    export = in_memory(site, items)
    for to in ("json", "jsonl"):
        first = _dump(export, tmp, to)
        if to == "json":
            VALIDATOR.validate(json.loads(first.read_text(encoding="utf-8")))
        else:
            _validate_lines(first)
        back = migrate.read(first)
        assert back.site == site
        assert list(back.posts()) == items
        (tmp / "b").mkdir(exist_ok=True)
        second = _dump(back, tmp / "b", to)
        assert second.read_bytes() == first.read_bytes()


def test_not_a_dump_is_a_clear_error(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"format": "something-else", "version": 1, "site": {}}')
    with pytest.raises(migrate.InputError, match="not a wpmigrate dump"):
        migrate.read(p, format="json")


@pytest.mark.parametrize("content", [
    "\u00e4\u2014\x00\"\\\n" * 400_000,          # long, non-Latin, every escape
    "x" * (1 << 20) + "\u00e9",                     # just past one piece
    "\x00wpmigrate-content\x00" * 100_000,          # the internal marker itself
])
def test_long_content_is_written_in_pieces_with_the_same_bytes(content):
    import io

    from migrate.writers import json as writer

    item = {"id": 1, "content": content, "title": "t"}
    out = io.StringIO()
    writer._write_item(out, item, "[", "]\n")
    assert out.getvalue() == "[" + writer._dumps(item) + "]\n"


# ------------------------------------------------------------ a big export in halves

def _both_ways(tmp_path, monkeypatch, inputs, kind: str):
    """(one piece, halves, whether halves held): the bytes written, findings or the error."""
    from migrate.readers import halves
    from migrate.writers import json as json_writer
    from tests.writers.conftest import one_piece_and_halves

    def convert(out):
        rep = migrate.convert(inputs, kind, out)
        return out.read_bytes(), [str(f) for f in rep]

    got = one_piece_and_halves(monkeypatch, json_writer, halves, "read_in_halves",
                               lambda name: tmp_path / f"{name}.{kind}", convert)
    assert not [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name], "no working file left"
    return got


@pytest.mark.parametrize("kind", ["json", "jsonl"])
def test_every_corpus_export_dumps_the_same_in_halves(tmp_path, monkeypatch, kind):
    from tests.writers.conftest import corpus_inputs

    taken = 0
    for name, inputs in corpus_inputs().items():
        (tmp_path / name).mkdir()
        one, two, held = _both_ways(tmp_path / name, monkeypatch, inputs, kind)
        assert one == two, name
        taken += held
    assert taken >= 10, "most corpus files were really read in halves"


@pytest.mark.parametrize("kind", ["json", "jsonl"])
def test_dump_falls_back_to_one_piece_when_a_half_fails(tmp_path, monkeypatch, kind):
    from migrate.readers import halves
    from tests.validate.wxrgen import item, wxr, write

    items = [item(i, content=f"<p>Post {i}</p>") for i in range(1, 40)]
    items.insert(5, item(500, content="sample feed:\n<item>\n<title>x</title>\n</item>"))
    src = write(tmp_path, wxr(*items))
    data = src.read_bytes()
    fake = data.index(b"\n<item>\n<title>x</title>") + 1
    monkeypatch.setattr(halves, "find_cuts", lambda source: (data.index(b"<item>"), fake))
    one, two, held = _both_ways(tmp_path, monkeypatch, [src], kind)
    assert not held and one == two
    assert b"sample feed" in two[0]
    monkeypatch.undo()
    broken = write(tmp_path, wxr(*items, item(999).replace("</title>", "</titel>", 1)), "broken.xml")
    (tmp_path / "b").mkdir()
    one, two, held = _both_ways(tmp_path / "b", monkeypatch, [broken], kind)
    assert not held and one == two and one[0] == "error" and "broken.xml" in one[1] and not one[2]


@pytest.mark.parametrize("prefix", ["wp", "content"])
def test_an_undeclared_prefix_is_reported_once_in_halves(tmp_path, monkeypatch, prefix):
    """Both halves start reading the file as it is and meet the prefix; the
    findings are those of one read (the header's, or the first item's)."""
    from tests.validate.wxrgen import item, wxr, write

    text = wxr(*[item(i, content=f"<p>Post {i}</p>") for i in range(1, 40)])
    text = text.replace(f' xmlns:{prefix}="', ' xmlns:gone="', 1)
    src = write(tmp_path, text)
    one, two, held = _both_ways(tmp_path, monkeypatch, [src], "json")
    assert held and one == two
    assert [f for f in two[1] if "xml-namespace-undeclared" in f] and \
        sum("xml-namespace-undeclared" in f for f in two[1]) == 1


def test_dump_to_standard_output_is_read_in_one_piece(monkeypatch, capsysbinary):
    from migrate.writers import json as json_writer

    monkeypatch.setattr(json_writer, "HALVES_FROM", 0)
    migrate.convert([ROOT / "samples" / "site-structure.xml"], "jsonl", "-")
    assert capsysbinary.readouterr().out.count(b'"record":"item"') > 3
