"""Put district workbooks on the local Sheets server the way the product does (`cli.py init
--backend google --from-xlsx`): through sync.provision."""

from __future__ import annotations

from pathlib import Path

from sync.backends.google_http import RetryPolicy
from sync.config import Config
from sync.pipeline import select_districts
from sync.provision import Provisioner, load_workbooks


def google_backend_yaml(
    credentials: Path | list[Path], url: str, summary: str, rate_limit: int = 100000, **more
) -> str:
    """The `backend:` line of a test configuration for the local server (`more`: other settings
    of backend.google, e.g. timeout_seconds=0.5)."""
    extra = "".join(f", {key}: {value}" for key, value in more.items())
    if isinstance(credentials, list):
        credentials = "[" + ", ".join(str(c) for c in credentials) + "]"
    return (
        f"backend: {{kind: google, google: {{credentials: {credentials}, endpoint: '{url}',"
        f" summary_spreadsheet: {summary}, rate_limit_per_minute: {rate_limit},"
        f" project_rate_limit_per_minute: {rate_limit}, drive_rate_limit_per_minute: {rate_limit}{extra}}}}}\n"
    )


def provisioner(config: Config) -> Provisioner:
    prov = Provisioner(config)
    prov.http.retry = RetryPolicy(max_retries=5, base_delay=0.01, max_delay=0.05)
    return prov


_read: dict[tuple[str, tuple[str, ...]], dict] = {}  # the session's demo workbooks are read once


def upload_workbooks(config: Config, folder: Path) -> dict[str, str]:
    """One spreadsheet per district workbook of `folder`, made by `init --from-xlsx`; code → id."""
    districts = select_districts(config)
    key = (str(folder), tuple(d.code for d in districts))
    if key not in _read:
        _read[key] = load_workbooks(config, folder, districts)
    report = provisioner(config).run(districts, _read[key], summary=False)
    failed = [o.lines(False) for o in report.failed]
    assert not failed, failed
    return {d.code: o.spreadsheet_id for d, o in zip(districts, report.outcomes, strict=True)}
