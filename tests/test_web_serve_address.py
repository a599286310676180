"""`busywork serve --host 0.0.0.0` (or ::) prints an address a browser can open, as the
sandbox does, and says it listens on every interface."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.parametrize(
    ("host", "reach"),
    [
        ("0.0.0.0", "127.0.0.1"),
        pytest.param("::", "[::1]", marks=pytest.mark.skipif(not _ipv6_loopback(),
                                                              reason="no IPv6 loopback")),
    ],
)  # fmt: skip
def test_serve_on_all_interfaces_prints_an_address_a_browser_can_open(tmp_path, host, reach):
    command = [sys.executable, "-c", "from cli import main; main()", "serve", "--host", host,
               "--port", "0", "--api-token", "secret-token-1", "--data", str(tmp_path / "d")]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    try:
        banner = proc.stdout.readline()
        found = re.match(rf"Dashboard: (http://{re.escape(reach)}:\d+)/ ", banner)
        assert found, banner
        assert proc.stdout.readline() == (
            f"Listening on all interfaces ({host}): from another machine, use this machine's "
            "address instead\n"
        )
        # The printed address works.
        answer = requests.get(found.group(1) + "/api/jobs", timeout=30,
                              headers={"Authorization": "Bearer secret-token-1"})  # fmt: skip
        assert answer.status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
        proc.stdout.close()
        proc.stderr.close()
    assert "secret-token-1" not in banner


def test_serve_on_loopback_says_nothing_of_other_interfaces(tmp_path):
    command = [sys.executable, "-c", "from cli import main; main()", "serve", "--port", "0",
               "--data", str(tmp_path / "d")]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    try:
        assert proc.stdout.readline().startswith("Dashboard: http://127.0.0.1:")
        assert proc.stdout.readline().startswith("Jobs and runs live under")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
        proc.stdout.close()
        proc.stderr.close()
