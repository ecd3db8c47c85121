"""A real Jupyter server beside an old install's nbextension: the log says what to remove, the
status endpoint lists it, and the server (and the tunnel's extension) still starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_leftovers import old_install

from ipycallback_testing import JupyterServer

pytestmark = pytest.mark.browser  # drives a real Jupyter server


def test_a_server_beside_0_2_leftovers_names_them_and_still_serves(tmp_path: Path) -> None:
    data, config = old_install(tmp_path / "old")
    env = {"JUPYTER_PATH": str(data), "JUPYTER_CONFIG_PATH": str(config)}
    root = tmp_path / "root"
    root.mkdir()
    with JupyterServer(root, env=env) as server:
        status = server.api("GET", "ipycallback/status")
        log = server.log_text()
    expected = [
        str(data / "nbextensions" / "ipycallback"),
        str(data / "lab" / "extensions" / "ipycallback-0.2.5.tgz"),
        str(config / "nbconfig" / "notebook.d" / "ipycallback.json"),
    ]
    assert status["leftovers"] == expected
    assert status["tcp_nodelay"] is True
    assert "front-end files of ipycallback 0.2.x are still installed" in log
    for path in expected:
        assert path in log
