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
