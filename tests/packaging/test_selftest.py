"""``upstream --self-test`` and ``--version`` from the installed console script."""

from __future__ import annotations

import io
import socket

import pytest

import desktop.selftest as selftest
from desktop import __version__
from desktop.cli import main
from desktop.selftest import SelfTestFailed, watch_outbound
from tests.helpers.cli import run_cli

CHECK_NAMES = ("version", "qt", "store", "demo data", "import", "analysis", "report", "network")


def test_version_prints_the_package_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"upstream {__version__}"


def test_self_test_passes_and_says_what_it_checked() -> None:
    result = run_cli("--self-test", env={"QT_QPA_PLATFORM": "xcb"})  # it forces offscreen
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for name in CHECK_NAMES:
        assert any(line.split()[:2] == ["ok", name.split()[0]] for line in lines), name
    assert "rows stored (reader process)" in result.stdout
    assert "'offscreen'" in result.stdout
    assert lines[-1].startswith("Self-test passed")


def _broken_check(ctx: object) -> str:
    import upstream_module_that_is_not_installed  # type: ignore[import-not-found]  # noqa: F401

    return "unreachable"


def test_a_failing_check_exits_1_naming_the_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        selftest, "CHECKS", (("version", selftest._check_version), ("store", _broken_check))
    )
    assert main(["--self-test"]) == 1
    out, err = capsys.readouterr()
    assert "  ok   version" in out
    assert "FAIL store" in out
    assert "self-test failed at 'store': ModuleNotFoundError" in err
    assert "Self-test passed" not in out


def test_a_check_that_opens_a_connection_fails_the_self_test(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]

        def phones_home(ctx: object) -> str:
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                return "connected"

        monkeypatch.setattr(selftest, "CHECKS", (("phone", phones_home),))
        with pytest.raises(SelfTestFailed, match="outbound connection attempted"):
            selftest.run_self_test(io.StringIO())


def test_watch_outbound_records_only_inside_its_block() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        address = listener.getsockname()
        with socket.create_connection(address, timeout=5):
            pass  # before the block: not recorded
        with watch_outbound() as seen:
            with socket.create_connection(address, timeout=5):
                pass
            socket.getaddrinfo("localhost", None)
        with socket.create_connection(address, timeout=5):
            pass  # after the block: not recorded
    assert len(seen) == 3  # create_connection looks the name up, then connects
    assert any(item.startswith("connect ('127.0.0.1'") for item in seen)
    assert "name lookup 'localhost'" in seen
