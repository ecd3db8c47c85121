"""The runtime's `ipycallback` command runs the code generator when it is installed, says how to
install it when it is not, and the generator refuses a runtime of another version."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import ipycallback
from ipycallback import _cli

SCRIPT = Path(sys.executable).parent / "ipycallback"


def test_codegen_runs_through_the_runtime_command() -> None:
    done = subprocess.run([SCRIPT, "codegen", "--help"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: ipycallback codegen")


def test_without_the_generator_codegen_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(metadata, "entry_points", lambda group: [])
    with pytest.raises(SystemExit) as exited:
        _cli.main(["codegen", "schemas/search.py", "--py", "x.py"])
    assert exited.value.code == 2
    assert f"pip install 'ipycallback-codegen=={ipycallback.__version__}'" in (
        capsys.readouterr().err
    )
    with pytest.raises(SystemExit) as exited:
        _cli.main(["--help"])
    assert exited.value.code == 0
    assert "codegen  (not installed: pip install ipycallback-codegen)" in capsys.readouterr().out


def test_unknown_commands_and_no_command_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for args in ([], ["nope"]):
        with pytest.raises(SystemExit) as exited:
            _cli.main(args)
        assert exited.value.code == 2
        assert "usage: ipycallback COMMAND" in capsys.readouterr().err


def test_the_generator_refuses_a_runtime_of_another_version(tmp_path: Path) -> None:
    # As after `pip install --no-deps`: the runtime reports another version than the generator.
    code = (
        "import ipycallback; ipycallback.__version__ = '9.9.9'; "
        "from ipycallback._cli import main; main(['codegen', '--check'])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    generator = metadata.version("ipycallback-codegen")
    assert f"ipycallback-codegen {generator}" in done.stderr
    assert "ipycallback 9.9.9 is installed" in done.stderr
    assert "pip install 'ipycallback-codegen==9.9.9'" in done.stderr
