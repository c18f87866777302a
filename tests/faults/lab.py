"""One fault's private world: a folder with three districts' workbooks (made the way officers make
them: a photo, a chart, a comment, sparklines, custom XML), a configuration, the servers the fault
needs, and every `cli.py` process it ran."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from sync.service.history import History, Run
from tests import officer_workbooks as officer
from tests.faults import parts
from tests.faults.mail import SmtpServer
from tests.faults.processes import REPO, CliRun, Process, cli_argv, end_groups, left_behind
from tests.faults.sheets import GoogleWorld

AS_OF = "2025-01-21"  # the day after January's report was due: reminders go out, and the summary (day 21)
DISTRICTS = (("5701", "เมืองเชียงราย"), ("5702", "เวียงชัย"), ("5703", "เชียงของ"))
CONFIG_DIR = REPO / "config"


@functools.cache
def _master_workbook() -> Path:
    """An officer's workbook built once per process (tests/officer_workbooks.py)."""
    folder = Path(tempfile.mkdtemp(prefix="faults-master-"))
    atexit.register(shutil.rmtree, folder, True)
    return officer.build(folder / "officer.xlsx")


def merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        nested = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = merge(merged[key], value) if nested else value
    return merged


class Lab:
    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o755)  # the service user of the permission faults must reach it
        self.folder = folder
        self.workbooks = folder / "wb"
        self.workbooks.mkdir(exist_ok=True)
        self.out = folder / "out"
        self.state = self.out / "state"
        self.config_path = folder / "config.yaml"
        self.settings: dict = {
            "include": [str(CONFIG_DIR / n) for n in ("province.yaml", "districts.yaml", "programme.yaml")],
            "districts": [{"code": c, "name": n, "emails": [f"cd{c}@example.go.th"]} for c, n in DISTRICTS],
            "backend": {"kind": "xlsx", "workbooks": str(self.workbooks)},
            "outputs": {"summary": str(self.out / "summary.xlsx"), "outbox": str(self.out / "outbox"),
                        "state": str(self.state)},
            "email": {"attach_pdf": False},
        }
        self.runs: list[CliRun] = []
        self.smtp: SmtpServer | None = None
        self.google: GoogleWorld | None = None
        self.kills = 0  # SIGKILLs the fault sent: each may repeat the one memo in flight
        self.ambiguous = 0  # sends the fault cut off after the server took them: each may repeat once
        self.expected_memos: set[str] = set()  # memos that must have arrived when the fault is over
        self.watched: list[Path] = []  # officer files outside the workbooks folder
        self.officer_saves: dict[Path, Path] = {}  # workbook → the officer's version saved during the run
        self.user: int | None = None  # the service user, when not root
        self.problems: list[str] = []  # what went wrong half-way through a fault's run
        self.context: dict = {}  # what a fault's setup leaves for its run and checks
        self.current: Process | None = None
        self.groups: list[int] = []  # the process group of every cli.py started
        self._cleanup: list[Callable[[], None]] = [lambda: end_groups(self.groups)]
        self.configure()

    # --- building the world ----------------------------------------------------------------------------
    def workbook(self, code: str, name: str | None = None, *, file_name: str | None = None) -> Path:
        """An officer's workbook for the district, `CODE NAME.xlsx` unless `file_name`."""
        name = name or dict(DISTRICTS)[code]
        path = self.workbooks / (file_name or f"{code} {name}.xlsx")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_master_workbook(), path)
        return path

    def districts(self, *, skip: tuple[str, ...] = ()) -> None:
        for code, name in DISTRICTS:
            if code not in skip:
                self.workbook(code, name)

    def configure(self, **sections) -> Path:
        """Write the configuration: the base above with `sections` merged in (None removes a key)."""
        self.settings = merge(self.settings, sections)
        clean = {k: v for k, v in self.settings.items() if v is not None}
        clean["outputs"] = {k: v for k, v in clean["outputs"].items() if v is not None}
        self.config_path.write_text(yaml.safe_dump(clean, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return self.config_path

    def with_smtp(self, *, up: bool = True) -> SmtpServer:
        """A real SMTP server for the memos (`up` False: nothing listens on its port yet)."""
        self.smtp = SmtpServer()
        if up:
            self.smtp.start()
        self.on_close(self.smtp.stop)
        smtp = {"host": "127.0.0.1", "port": self.smtp.port, "security": "none", "timeout_seconds": 5}
        self.configure(email={"smtp": smtp})
        return self.smtp

    def with_google(self) -> GoogleWorld:
        self.google = GoogleWorld(self.folder)
        self.on_close(self.google.stop)
        return self.google

    def on_close(self, action: Callable[[], None]) -> None:
        self._cleanup.append(action)

    def close(self) -> None:
        for action in reversed(self._cleanup):
            action()
        self._cleanup.clear()

    # --- running the real programs -----------------------------------------------------------------------
    def start(self, *args: str, hooks: tuple[str, ...] = (), user: int | None = None,
              memory_mib: int | None = None, umask: int = 0o022) -> Process:
        """A `cli.py` process (as `user`, with at most `memory_mib` of address space, under `umask`)."""
        self.current = Process(cli_argv(list(args), list(hooks)), list(args), self.folder / "logs",
                               user=user, memory_mib=memory_mib, umask=umask, cwd=self.folder)
        self.groups.append(self.current.pid)
        return self.current

    def finish(self, process: Process, timeout: float = 180) -> CliRun:
        result = process.wait(timeout)
        self.runs.append(result)
        return result

    def cli(self, *args: str, timeout: float = 180, **options) -> CliRun:
        return self.finish(self.start(*args, **options), timeout)

    def sync_args(self, *extra: str, as_of: str = AS_OF) -> list[str]:
        return ["sync", "--config", str(self.config_path), "--as-of", as_of, *extra]

    def sync(self, *extra: str, as_of: str = AS_OF, **options) -> CliRun:
        return self.cli(*self.sync_args(*extra, as_of=as_of), **options)

    def kill(self, process: Process) -> None:
        process.kill()
        self.kills += 1

    @property
    def last(self) -> CliRun:
        return self.runs[-1]

    # --- observing ---------------------------------------------------------------------------------------
    def officer_snapshot(self, *, expected: bool = False) -> dict[str, parts.Parts]:
        """Officer parts now; `expected`: as they must be after the run (an officer's save replaces
        the parts of the workbook saved)."""
        shot = parts.snapshot(parts.officer_files(self.workbooks) + self.watched)
        if expected:
            shot |= {str(path.resolve()): parts.file_parts(saved) for path, saved in self.officer_saves.items()}
        if self.google:
            shot |= self.google.snapshot()
        return shot

    def left_behind(self, grace: float = 3.0) -> list[str]:
        """Processes the fault's runs left running (after `grace` seconds for them to end)."""
        deadline = time.monotonic() + grace
        while (found := left_behind(self.groups)) and time.monotonic() < deadline:
            time.sleep(0.1)
        return found

    def expect(self, check) -> None:
        """Check something half-way through the run (e.g. right after a kill)."""
        problem = check(self)
        if problem:
            self.problems.append(f"after run {len(self.runs)}: {problem}")

    def history(self) -> list[Run]:
        """The run history, newest first (as `cli.py history` reads it)."""
        return History(self.state).recent(100) if (self.state / "history.sqlite").exists() else []

    def path_of(self, code: str) -> Path:
        """The district's workbook in the folder (a link, a folder or a damaged file too)."""
        suffixes = (".xlsx", ".xlsm", ".xls", ".ods")
        [path] = [p for p in self.workbooks.iterdir() if p.name.startswith(code) and p.name.endswith(suffixes)]
        return path
