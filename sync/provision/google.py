"""Provision the district spreadsheets on Google Sheets (`python cli.py init --backend google`).

Plan, then apply, district by district, after ONE Drive `files.list` (titles, ids, sharing):

* No spreadsheet yet (none titled "CODE NAME", or the district's `spreadsheet` title): a Drive
  `files.create` (in `backend.google.folder` when set), then ONE `spreadsheets.batchUpdate` that lays
  it out: the contract tabs of DOMAIN.md §4 in order with their row-1 headers (with `--from-xlsx`:
  the district workbook's own tabs and cells instead), bold frozen header rows, drop-downs
  (ONE_OF_LIST, warning only: officers' synonyms stay accepted) from the programme configuration,
  date formats on date columns, the empty status tab formatted like the sync backend formats it
  (colours, warning-only protection), locale th_TH and time zone Asia/Bangkok. The batch is all or
  nothing: a failure leaves a complete spreadsheet or a bare one, which the next `init` lays out.
  Then one Drive permission per district address (writer, no notification mail).
* A spreadsheet exists: it is read (one `spreadsheets.get` of the header rows, more only when tabs
  are missing) and only repaired, never rewritten: a missing frozen header row, drop-down or date
  format of a contract column, the status tab or its protection and colours, sharing. Officer tabs
  are never added, removed or renamed there, officer cells never written, and a workbook is never
  uploaded over it (the upload is skipped with a note: init uploads only into a spreadsheet it
  creates). When nothing is missing nothing is written: the district is "unchanged".

Workbook upload (`read_workbook`): text and numbers go in as they are (typed values, never parsed,
so "20/12/2567" stays text), date cells become date serial numbers with a date format, formulas
go in as formulas. All of it travels in the one layout batchUpdate (`updateCells`).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping

import gspread
from gspread.exceptions import APIError

from sync.backends import SourceUnreadable
from sync.backends.google import open_client
from sync.config import Config, ConfigError, District
from sync.provision.google_drive import Drive
from sync.provision.google_layout import Layout
from sync.provision.google_repair import Repair
from sync.provision.report import InitError, InitReport, Outcome
from sync.provision.workbooks import Workbook

log = logging.getLogger("khoknongna.provision")


class Provisioner:
    """Provision district spreadsheets through the backend's HTTP client (endpoint override, rate
    limit, bounded retries and request counts included)."""

    def __init__(self, config: Config, client: gspread.Client | None = None):
        if config.backend.google is None:
            raise ConfigError("backend.google: the Google settings are needed for `init --backend google`")
        self.config = config
        self.settings = config.backend.google
        if client is None:
            client, self.http, self.client_email = open_client(config)
        else:
            self.http, self.client_email = client.http_client, ""
        self.client = client
        self.drive = Drive(self.http, self.settings, self.client_email)
        self.layout = Layout(config.programme)
        self.repair = Repair(self.http, self.layout)

    # --- the run -------------------------------------------------------------------------------------
    def run(
        self,
        districts: Iterable[District],
        workbooks: Mapping[str, Workbook | Exception] | None = None,
        *,
        dry_run: bool = False,
        summary: bool = True,
    ) -> InitReport:
        """Provision `districts` (uploading `workbooks[code]` into spreadsheets it creates) and the
        provincial summary spreadsheet."""
        outcomes = []
        self.drive.list_files()
        for district in districts:
            label = f"{district.code} {district.name}"
            workbook = workbooks.get(district.code) if workbooks is not None else None
            try:
                outcomes.append(self.district(district, workbook, dry_run=dry_run, expect_upload=workbooks is not None))
            except (InitError, SourceUnreadable) as exc:
                outcomes.append(Outcome(label, "failed", error=str(exc)))
            except APIError as exc:
                outcomes.append(Outcome(label, "failed", error=_api_message(exc)))
            log.info("%s", outcomes[-1].lines(dry_run)[0])
        if summary:
            try:
                outcomes.append(self.summary(dry_run=dry_run))
            except (InitError, APIError) as exc:
                error = _api_message(exc) if isinstance(exc, APIError) else str(exc)
                outcomes.append(Outcome("provincial summary", "failed", error=error))
        return InitReport(outcomes, dry_run, Counter(self.http.counts))

    def district(
        self,
        district: District,
        workbook: Workbook | Exception | None = None,
        *,
        dry_run: bool = False,
        expect_upload: bool = False,
    ) -> Outcome:
        title = district.spreadsheet or f"{district.code} {district.name}"
        outcome = Outcome(f"{district.code} {district.name}")
        spreadsheet_id = self.drive.find(title)
        if spreadsheet_id is None:
            tabs = self.layout.upload_tabs(workbook, expect_upload, outcome)
            outcome.action = "created"
            requests = self.layout.layout(tabs, outcome, remove=[0])
            if not dry_run:
                spreadsheet_id = self.drive.create(title)
                try:
                    self.http.batch_update(spreadsheet_id, {"requests": requests})
                except APIError as exc:
                    raise InitError(
                        f"created spreadsheet {spreadsheet_id} but could not lay it out ({_api_message(exc)});"
                        " it is empty: run init again to lay it out"
                    ) from exc
            outcome.spreadsheet_id = spreadsheet_id or ""
            shared = self.drive.share(spreadsheet_id, district.emails, "writer", {}, outcome, dry_run)
            outcome.changes.append(f"shared with {shared} address(es)" if shared else "shared with nobody")
            return outcome

        outcome.spreadsheet_id = spreadsheet_id
        expected = self.repair.expected_titles(workbook)
        sheets, bare = self.repair.inspect(spreadsheet_id, expected)
        if bare is not None:  # no contract tab, no status tab, not a single value: lay it out
            tabs = self.layout.upload_tabs(workbook, expect_upload, outcome)
            requests = self.layout.layout(tabs, outcome, remove=bare)
            outcome.changes.insert(0, "laid out the empty spreadsheet")
        else:
            if isinstance(workbook, Workbook):
                outcome.notes.append("exists, so the workbook was not uploaded (init never uploads over a spreadsheet)")
            requests = self.repair.repairs(sheets, outcome)
        if requests and not dry_run:
            self.http.batch_update(spreadsheet_id, {"requests": requests})
        file = self.drive.files.get(spreadsheet_id, {})
        self.drive.share(spreadsheet_id, district.emails, "writer", file, outcome, dry_run)
        if outcome.changes:
            outcome.action = "updated"
        return outcome

    def summary(self, *, dry_run: bool = False) -> Outcome:
        """The provincial summary spreadsheet: created empty when missing (the sync adds its tabs),
        shared with the provincial staff as readers."""
        name = self.settings.summary_spreadsheet
        outcome = Outcome("provincial summary")
        spreadsheet_id = self.drive.find(name)
        if spreadsheet_id is None:
            outcome.action = "created"
            outcome.changes.append(f"titled {name!r}")
            if not dry_run:
                spreadsheet_id = self.drive.create(name)
        outcome.spreadsheet_id = spreadsheet_id or ""
        file = self.drive.files.get(spreadsheet_id, {}) if spreadsheet_id else {}
        shared = self.drive.share(spreadsheet_id, self.config.province.staff_emails, "reader", file, outcome, dry_run)
        if outcome.action == "created":
            outcome.changes.append(f"shared with {shared} staff address(es) (reader)")
        if outcome.changes and outcome.action == "unchanged":
            outcome.action = "updated"
        return outcome


def _api_message(exc: APIError) -> str:
    if exc.code == 403:
        return f"permission denied ({exc.error.get('message', exc)}): share it with the service account"
    if exc.code == 429:
        return "Google's rate limit answered 429 after every retry: run init again later"
    return f"Google API error {exc.code}: {exc.error.get('message', exc)}"
