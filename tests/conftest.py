"""Shared fixtures: every widget in the unit tests talks to a RecordingComm."""

from __future__ import annotations

from collections.abc import Iterator

import comm
import pytest
from recording_comm import RecordingComm

from ipycallback import SlowTunnelWidget

# The JupyterLab + Chromium fixtures (jupyter_lab, browser, notebook, ...) and --chromium.
pytest_plugins = ["ipycallback_testing.plugin"]


@pytest.fixture(autouse=True)
def recording_comm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(comm, "create_comm", RecordingComm)


@pytest.fixture
def tunnel() -> Iterator[SlowTunnelWidget]:
    widget = SlowTunnelWidget()
    yield widget
    widget.close()
