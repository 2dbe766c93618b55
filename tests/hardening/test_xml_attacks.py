"""XML attacks: every DOCTYPE is refused before parsing, nothing is fetched.

Each hostile export is built from the seed sample. The file canary is a named
pipe (see ``FifoCanary``): opening it is detected even from libxml2's C code.
The network canary is a local server that counts connections.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

import migrate
from migrate.errors import InputError, MigrateError, UnsafeInputError

from tests.hardening.conftest import cli, gzip_of, split_seed, zip_of

REFUSED_WITHIN = 1.0  # seconds


def _doctypes(fifo: Path, url) -> dict[str, tuple[bytes, bytes]]:
    """name → (DOCTYPE, entity reference put into the site and post titles)."""
    lol = b'<!ENTITY l0 "lollollollol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (k, (b"&l%d;" % (k - 1)) * 10) for k in range(1, 10))
    big = b"A" * 100_000
    return {
        "external-file": (b'<!DOCTYPE rss [<!ENTITY x SYSTEM "file://%s">]>' % str(fifo).encode(), b"&x;"),
        "external-file-bare-path": (b'<!DOCTYPE rss [<!ENTITY x SYSTEM "%s">]>' % str(fifo).encode(), b"&x;"),
        "external-url": (b'<!DOCTYPE rss [<!ENTITY x SYSTEM "%s">]>' % url("entity").encode(), b"&x;"),
        "parameter-entity": (b'<!DOCTYPE rss [<!ENTITY %% pe SYSTEM "%s"> %%pe;]>' % url("pe").encode(), b""),
        "parameter-entity-file": (b'<!DOCTYPE rss [<!ENTITY %% pe SYSTEM "file://%s"> %%pe;]>' % str(fifo).encode(), b""),
        "external-dtd-url": (b'<!DOCTYPE rss SYSTEM "%s">' % url("dtd").encode(), b""),
        "external-dtd-public": (b'<!DOCTYPE rss PUBLIC "-//W//DTD X//EN" "%s">' % url("pub").encode(), b""),
        "external-dtd-file": (b'<!DOCTYPE rss SYSTEM "file://%s">' % str(fifo).encode(), b""),
        "billion-laughs": (b"<!DOCTYPE rss [" + lol + b"]>", b"&l9;"),
        "quadratic-blowup": (b'<!DOCTYPE rss [<!ENTITY a "' + big + b'">]>', b"&a;" * 10_000),
        "empty-doctype": (b"<!DOCTYPE rss>", b""),
        "lower-case": (b'<!doctype rss [<!ENTITY x "INJECTED">]>', b"&x;"),
    }


def _placements(prologue: bytes) -> dict[str, callable]:
    """name → function(doctype) giving the bytes before ``<rss``."""
    decl = b'<?xml version="1.0" encoding="UTF-8" ?>\n'
    return {
        "after-comments": lambda d: prologue + d + b"\n",  # the seed's own header comments
        "first-line": lambda d: decl + d + b"\n",
        "no-declaration": lambda d: d + b"\n",
        "after-bom": lambda d: b"\xef\xbb\xbf" + decl + d + b"\n",
        "after-pi": lambda d: decl + b'<?xml-stylesheet type="text/xsl" href="a.xsl"?>\n' + d + b"\n",
        "after-1mb-comment": lambda d: decl + b"<!--" + b"x" * (1 << 20) + b"-->\n" + d + b"\n",
        "after-1mb-space": lambda d: decl + b" \n" * (1 << 19) + d + b"\n",
    }


def _hostile(prologue_with_doctype: bytes, ref: bytes) -> bytes:
    _, doc = split_seed()
    if ref:
        doc = doc.replace(b"<title>", b"<title>" + ref, 2)
    return prologue_with_doctype + doc


def _check_refused(path: Path, display: str, *, recover: bool, secrets: list[str]) -> MigrateError:
    t0 = time.perf_counter()
    with pytest.raises(InputError) as info:
        export = migrate.read(path, recover=recover)
        for _ in export.posts():
            pass
    elapsed = time.perf_counter() - t0
    assert elapsed < REFUSED_WITHIN, f"refused after {elapsed:.2f} s"
    exc = info.value
    assert re.match(re.escape(display) + r":\d+(:\d+)?: ", str(exc)), str(exc)
    for s in secrets:
        assert s not in str(exc)
    return exc


DOCTYPE_NAMES = list(_doctypes(Path("/x"), lambda p: "").keys())
PLACEMENTS = list(_placements(b"").keys())


# every attack where WordPress puts its header comments, and the three
# worst ones in every other place a DOCTYPE can hide
CASES = [(a, "after-comments") for a in DOCTYPE_NAMES] + [
    (a, p) for p in PLACEMENTS if p != "after-comments"
    for a in ("external-file", "external-url", "billion-laughs")]


@pytest.mark.parametrize(("attack", "placement"), CASES)
def test_doctype_refused_in_plain_xml(tmp_path, fifo_canary, recorder, attack, placement):
    prologue, _ = split_seed()
    doctype, ref = _doctypes(fifo_canary.path, recorder.url)[attack]
    data = _hostile(_placements(prologue)[placement](doctype), ref)
    path = tmp_path / "attack.xml"
    path.write_bytes(data)
    for recover in (False, True):
        exc = _check_refused(path, str(path), recover=recover, secrets=[fifo_canary.SECRET])
        if "1mb" not in placement:
            assert isinstance(exc, UnsafeInputError) and "DOCTYPE" in exc.message
        else:
            assert isinstance(exc, UnsafeInputError)
    assert not fifo_canary.was_opened(), "an entity made the reader open a local file"
    assert recorder.connections == 0, "an entity made the reader touch the network"


@pytest.mark.parametrize("container", ["gz", "zip", "zip-of-gz"])
@pytest.mark.parametrize("attack", ["external-file", "external-url", "billion-laughs", "parameter-entity"])
def test_doctype_refused_in_archives(tmp_path, fifo_canary, recorder, attack, container):
    prologue, _ = split_seed()
    doctype, ref = _doctypes(fifo_canary.path, recorder.url)[attack]
    data = _hostile(prologue + doctype + b"\n", ref)
    if container == "gz":
        path = tmp_path / "attack.xml.gz"
        path.write_bytes(gzip_of(data))
        display = str(path)
    elif container == "zip":
        path = tmp_path / "attack.zip"
        path.write_bytes(zip_of({"site/attack.xml": data}))
        display = f"{path}!site/attack.xml"
    else:
        path = tmp_path / "attack.zip"
        path.write_bytes(zip_of({"attack.xml.gz": gzip_of(data)}))
        display = f"{path}!attack.xml.gz"
    for recover in (False, True):
        exc = _check_refused(path, display, recover=recover, secrets=[fifo_canary.SECRET])
        assert isinstance(exc, UnsafeInputError) and "DOCTYPE" in exc.message
    assert not fifo_canary.was_opened()
    assert recorder.connections == 0


@pytest.mark.parametrize("form", ["utf-16-le-bom", "utf-16-be-bom", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_doctype_in_wide_encodings_refused(tmp_path, fifo_canary, recorder, form):
    """An ASCII scan cannot see a UTF-16 DOCTYPE: such files are refused whole."""
    prologue, _ = split_seed()
    doctype, ref = _doctypes(fifo_canary.path, recorder.url)["external-file"]
    text = _hostile(prologue + doctype + b"\n", ref).decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    codec = form.removesuffix("-bom")
    data = text.encode(codec)
    if form.endswith("-bom"):
        data = ("\ufeff").encode(codec) + data
    path = tmp_path / "attack.xml"
    path.write_bytes(data)
    for recover in (False, True):
        _check_refused(path, str(path), recover=recover, secrets=[fifo_canary.SECRET])
    assert not fifo_canary.was_opened()


def test_doctype_spelled_in_declared_utf7_refused(tmp_path):
    """UTF-7 writes ``<!DOCTYPE`` as ``+ADwAIQ-DOCTYPE``: the prologue is read in the declared encoding."""
    prologue, doc = split_seed()
    head = prologue.replace(b'encoding="UTF-8"', b'encoding="UTF-7"')
    data = head + b'+ADwAIQ-DOCTYPE rss +AFs-+ADwAIQ-ENTITY x +ACI-INJECTED+ACI-+AD4-+AF0-+AD4-\n' + doc
    path = tmp_path / "attack.xml"
    path.write_bytes(data)
    exc = _check_refused(path, str(path), recover=False, secrets=[])
    assert isinstance(exc, UnsafeInputError)


def test_unknown_declared_encoding_refused(tmp_path):
    prologue, doc = split_seed()
    path = tmp_path / "attack.xml"
    path.write_bytes(prologue.replace(b'encoding="UTF-8"', b'encoding="X-NO-SUCH-CODEC"') + doc)
    _check_refused(path, str(path), recover=False, secrets=[])


@pytest.mark.parametrize("attack", ["external-file", "quadratic-blowup"])
def test_cli_refuses_with_location_and_exit_1(tmp_path, fifo_canary, recorder, attack):
    prologue, _ = split_seed()
    doctype, ref = _doctypes(fifo_canary.path, recorder.url)[attack]
    path = tmp_path / "attack.xml"
    path.write_bytes(_hostile(prologue + doctype + b"\n", ref))
    for args in (["info", str(path)], ["convert", str(path), "--to", "json", "-o", str(tmp_path / "o.json")],
                 ["convert", "--recover", str(path), "--to", "hugo", "-o", str(tmp_path / "site")]):
        done = cli(*args, timeout=30)
        assert done.returncode == 1, done.stderr
        assert re.search(re.escape(str(path)) + r":\d+:\d+: the export has a DOCTYPE", done.stderr), done.stderr
        assert "Traceback" not in done.stderr
        assert fifo_canary.SECRET not in done.stdout + done.stderr
    assert not (tmp_path / "o.json").exists() and not (tmp_path / "site").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert not fifo_canary.was_opened()
    assert recorder.connections == 0


def test_refused_sample_doctype_entity():
    path = Path(__file__).resolve().parents[2] / "samples" / "malformed" / "doctype-entity.xml"
    exc = _check_refused(path, str(path), recover=True, secrets=[])
    assert isinstance(exc, UnsafeInputError)


@pytest.mark.parametrize("writer", ["json", "wxr", "hugo"])
def test_no_fetch_without_doctype(tmp_path, fifo_canary, recorder, writer):
    """XInclude, a stylesheet PI, schemaLocation and media URLs pointing at local files or a
    local server are kept as data: nothing is opened or fetched."""
    prologue, doc = split_seed()
    head = prologue + b'<?xml-stylesheet type="text/xsl" href="%s"?>\n' % recorder.url("xsl").encode()
    inject = (
        b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://%s" parse="text"/>'
        b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="%s" parse="text"/>'
        b'<s:x xmlns:s="http://www.w3.org/2001/XMLSchema-instance" s:schemaLocation="urn:x %s"/>'
    ) % (str(fifo_canary.path).encode(), recorder.url("xi").encode(), recorder.url("xsd").encode())
    doc = doc.replace(b"</item>", inject + b"</item>", 1)
    path = tmp_path / "in.xml"
    path.write_bytes(head + doc)
    out = tmp_path / ("out" if writer == "hugo" else f"out.{writer}")
    migrate.convert([path], writer, out)
    texts = [p.read_bytes() for p in ([out] if out.is_file() else out.rglob("*")) if p.is_file()]
    assert texts and not any(fifo_canary.SECRET.encode() in t or b"NETWORK-CANARY" in t for t in texts)
    assert not fifo_canary.was_opened()
    assert recorder.connections == 0
