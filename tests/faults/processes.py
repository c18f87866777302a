"""Real `cli.py` processes: started, waited for (with a time limit), killed, measured (peak memory)."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOBODY = 65534  # the service user of the permission faults (root is not stopped by permissions)


@dataclass
class CliRun:
    """What one finished process did."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mib: float  # peak resident memory
    timed_out: bool = False

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        last = (self.stderr.strip() or self.stdout.strip()).splitlines()[-1:] or [""]
        return f"`{' '.join(self.args[:1])}` exit {self.returncode} in {self.seconds:.1f}s: {last[0][:300]}"


def python_for(user: int | None) -> tuple[str, list[str]]:
    """The interpreter a process of `user` runs, and what it needs on its path besides the repository.

    Another user may not reach this interpreter (pyenv's lives under /root, mode 0700): then the
    system's Python of the same minor version runs the same code with this environment's packages.
    """
    if user is None or os.access(sys.executable, os.X_OK, effective_ids=False) and _reachable(sys.executable):
        return sys.executable, []
    system = shutil.which(f"python{sys.version_info.major}.{sys.version_info.minor}", path="/usr/bin:/usr/local/bin")
    return system or sys.executable, [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]


def _reachable(path: str) -> bool:
    """Whether every folder above the real interpreter is open to others (x for all)."""
    real = Path(path).resolve()
    return all(p.stat().st_mode & 0o001 for p in real.parents)


def child_environment(home: Path, extra_path: list[str] = ()) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KHOKNONGNA_", "PYTEST_"))}
    path = os.pathsep.join([str(REPO), *extra_path])
    env.update(PYTHONPATH=path, HOME=str(home), PYTHONDONTWRITEBYTECODE="1", COLUMNS="200")
    return env


class Process:
    """A started `cli.py` (or tests.faults.hooks) process, in a session of its own (so that what it
    leaves behind can be found); its output goes to files in `logs`."""

    def __init__(self, argv: list[str], args: list[str], logs: Path, *, user: int | None = None,
                 memory_mib: int | None = None, umask: int = 0o022, cwd: Path = REPO):
        logs.mkdir(parents=True, exist_ok=True)
        stem = f"{time.monotonic_ns()}"
        self.out_path, self.err_path = logs / f"{stem}.out", logs / f"{stem}.err"
        self.args = args
        self.started = time.monotonic()

        def limit() -> None:
            os.umask(umask)
            if memory_mib:
                size = memory_mib * 1024 * 1024
                resource.setrlimit(resource.RLIMIT_AS, (size, size))

        python, extra_path = python_for(user)
        argv = [python if a == sys.executable else a for a in argv]
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            options = {"user": user, "group": user, "extra_groups": []} if user is not None else {}
            self.popen = subprocess.Popen(
                argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd, start_new_session=True,
                env=child_environment(logs.parent, extra_path), preexec_fn=limit, **options,
            )
        self.result: CliRun | None = None

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        """Not ended yet (asked without reaping it: `wait` measures it)."""
        if self.popen.returncode is not None:
            return False
        return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None

    def kill(self) -> None:
        if self.popen.returncode is None:
            os.kill(self.pid, signal.SIGKILL)

    def wait(self, timeout: float = 180) -> CliRun:
        """Wait for the process (killing it past `timeout` seconds) and read what it printed."""
        if self.result is not None:
            return self.result
        deadline = self.started + timeout
        timed_out = False
        while True:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline and not timed_out:
                timed_out = True
                self.kill()
            time.sleep(0.02)
        self.popen.returncode = os.waitstatus_to_exitcode(status)
        read = lambda path: path.read_bytes().decode("utf-8", "replace")  # noqa: E731
        self.result = CliRun(
            self.args, self.popen.returncode, read(self.out_path), read(self.err_path),
            time.monotonic() - self.started, usage.ru_maxrss / 1024, timed_out,
        )
        return self.result


def left_behind(groups: list[int]) -> list[str]:
    """Processes still alive in the process groups (sessions) of the `cli.py` processes that ended:
    helpers a run started (memo workers, their fork server) and did not end with it."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) in groups:
            found.append(f"{entry.name} {command[:120]}")
    return found


def end_groups(groups: list[int]) -> None:
    for group in groups:
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass


def cli_argv(args: list[str], hooks: list[str] = ()) -> list[str]:
    """`python cli.py ARGS`, or through tests.faults.hooks with actions at chosen calls."""
    if hooks:
        return [sys.executable, "-m", "tests.faults.hooks", *hooks, "--", *args]
    return [sys.executable, str(REPO / "cli.py"), *args]
