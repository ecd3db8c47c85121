"""Front-end files of ipycallback 0.2.x left in Jupyter's dirs are found and named, with what to
do, in the server log at startup and in GET /ipycallback/status."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from ipycallback import _leftovers, _server_extension


def old_install(root: Path) -> tuple[Path, Path]:
    """A sys-prefix as `jupyter nbextension install/enable` and `labextension install` left it."""
    data, config = root / "share" / "jupyter", root / "etc" / "jupyter"
    (data / "nbextensions" / "ipycallback").mkdir(parents=True)
    (data / "nbextensions" / "ipycallback" / "extension.js").write_text(
        "define([], {})", encoding="utf-8"
    )
    (data / "lab" / "extensions").mkdir(parents=True)
    (data / "lab" / "extensions" / "ipycallback-0.2.5.tgz").write_bytes(b"")
    (config / "nbconfig" / "notebook.d").mkdir(parents=True)
    (config / "nbconfig" / "notebook.d" / "ipycallback.json").write_text("{}", encoding="utf-8")
    return data, config


def test_the_leftovers_of_an_old_install_are_found_once_each(tmp_path: Path) -> None:
    data, config = old_install(tmp_path / "old")
    clean = tmp_path / "clean"
    (clean / "labextensions" / "anywidget").mkdir(parents=True)
    found = _leftovers.find_leftovers([clean, data, data], [config])
    assert found == [
        str(data / "nbextensions" / "ipycallback"),
        str(data / "lab" / "extensions" / "ipycallback-0.2.5.tgz"),
        str(config / "nbconfig" / "notebook.d" / "ipycallback.json"),
    ]
    assert _leftovers.find_leftovers([clean], [clean]) == []


def test_jupyter_path_is_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "labextensions" / "ipycallback").mkdir(parents=True)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert str(tmp_path / "labextensions" / "ipycallback") in _leftovers.installed_leftovers()


def load(monkeypatch: pytest.MonkeyPatch, found: list[str]) -> tuple[dict[str, Any], list[str]]:
    monkeypatch.setattr(_server_extension, "installed_leftovers", lambda: found)
    warnings: list[str] = []
    app = SimpleNamespace(settings={"base_url": "/"}, add_handlers=lambda *a: None)
    log = SimpleNamespace(info=lambda *a: None, warning=warnings.append)
    _server_extension._load_jupyter_server_extension(SimpleNamespace(web_app=app, log=log))
    return app.settings, warnings


def test_the_server_log_names_each_leftover_and_the_way_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = ["/p/share/jupyter/nbextensions/ipycallback", "/p/etc/x/ipycallback.json"]
    settings, warnings = load(monkeypatch, found)
    assert settings["ipycallback_leftovers"] == found
    (warning,) = [w for w in warnings if "0.2.x" in w]
    for path in found:
        assert f"\n  {path}" in warning
    assert "jupyter nbextension uninstall ipycallback" in warning
    assert "jupyter labextension uninstall ipycallback" in warning


def test_a_clean_install_logs_no_leftover_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    settings, warnings = load(monkeypatch, [])
    assert settings["ipycallback_leftovers"] == []
    assert not [w for w in warnings if "0.2.x" in w]
