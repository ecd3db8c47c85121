"""Shared fixtures: every widget in the unit tests talks to a RecordingComm."""

from __future__ import annotations

from collections.abc import Iterator

import comm
import pytest
from fake_clock import FakeClock
from recording_comm import RecordingComm

from ipycallback import SlowTunnelWidget
from ipycallback.tunnel.pacing import TokenBucket

# The JupyterLab + Chromium fixtures (jupyter_lab, browser, notebook, ...) and --chromium.
pytest_plugins = ["ipycallback_testing.plugin"]


@pytest.fixture(autouse=True)
def recording_comm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(comm, "create_comm", RecordingComm)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Every widget's clock, driven by the test; tests that use it define their own `tunnel`."""
    clock = FakeClock()
    monkeypatch.setattr(SlowTunnelWidget, "_clock", clock)
    # A budget that never runs dry, so each send leaves at once and tests see every frame.
    monkeypatch.setattr(SlowTunnelWidget, "_budget", TokenBucket(1e9, 1e9, clock.now))
    return clock


@pytest.fixture
def tunnel() -> Iterator[SlowTunnelWidget]:
    widget = SlowTunnelWidget()
    yield widget
    widget.close()
