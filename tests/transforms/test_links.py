"""URL map and media store."""

from __future__ import annotations

import io
import re
import urllib.error

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.model import Identity, Site, WPDate
from migrate.transforms.context import TransformContext
from migrate.transforms.links import MediaStore, UrlMap, original_relpath, upload_relpath

SITE = Site(link="https://example.com", base_site_url="https://example.com",
            base_blog_url="https://example.com")


def ident(id, type, slug, link, guid="", attachment_url="", old=()):
    return Identity(id, type, "publish", slug, slug.title(), link, guid, 0, WPDate(),
                    attachment_url=attachment_url, old_slugs=old)


IDS = [
    ident(5, "post", "hello", "https://example.com/2010/09/hello/", "https://example.com/?p=5", old=("old-hello",)),
    ident(7, "page", "about", "https://example.com/about/", "https://example.com/?page_id=7"),
    ident(9, "attachment", "img", "https://example.com/2010/09/hello/img/",
          "https://example.com/wp-content/uploads/2010/09/img.jpg",
          "https://example.com/wp-content/uploads/2010/09/img.jpg"),
    ident(11, "post", "caf%c3%a9", "https://example.com/2011/01/caf%c3%a9/"),
]


@pytest.fixture
def urls() -> UrlMap:
    return UrlMap(IDS, SITE, lambda i: None if i.id == 404 else f"/new/{i.id}/")


@pytest.mark.parametrize("old,new", [
    ("https://example.com/2010/09/hello/", "/new/5/"),
    ("http://www.example.com/2010/09/hello", "/new/5/"),
    ("/2010/09/hello/#comment-3", "/new/5/#comment-3"),
    ("https://example.com/?p=5", "/new/5/"),
    ("https://example.com/?p=5&replytocom=3", "/new/5/?replytocom=3"),
    ("https://example.com/index.php?p=5", "/new/5/"),
    ("https://example.com/?page_id=7", "/new/7/"),
    ("https://example.com/?attachment_id=9", "/new/9/"),
    ("https://example.com/2010/09/hello/img/", "/new/9/"),
    ("https://example.com/2010/09/old-hello/", "/new/5/"),
    ("https://example.com/2011/01/café/", "/new/11/"),
])
def test_resolve_known_forms(urls, old, new):
    assert urls.resolve(old) == new


@pytest.mark.parametrize("home,link", [
    ("https://🚀-science.com/science", "https://xn---science-7f85g.com/science/?p=1"),
    ("https://xn--bcher-kva.de", "https://BÜCHER.de/?p=1"),
    ("https://bücher.de", "https://www.xn--bcher-kva.de/?p=1"),
])
def test_an_internationalised_host_is_one_host_in_both_spellings(home, link):
    site = Site(link=home, base_site_url=home, base_blog_url=home)
    urls = UrlMap([ident(1, "post", "p", f"{home}/p/", f"{home}/?p=1")], site, lambda i: "/new/")
    assert urls.resolve(link) == "/new/"
    assert urls.resolve("https://xn--zz-broken.com/?p=1") is None


@pytest.mark.parametrize("url", [
    "https://other.org/2010/09/hello/", "#top", "mailto:a@example.com", "https://example.com/nope/",
    "https://example.com/?page_id=5",  # a post id asked as a page
    "relative/page.html",
])
def test_resolve_unknown_is_none(urls, url):
    assert urls.resolve(url) is None


def test_upload_variants_map_to_the_original_attachment(urls):
    for url in (
        "https://example.com/wp-content/uploads/2010/09/img-300x200.jpg",
        "https://example.com/wp-content/uploads/2010/09/img.jpg?w=640",
        "https://i0.wp.com/example.com/wp-content/uploads/2010/09/img.jpg?resize=10",
        "https://examplecom.files.wordpress.com/2010/09/img-1024x768.jpg",
        "/wp-content/uploads/2010/09/img-scaled.jpg",
    ):
        found = urls.media(url)
        assert found is not None and found[0] is not None and found[0].id == 9, url
        assert found[1] == "2010/09/img.jpg"
    assert urls.media_path("/wp-content/uploads/2012/02/other-150x150.png") == "2012/02/other.png"
    assert urls.media("https://cdn.other.org/wp-content/uploads/2010/09/img.jpg") is None
    assert urls.media("https://example.com/2010/09/hello/") is None


def test_upload_relpath_rejects_traversal():
    assert upload_relpath("https://x/wp-content/uploads/../../etc/passwd") is None
    assert original_relpath("2010/09/a-e1600000000.jpg") == "2010/09/a.jpg"


def test_redirects(urls):
    pairs = dict(urls.redirects())
    assert pairs["/2010/09/hello/"] == "/new/5/"
    assert pairs["/?p=5"] == "/new/5/"
    assert pairs["/?page_id=7"] == "/new/7/"
    assert pairs["/?attachment_id=9"] == "/new/9/"
    assert pairs["/2010/09/old-hello/"] == "/new/5/"
    assert "/wp-content/uploads/2010/09/img.jpg" not in pairs  # the file itself stays a file


def test_redirects_skip_unchanged_paths():
    same = UrlMap(IDS[:1], SITE, lambda i: "https://new.example/2010/09/hello/")
    olds = [o for o, _ in same.redirects()]
    assert "/2010/09/hello/" not in olds and "/?p=5" in olds


def test_media_store_local_and_missing(tmp_path):
    (tmp_path / "2010" / "09").mkdir(parents=True)
    (tmp_path / "2010" / "09" / "a.jpg").write_bytes(b"JPG")
    store = MediaStore(tmp_path)
    ctx = TransformContext(item_id=1)
    assert store.fetch("2010/09/a.jpg", ctx=ctx) == b"JPG"
    assert store.fetch("2010/09/b.jpg", ctx=ctx) is None
    assert store.fetch("../secret", ctx=ctx) is None
    assert ctx.report.counts == {"media-missing": 2}
    assert all(f.severity == "warning" for f in ctx.report)


class _Resp(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def test_media_store_download_retries_then_caches(tmp_path, monkeypatch):
    monkeypatch.setattr("migrate.transforms.links.time.sleep", lambda s: None)
    calls = []

    def opener(req, timeout):
        calls.append(timeout)
        if len(calls) < 3:
            raise urllib.error.URLError("reset")
        return _Resp(b"DATA")

    store = MediaStore(None, download=True, cache_dir=tmp_path, opener=opener)
    assert store.fetch("2010/09/a.jpg", "https://example.com/wp-content/uploads/2010/09/a.jpg") == b"DATA"
    assert calls == [20.0, 20.0, 20.0]
    assert (tmp_path / "2010/09/a.jpg").read_bytes() == b"DATA"
    assert store.fetch("2010/09/a.jpg", "https://unused") == b"DATA" and len(calls) == 3


def test_media_store_download_gives_up_on_404(tmp_path, monkeypatch):
    monkeypatch.setattr("migrate.transforms.links.time.sleep", lambda s: None)
    calls = []

    def opener(req, timeout):
        calls.append(1)
        raise urllib.error.HTTPError(req.full_url, 404, "nf", {}, None)

    ctx = TransformContext()
    store = MediaStore(None, download=True, cache_dir=tmp_path, opener=opener)
    assert store.fetch("x.jpg", "https://e/x.jpg", ctx=ctx) is None
    assert len(calls) == 1 and ctx.report.counts == {"media-missing": 1}


@given(st.lists(st.sampled_from(["https://", "http://", "//", "", "ex.example", "i1.wp.com", "x.files.wordpress.com",
                                 "files.wordpress.com", "/", "wp-content", "uploads", "%2F", "%75ploads", "2010",
                                 "09", "a.jpg", "?w=640", "#f", "..", ".", ":8080", "WP-CONTENT", "Uploads", " "]),
                max_size=12).map("".join))
def test_upload_relpath_precheck_never_rejects_an_upload(url):
    """The cheap text check before parsing only turns away URLs the full parse would turn away."""
    from migrate.transforms import links

    assert links.upload_relpath(url) == _upload_relpath_unchecked(url)


def _upload_relpath_unchecked(url):
    from migrate.transforms import links

    saved = links._MAY_BE_UPLOAD
    links._MAY_BE_UPLOAD = re.compile("")
    try:
        return links.upload_relpath(url)
    finally:
        links._MAY_BE_UPLOAD = saved


_URL_PIECES = st.sampled_from([
    "https://", "http://", "HTTP://", "http:", "https:/", "//", "/", "", "example.com", "www.example.com",
    "user:pw@", "@", ":8080", ":", "[::1]", "[", "]", "?", "#", "&", "=", "p=5", "a", "b/", "%2F", "%",
    "\t", "\n", "\r", " ", "\x00", "\x1f", "é", "ä.example", "\u2100", "ｅ", "..", ".", ";x", "mailto:",
])


def _same_as_urlsplit(url):
    from urllib.parse import urlsplit

    from migrate.transforms.links import split_url

    try:
        want = urlsplit(url)
    except ValueError:
        with pytest.raises(ValueError):
            split_url(url)
        return
    assert split_url(url) == want


@given(st.lists(_URL_PIECES, max_size=12).map("".join))
def test_split_url_is_urlsplit(url):
    """The shortcut gives urlsplit's answer, or urlsplit's error, for any text."""
    _same_as_urlsplit(url)


@pytest.mark.parametrize("url", [
    "https://example.com/2010/09/hello/?a=1#top", "http://example.com", "http://example.com?x#y",
    "https://example.com#f/g?h", "/2010/09/hello/", "/a?b=/c#d?e", "https://ex.com/p:q@r",
    # what urlsplit removes, strips or checks
    "http://ex\tample.com/a\nb", "/a\rb", "http://[::1]:80/", "http://[::1/", "https://\u2100.com/",
    "http://caf\u00e9.com/", "/caf\u00e9/", "http://ex.com/\x00", "HTTPS://Ex.com/",
])
def test_split_url_common_shapes(url):
    _same_as_urlsplit(url)


def test_remembered_answers_are_forgotten_when_the_map_grows():
    urls = UrlMap([], SITE, lambda i: f"/new/{i.id}/")
    url = "https://example.com/2010/09/hello/"
    assert urls.resolve(url) is None and urls.media("https://example.com/wp-content/uploads/x.jpg") == (None, "x.jpg")
    urls.add(IDS[0])
    urls.add(ident(12, "attachment", "x", "", attachment_url="https://example.com/wp-content/uploads/x.jpg"))
    assert urls.resolve(url) == "/new/5/"
    assert urls.media("https://example.com/wp-content/uploads/x.jpg")[0].id == 12
