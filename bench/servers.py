"""Servers and load for the HTTP figures: `syndicate serve`, a bare WSGI endpoint under the same
server and settings, nginx on a static export, and wrk. Everything listens on 127.0.0.1 only, and
every process started here is stopped here, by its own pid."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .common import ROOT, percentile

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Process:
    """A subprocess that listens on a port; a context manager that always stops it."""

    def __init__(self, name: str, command: Sequence[str], port: int, *, env: Mapping[str, str] | None = None,
                 log: Path | None = None, stop_signal: int = signal.SIGTERM, cwd: Path | None = None) -> None:
        self.name, self.command, self.port = name, list(command), port
        self.env = {**os.environ, **(env or {})}
        self.log_path = log
        self.stop_signal = stop_signal
        self.cwd = cwd
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 30.0) -> Process:
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115  closed below
        try:
            self.proc = subprocess.Popen(self.command, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         cwd=self.cwd, start_new_session=True)
        finally:
            if self.log_path:
                out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with status {self.proc.returncode} "
                                   f"before listening{self._tail()}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} did not listen on port {self.port} within {timeout:g} s{self._tail()}")

    def _tail(self) -> str:
        if self.log_path and self.log_path.is_file():
            return ": " + self.log_path.read_text(errors="replace")[-600:].strip()
        return ""

    def stop(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(self.stop_signal)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def serving_pid(self) -> int:
        """The process answering requests: the one web process under gunicorn's arbiter, or
        the process itself (a single-process server)."""
        children = [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent_of(int(p)) == self.pid]
        return children[0] if len(children) == 1 else self.pid

    def __enter__(self) -> Process:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def syndicate_server(data_dir: Path, port: int, log: Path, **env: str) -> Process:
    """`syndicate serve` (one web process of 8 threads, as the bare endpoint) with no speech workers."""
    environ = {"SYNDICATE_DATA_DIR": str(data_dir), "SYNDICATE_SPEECH_WORKERS": "-1",
               "PYTHONPATH": str(ROOT), **env}
    command = [sys.executable, "-m", "syndicate.cli", "serve", "--host", HOST, "--port", str(port), "--workers", "0",
               "--web-processes", "1"]
    return Process("syndicate serve", command, port, env=environ, log=log)


def bare_server(fixtures: Path, port: int, log: Path) -> Process:
    command = [sys.executable, "-m", "bench.bare", "--port", str(port), str(fixtures)]
    return Process("bare endpoint", command, port, env={"PYTHONPATH": str(ROOT)}, log=log, cwd=ROOT)


NGINX_CONF = """\
worker_processes auto;
user root;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    types {{ application/rss+xml xml; application/feed+json json; audio/mpeg mp3; }}
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server {{
        listen {host}:{port};
        root {site};
        index index.html;
    }}
}}
"""


DEPLOY_NGINX = ROOT / "deploy" / "nginx.conf"
DEPLOY_MAIN = """\
worker_processes 2;
user root;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    keepalive_requests 100000;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/syndicate.conf;
}}
"""


def render_deploy_nginx(tree: Path, app_port: int, port: int) -> str:
    """deploy/nginx.conf with its three EDIT values set: the tree, the app's port, our port."""
    text = DEPLOY_NGINX.read_text(encoding="utf-8")
    for default, value in (("root /srv/syndicate/public;", f"root {tree};"),
                           ("server 127.0.0.1:8000;", f"server {HOST}:{app_port};"),
                           ("listen 80;", f"listen {HOST}:{port};")):
        if text.count(default) != 1:
            raise ValueError(f"deploy/nginx.conf: expected one {default!r}")
        text = text.replace(default, value)
    return text


def nginx_deploy_server(tree: Path, app_port: int, work: Path, port: int) -> Process | None:
    """nginx with the shipped deploy/nginx.conf, serving `tree` and passing the rest to the
    app on `app_port`; None when nginx is not installed."""
    binary = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
    if binary is None:
        return None
    work.mkdir(parents=True, exist_ok=True)
    (work / "syndicate.conf").write_text(render_deploy_nginx(tree, app_port, port))
    conf = work / "nginx.conf"
    conf.write_text(DEPLOY_MAIN.format(work=work))
    command = [binary, "-p", str(work), "-c", str(conf), "-e", str(work / "error.log")]
    return Process("nginx (deploy config)", command, port, log=work / "stdout.log", stop_signal=signal.SIGQUIT)


def nginx_server(site: Path, work: Path, port: int) -> Process | None:
    """nginx serving the static export at `site`; None when nginx is not installed."""
    binary = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
    if binary is None:
        return None
    work.mkdir(parents=True, exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, host=HOST, port=port, site=site))
    command = [binary, "-p", str(work), "-c", str(conf), "-e", str(work / "error.log")]
    return Process("nginx", command, port, log=work / "stdout.log", stop_signal=signal.SIGQUIT)


# -- requests -------------------------------------------------------------------------------

@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), default)


def fetch(url: str, headers: Mapping[str, str] | None = None, timeout: float = 60.0) -> Fetched:
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Fetched(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as exc:
        return Fetched(exc.code, dict(exc.headers.items()), exc.read())


# -- wrk ------------------------------------------------------------------------------------

def wrk_path() -> str | None:
    return shutil.which("wrk")


@dataclass
class Load:
    """What one wrk run measured."""

    rps: float
    p50: float  # seconds
    p99: float
    requests: int
    bad: int  # non-2xx/3xx responses plus socket errors

    def describe(self) -> str:
        return f"{self.rps:,.0f} req/s (p50 {self.p50 * 1000:.2f} ms, p99 {self.p99 * 1000:.2f} ms)"


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _duration(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"wrk: cannot read duration {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> Load:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _duration(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _duration(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    bad = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        bad += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        bad += sum(int(g) for g in match.groups())
    return Load(rps, p50, p99, requests, bad)


def wrk(url: str, seconds: float, *, headers: Mapping[str, str] | None = None, threads: int = 2,
        connections: int = 16, script: Path | None = None) -> Load:
    """One wrk run of `seconds` against `url` (keep-alive connections, latency percentiles)."""
    command = [wrk_path() or "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    done = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()[:300]}")
    return parse_wrk(done.stdout)


def rotating_script(path: Path, paths: Sequence[str]) -> Path:
    """A wrk script that requests `paths` in turn."""
    quoted = ",\n".join(f'  "{p}"' for p in paths)
    path.write_text(
        "local paths = {\n" + quoted + "\n}\nlocal i = 0\n"
        "request = function()\n  i = i + 1\n  return wrk.format(nil, paths[(i % #paths) + 1])\nend\n")
    return path


def python_load(urls: Sequence[str], seconds: float, threads: int = 8) -> Load:
    """A plain client (threads, one connection each) for when wrk is missing."""
    from concurrent.futures import ThreadPoolExecutor

    latencies: list[float] = []
    bad = 0
    deadline = time.monotonic() + seconds

    def worker(offset: int) -> None:
        nonlocal bad
        i = offset
        while time.monotonic() < deadline:
            start = time.perf_counter()
            status = fetch(urls[i % len(urls)]).status
            latencies.append(time.perf_counter() - start)
            bad += status >= 400
            i += threads

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    elapsed = time.perf_counter() - started
    return Load(len(latencies) / elapsed, percentile(latencies, 50), percentile(latencies, 99), len(latencies), bad)
