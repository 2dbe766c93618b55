"""A signal stops a batch at a safe point while the executor's loop polls, at once otherwise."""

from __future__ import annotations

import signal

import pytest

from migrate.batch import stop


def test_outside_a_polled_loop_the_signal_stops_at_once():
    with pytest.raises(stop.BatchInterrupted) as info:
        stop.request(signal.SIGTERM)
    assert info.value.signum == signal.SIGTERM
    stop.check()  # nothing left behind


def test_inside_a_polled_loop_the_stop_waits_for_the_check():
    reached = []
    with pytest.raises(stop.BatchInterrupted) as info:
        with stop.polled():
            stop.request(signal.SIGTERM)  # as from the handler: recorded only
            reached.append("after the signal")
            stop.check()
            reached.append("not reached")
    assert reached == ["after the signal"] and info.value.signum == signal.SIGTERM
    stop.check()


def test_a_stop_asked_for_on_the_way_out_still_stops():
    with pytest.raises(stop.BatchInterrupted):
        with stop.polled():
            stop.request(signal.SIGINT)
    stop.check()


def test_another_error_is_not_replaced_by_a_pending_stop():
    with pytest.raises(ValueError):
        with stop.polled():
            stop.request(signal.SIGTERM)
            raise ValueError("the loop's own failure")
    stop.check()  # the run ended with its own error: nothing is left for the next one


def test_the_local_executor_stops_at_the_top_of_its_loop(tmp_path):
    """A signal recorded while jobs run ends the run before the next job starts, workers stopped."""
    from batchhelp import gen

    from migrate.batch.executors import LocalExecutor
    from migrate.batch.manifest import discover

    for k in range(3):
        gen(tmp_path / "in" / f"s{k}.xml", 3, k)
    batch = discover(tmp_path / "in", "json", tmp_path / "out")
    ex = LocalExecutor(1)
    run = ex.run(batch.jobs, lambda *event: None)
    first = next(run)
    stop.request(signal.SIGTERM)  # the generator waits inside its polled loop: recorded only
    with pytest.raises(stop.BatchInterrupted):
        next(run)
    assert first.status == "done"
    assert len([p for p in (tmp_path / "out").glob("*.json")]) < 3, "it stopped before the last job"
    assert ex._pool is None
    stop.check()
