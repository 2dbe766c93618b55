"""The plan store: its tables answer as the dict, set and sorted list they stand for."""

from __future__ import annotations

import io
import json
import pickle
from datetime import timedelta, timezone

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from migrate.writers.static import plan_store
from migrate.writers.static.core import Entry, RedirectsJson
from migrate.writers.static.plan_store import PlanStore

keys = st.integers(-2, 6) | st.sampled_from(["a", "b", "ä", ""])  # few: the same key comes back
values = st.integers() | st.text(max_size=12) | st.tuples(st.integers(), st.text(max_size=4)) | st.none()

ops = st.lists(st.one_of(
    st.tuples(st.just("set"), keys, values),
    st.tuples(st.just("add_new"), keys, values),
    st.tuples(st.just("setdefault"), keys, values),
    st.tuples(st.just("get"), keys, values),
    st.tuples(st.just("contains"), keys, values),
    st.tuples(st.just("len"), keys, values),  # (writes the buffered rows)
    st.tuples(st.just("rewrite_all"), keys, values),  # walk the table, writing every row back changed
), max_size=80)


@settings(max_examples=150, deadline=None)
@given(ops, st.integers(1, 5))
@example([("set", 1, 1), ("contains", 1, None), ("get", 1, None), ("add_new", 1, 2), ("set", "a", 3),
          ("add_new", "b", 4), ("len", 0, None)], 4)
def test_table_is_a_dict(steps, batch):
    plan_store._BATCH, saved = batch, plan_store._BATCH  # small batches: buffered and written rows mix
    try:
        table = PlanStore().table("t")
        model: dict = {}
        for op, k, v in steps:
            if op == "set":
                table[k] = v
                model[k] = v
            elif op == "add_new":
                assert table.add_new(k, v) == (k not in model)
                model.setdefault(k, v)
            elif op == "setdefault":
                assert table.setdefault(k, v) == model.setdefault(k, v)
            elif op == "get":
                assert table.get(k, "absent") == model.get(k, "absent")
            elif op == "contains":
                assert (k in table) == (k in model)
            elif op == "len":
                assert len(table) == len(model)
            else:
                for key, value in table.items():
                    table[key] = (value, "again")
                    model[key] = (value, "again")
        assert list(table.items()) == list(model.items())
        assert list(table.keys()) == list(model)
        by_key = sorted(model, key=lambda x: (isinstance(x, str), x))  # SQLite: numbers before text
        assert [k for k, _ in table.items(by_key=True)] == by_key
    finally:
        plan_store._BATCH = saved


def test_walking_a_big_table_pages_through_every_row():
    table = PlanStore().table("t")
    n = plan_store._PAGE * 2 + 7
    for i in range(n, 0, -1):
        table[i] = i * 2
    assert [k for k, _ in table.items()] == list(range(n, 0, -1))
    assert [v for v in table.values(by_key=True)] == [i * 2 for i in range(1, n + 1)]
    for seq, v in table.values_with_order(by_key=True):
        assert v == 2 * (n - seq + 1)


@given(st.lists(st.tuples(st.text(st.characters(exclude_categories=["Cs"])),
                          st.text(st.characters(exclude_categories=["Cs"]))), max_size=30))
def test_pairs_come_back_in_pythons_order(pairs):
    stored = PlanStore().pairs("p")
    for pair in pairs:
        stored.append(pair)
    assert list(stored.sorted()) == sorted(pairs)
    assert len(stored) == len(pairs)


def test_key_set_says_what_is_new():
    seen = PlanStore().key_set("s")
    assert seen.add_new("a") and not seen.add_new("a") and "a" in seen and "b" not in seen
    seen.add("b")
    assert len(seen) == 2


def test_a_frozen_store_goes_by_path_and_is_only_read(tmp_path):
    store = PlanStore(tmp_path / "plan.sqlite")
    table = store.table("t")
    table["k"] = {"v": 1}
    with pytest.raises(TypeError):
        pickle.dumps(table)  # not frozen: other processes would not see the rows
    store.freeze()
    copy = pickle.loads(pickle.dumps(table))
    assert len(pickle.dumps(table)) < 200
    assert copy["k"] == {"v": 1} and list(copy.items()) == [("k", {"v": 1})]
    with pytest.raises(RuntimeError, match="frozen"):
        copy["x"] = 1
    with pytest.raises(RuntimeError, match="frozen"):
        table.add_new("x", 1)
    with pytest.raises(TypeError):
        pickle.dumps(PlanStore().table("t"))  # in memory: no path to go by


offsets = st.integers(-18 * 60 + 1, 18 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))


@given(st.none() | st.datetimes(timezones=offsets | st.just(timezone.utc)), st.text(max_size=5),
       st.lists(st.text(max_size=5), max_size=3), st.booleans())
def test_entries_pickle_to_equal_entries(date, slug, aliases, flag):
    e = Entry(id=3, type="post", status="publish", kind="post", slug=slug, segments=(slug,), title="t",
              date=date, url="/u/" if flag else None, key=slug, has_children=flag, file="f",
              bundle_dir=None if flag else "b", aliases=aliases, draft=flag, password=not flag)
    got = pickle.loads(pickle.dumps(e, protocol=pickle.HIGHEST_PROTOCOL))
    assert got == e
    if date is not None:
        assert got.date.utcoffset() == date.utcoffset()


texts = st.text(st.characters(exclude_categories=["Cs"]))  # what XML can hold


@given(st.lists(st.tuples(texts, texts), max_size=5))
def test_redirects_json_is_laid_out_as_json_dumps_lays_it_out(pairs):
    buf = io.BytesIO()
    listed = RedirectsJson(buf)
    for old, new in pairs:
        listed.add(old, new)
    listed.close()
    want = json.dumps({"redirects": [{"from": o, "to": n, "status": 301} for o, n in pairs]},
                      ensure_ascii=False, indent=2) + "\n"
    assert buf.getvalue() == want.encode("utf-8")
