"""Shared by the LINE tests: the local LINE server with a group per district, a configuration that
sends to it, and district spreadsheets held in memory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from sync.config import Config, load_config
from sync.model import RawWorkbook
from sync.pipeline import run_sync, select_districts
from tests.conftest import AS_OF, CONFIG_DIR, compliant_tabs, write_config
from tests.line_server import LineServer

NOW = dt.datetime(2025, 1, 21, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
PROVINCE_GROUP = "C" + "f" * 32
MEMBERS = 5  # members of every district group: what a push to it costs
PROVINCE_MEMBERS = 8
TOKEN_ENV = "KHOKNONGNA_LINE_TOKEN"


def group_of(code: str) -> str:
    return f"C{int(code):032x}"


@pytest.fixture(name="line")
def line_fixture(monkeypatch):
    """The local LINE platform with the provincial group and a group for every configured district."""
    with LineServer(quota=1000) as server:
        server.add_group(PROVINCE_GROUP, "สพจ.เชียงราย โคก หนอง นา", PROVINCE_MEMBERS)
        for district in yaml.safe_load((CONFIG_DIR / "districts.yaml").read_text(encoding="utf-8"))["districts"]:
            server.add_group(group_of(district["code"]), f"พช.อ.{district['name']}", MEMBERS)
        monkeypatch.setenv(TOKEN_ENV, server.token)
        yield server


CODES = ("5701", "5702", "5705", "5709")  # a small province: four districts are quicker to check than 17


def line_config(tmp_path: Path, server: LineServer | None, *, budget: int = 500, timeout: float = 2.0,
                retries: int = 2, groups: dict[str, str] | None = None, enabled: bool = True,
                codes: tuple[str, ...] = CODES) -> Config:
    """The repo's configuration with every path in tmp_path, `codes` as the province's districts, LINE on
    and pointed at `server`."""
    districts = yaml.safe_load((CONFIG_DIR / "districts.yaml").read_text(encoding="utf-8"))["districts"]
    districts = [d for d in districts if d["code"] in codes]
    for district in districts:
        district["line_group"] = (groups or {}).get(district["code"], group_of(district["code"]))
    settings = {
        "enabled": enabled,
        "endpoint": server.url if server else "http://127.0.0.1:9",
        "province_group": PROVINCE_GROUP,
        "monthly_budget": budget,
        "timeout_seconds": timeout,
        "max_retries": retries,
        "backoff_seconds": 0.01,
    }
    extra = yaml.safe_dump({"districts": districts, "line": settings}, allow_unicode=True)
    (tmp_path / "wb").mkdir(parents=True, exist_ok=True)
    return load_config(write_config(tmp_path, tmp_path / "wb", extra))


class MemoryBackend:
    """District spreadsheets as in-memory tabs (compliant unless given), each with a Google-like link."""

    def __init__(self, tabs: dict[str, dict]):
        self.tabs = tabs

    def read(self, district):
        link = f"https://docs.google.com/spreadsheets/d/sheet-{district.code}"
        return RawWorkbook(f"memory:{district.code}", self.tabs.get(district.code, compliant_tabs()), link=link)

    def write_status(self, district, raw, sheet):
        pass

    def write_summary(self, sheets):
        return "memory"


def with_open_items() -> dict:
    """A district with two causes needing action on 2025-01-21: a missing sector and January's report."""
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"].pop()
    del tabs["คณะทำงานขับเคลื่อน"][-1]  # ภาคประชาชน has no member
    return tabs


OPEN = {"5702": with_open_items(), "5705": with_open_items(), "5709": with_open_items()}


def sync(config: Config, tabs: dict = OPEN, as_of: dt.date = AS_OF, **options):
    """A sync of the whole province (the spreadsheets in memory)."""
    now = options.pop("now", NOW)
    return run_sync(config, as_of, select_districts(config), backend=MemoryBackend(tabs), now=now, **options)


def received(server: LineServer) -> dict[str, int]:
    """How many messages each group received, by district code ("province" for the provincial group)."""
    counts: dict[str, int] = {}
    for delivery in server.platform.deliveries:
        who = "province" if delivery.group == PROVINCE_GROUP else str(int(delivery.group[1:], 16))
        counts[who] = counts.get(who, 0) + 1
    return counts
