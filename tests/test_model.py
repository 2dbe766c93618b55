"""The neutral model's date handling: the fast parse agrees with the pattern it shortcuts."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from migrate.model import Post, WPDate, date_text, parse_wp_date, pub_date_as_wp
from tests import strategies

_PATTERN = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})\s*$")


def reference_parse(value: str | None) -> datetime | None:
    """What WordPress dates meant before the fast path: the pattern, then the calendar."""
    if not value:
        return None
    m = _PATTERN.match(value)
    if not m:
        return None
    try:
        return datetime(*(int(g) for g in m.groups()))
    except ValueError:
        return None


def reference_aware(d: WPDate, fallback: timedelta | None) -> datetime | None:
    local, gmt = reference_parse(d.local), reference_parse(d.gmt)
    off = None
    if local is not None and gmt is not None:
        seconds = round((local - gmt).total_seconds() / 60) * 60
        off = None if abs(seconds) > 18 * 3600 else timedelta(seconds=seconds)
    if local is not None:
        return local.replace(tzinfo=timezone(off if off is not None else fallback or timedelta(0)))
    if gmt is not None:
        gmt = gmt.replace(tzinfo=timezone.utc)
        try:
            return gmt.astimezone(timezone(fallback)) if fallback else gmt
        except OverflowError:  # cannot be shown in the site's offset: stays UTC
            return gmt
    return None


_DIGITS = st.sampled_from("0123456789") | st.sampled_from("٠١٢٣٤٥٦٧٨٩０１x -:T")


@st.composite
def date_strings(draw) -> str:
    """Mostly well-shaped dates (valid, impossible, zero), with damaged and odd ones mixed in."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        dt = draw(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)))
        return dt.replace(microsecond=0).isoformat(sep=draw(st.sampled_from([" ", "T"])))
    if kind == 1:
        parts = [draw(st.integers(0, 9999)), draw(st.integers(0, 99)), draw(st.integers(0, 99)),
                 draw(st.integers(0, 99)), draw(st.integers(0, 99)), draw(st.integers(0, 99))]
        return "{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format(*parts)
    if kind == 2:
        base = list("2012-05-01 10:00:00")
        i = draw(st.integers(0, len(base) - 1))
        base[i] = draw(_DIGITS)
        return "".join(base)
    return draw(st.text(max_size=22))


@given(date_strings())
@example("2012-05-01 10-00:00")  # the C parser reads "-00:00" as an offset
@example("2012-05-01 10:00+01")
@example("2012-W18-1 10:00:00")  # an ISO week date
@example("2012-05-01 10:00:0\u0661")
def test_parse_wp_date_agrees_with_the_pattern(value):
    assert parse_wp_date(value) == reference_parse(value)


@given(date_strings(), date_strings(),
       st.none() | st.integers(-14 * 60, 14 * 60).map(lambda m: timedelta(minutes=m)))
@example("0012-05-01 10:00:00", "2012-05-01 10-00:00", None)
@example("2012-05-01 10-00:00", "", None)
@example("", "0001-01-01 00:00:00", timedelta(minutes=-1))
def test_aware_agrees_with_the_reference(local, gmt, fallback):
    d = WPDate(local, gmt)
    got, want = d.aware(fallback), reference_aware(d, fallback)
    assert got == want
    if got is not None:
        assert got.utcoffset() == want.utcoffset()


@given(date_strings(), date_strings(),
       st.none() | st.integers(-14 * 60, 14 * 60).map(lambda m: timedelta(minutes=m)))
@example("0001-01-01 00:00:00", "", timedelta(hours=1))
@example("9999-12-31 23:30:00", "", timedelta(hours=-1))
def test_utc_is_the_same_moment_or_the_edge_of_the_calendar(local, gmt, fallback):
    d = WPDate(local, gmt)
    aware, utc = d.aware(fallback), d.utc(fallback)
    assert (aware is None) == (utc is None)
    if utc is not None:
        assert utc.utcoffset() == timedelta(0)
        edge = aware.year in (1, 9999)
        assert utc == aware or (edge and utc.replace(tzinfo=None) == aware.replace(tzinfo=None))


@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)))
def test_date_text_is_the_wordpress_shape_for_every_year(dt):
    text = date_text(dt)
    assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}", text)
    assert parse_wp_date(text) == dt.replace(microsecond=0)


def test_zero_and_damaged_dates_read_as_absent():
    assert parse_wp_date("0000-00-00 00:00:00") is None
    assert parse_wp_date("2012-02-30 10:00:00") is None
    assert parse_wp_date("2012-05-01 10:00:0x") is None
    assert parse_wp_date(" 2012-05-01 10:00:00 ") == datetime(2012, 5, 1, 10, 0, 0)
    assert not WPDate("0000-00-00 00:00:00", "0000-00-00 00:00:00")


@given(strategies.posts)
def test_records_pickle_to_equal_records(post):
    """Items go through pickle between a conversion's passes and to worker processes."""
    import pickle

    from migrate import model

    got = pickle.loads(pickle.dumps(post, protocol=pickle.HIGHEST_PROTOCOL))
    assert got == post and type(got) is Post
    assert got.identity() == post.identity()
    assert pickle.loads(pickle.dumps(post.identity())) == post.identity()
    for c, d in zip(got.comments, post.comments):
        assert type(c) is type(d) is model.Comment and c.date == d.date
    with pytest.raises(FrozenInstanceError):
        got.title = "changed"  # still the frozen record it was


@pytest.mark.parametrize("pub,want", [
    ("Wed, 04 Mar 2009 09:03:00 +0000", WPDate("2009-03-04 09:03:00", "2009-03-04 09:03:00")),
    ("Wed, 04 Mar 2009 09:03:00 -0800", WPDate("2009-03-04 09:03:00", "2009-03-04 17:03:00")),
    ("Wed, 04 Mar 2009 09:03:00 GMT", WPDate("2009-03-04 09:03:00", "2009-03-04 09:03:00")),
    ("Wed, 04 Mar 2009 09:03:00 -0000", WPDate("2009-03-04 09:03:00", "")),  # zone unknown
    ("2009-03-12", WPDate("2009-03-12 00:00:00", "")),
    ("2009-03-12T10:00:00+02:00", WPDate("2009-03-12 10:00:00", "2009-03-12 08:00:00")),
    ("", None), ("yesterday", None), ("Wed, 32 Mar 2009 09:03:00 +0000", None),
])
def test_pub_date_as_wp(pub, want):
    assert pub_date_as_wp(pub) == want


def test_an_item_without_dates_is_dated_by_its_pub_date_for_converters_only():
    p = Post(1, pub_date="Wed, 04 Mar 2009 09:03:00 -0800")
    assert p.date == WPDate()  # as read: a round trip writes no date it did not have
    assert p.identity().date == p.dated() == WPDate("2009-03-04 09:03:00", "2009-03-04 17:03:00")
    dated = Post(2, pub_date="Wed, 04 Mar 2009 09:03:00 +0000", date=WPDate("2010-01-01 10:00:00", ""))
    assert dated.identity().date == dated.date  # its own date wins
    assert Post(3, pub_date="soon").identity().date == WPDate()


@given(st.text(max_size=40))
def test_pub_date_as_wp_never_raises(text):
    got = pub_date_as_wp(text)
    assert got is None or got.aware() is not None


@given(date_strings(), date_strings())
@example("0000-00-00 00:00:00", "0000-00-00 00:00:00")
@example("garbage", "")
def test_dated_falls_back_exactly_when_the_item_has_no_readable_date(local, gmt):
    """dated() tests the two dates without building an aware datetime; it must agree with aware()."""
    pub = "Wed, 04 Mar 2009 09:03:00 +0000"
    post = Post(1, pub_date=pub, date=WPDate(local, gmt))
    want = post.date if post.date.aware() is not None else pub_date_as_wp(pub)
    assert post.dated() == want


def test_which_comments_a_publishing_writer_leaves_out():
    from migrate.model import COMMENT_CHOICES, Comment

    note = Comment(1, type="note", approved="1")
    pending = Comment(2, approved="0")
    spam = Comment(3, approved="spam")
    assert [c.hidden_by(COMMENT_CHOICES["approved"]) for c in (note, pending, spam)] == ["private", "pending", "spam"]
    assert [c.hidden_by(COMMENT_CHOICES["all"]) for c in (note, pending, spam)] == ["private", None, None]
    assert Comment(4, type="pingback").hidden_by(COMMENT_CHOICES["approved"]) is None
