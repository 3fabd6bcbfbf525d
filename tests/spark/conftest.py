"""A Spark standalone cluster on localhost: one master and two workers, started per module.

The processes are Spark's own ``org.apache.spark.deploy.master.Master`` and
``org.apache.spark.deploy.worker.Worker``, launched through the pyspark distribution's
``bin/spark-class``; each runs in its own process group, so teardown stops the JVM and anything
it forked. Ports are chosen free; start-up waits for the master's web UI to report both workers
alive, with a deadline. Tests skip (with the reason) only when pyspark or Java is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The machine running the suite may be busy: JVM start-up can take minutes.
START_TIMEOUT_S = 420.0


@dataclass(frozen=True)
class Cluster:
    """A running standalone cluster: its master URL, web UI and a folder every node reads."""

    master_url: str
    web_ui: str
    shared: Path
    logs: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _spark_home() -> Path:
    pyspark = pytest.importorskip("pyspark")
    home = Path(pyspark.__file__).resolve().parent
    if not (home / "bin" / "spark-class").exists():
        pytest.skip(f"the pyspark distribution at {home} has no bin/spark-class")
    return home


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        pytest.skip("a Spark standalone cluster needs Java (no JAVA_HOME, no java on PATH)")
    return found


def _alive_workers(web_ui: str) -> int:
    try:
        with urllib.request.urlopen(f"{web_ui}/json/", timeout=5) as response:
            return int(json.load(response).get("aliveworkers", 0))
    except (OSError, ValueError):
        return 0


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the process group of one daemon: TERM, then KILL after a grace period."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def standalone_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Start a master and two workers (1 core, 1 GB each) and stop them after the module."""
    home = _spark_home()
    java = _java()
    root = tmp_path_factory.mktemp("spark-cluster")
    logs, shared = root / "logs", root / "shared"
    logs.mkdir()
    shared.mkdir()
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "JAVA_HOME": str(Path(java).resolve().parents[1]),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_DAEMON_MEMORY": "256m",
        "PYSPARK_PYTHON": sys.executable,
    }
    spark_class = str(home / "bin" / "spark-class")
    port, ui_port = _free_port(), _free_port()
    master_url, web_ui = f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{ui_port}"
    commands = [
        (
            "master",
            [
                spark_class,
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--webui-port",
                str(ui_port),
            ],
        ),
    ]
    for i in (1, 2):
        work = root / f"worker{i}"
        work.mkdir()
        commands.append(
            (
                f"worker{i}",
                [
                    spark_class,
                    "org.apache.spark.deploy.worker.Worker",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(_free_port()),
                    "--webui-port",
                    str(_free_port()),
                    "--cores",
                    "1",
                    "--memory",
                    "1g",
                    "--work-dir",
                    str(work),
                    master_url,
                ],
            )
        )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name, command in commands:
            with open(logs / f"{name}.log", "wb") as log:
                processes.append(
                    subprocess.Popen(
                        command,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                        start_new_session=True,
                    )
                )
        deadline = time.monotonic() + START_TIMEOUT_S
        while _alive_workers(web_ui) < 2:
            dead = [
                n for (n, _), p in zip(commands, processes, strict=True) if p.poll() is not None
            ]
            if dead or time.monotonic() > deadline:
                tails = "\n".join(
                    f"--- {n}.log ---\n" + (logs / f"{n}.log").read_text(errors="replace")[-2000:]
                    for n, _ in commands
                )
                reason = f"{dead} exited" if dead else f"not up after {START_TIMEOUT_S:.0f} s"
                pytest.fail(f"the Spark standalone cluster did not start: {reason}\n{tails}")
            time.sleep(2)
        yield Cluster(master_url=master_url, web_ui=web_ui, shared=shared, logs=logs)
    finally:
        for process in reversed(processes):
            _stop(process)
