"""Google faults on the local Sheets/Drive server (tests/sheets_server) with injected faults: 429 and 5xx,
timeouts and dropped connections, a read-only share, a look-alike status tab. One spreadsheet's fault
must not end the run (5701's is the faulty one); a fault of the whole run (the Drive listing) ends it
cleanly: one line, exit 1, recorded failed."""

from __future__ import annotations

from tests.conftest import compliant_tabs
from tests.faults import checks as c
from tests.faults.lab import DISTRICTS, Lab
from tests.faults.model import Fault
from tests.sheets_server import DEFAULT_CLIENT_EMAIL, SOMEONE_ELSE
from tests.sheets_server.controls import READ_KINDS, WRITE_KINDS

LOOKALIKE = "สถานะ(อัตโนมัติ)"


def spreadsheets(*, read_only: tuple[str, ...] = (), lookalike: tuple[str, ...] = (), skip: tuple[str, ...] = (),
                 **google):
    """Setup: a spreadsheet per district on the local server (work open in each), the config to it."""

    def setup(lab: Lab) -> None:
        world = lab.with_google()
        for code, name in DISTRICTS:
            if code in skip:
                continue
            tabs = compliant_tabs()
            if code in lookalike:
                tabs[LOOKALIKE] = [["บันทึกของเจ้าหน้าที่", "ห้ามลบ"], ["ประชุม ๒๐ ม.ค.", "นายอำเภอมา"]]
            world.add_district(code, name, tabs, read_only=code in read_only)
        lab.configure(backend=world.backend(**google), outputs={"summary": None})

    return setup


def sync(lab: Lab) -> None:
    lab.sync()


def faulty(inject):
    """Run: a sync with the fault `inject(server, ids)` in place (the server's documented controls;
    `ids`: district code → spreadsheet id)."""

    def run(lab: Lab) -> None:
        inject(lab.google.server, lab.google.ids)
        lab.sync()

    return run


def every_request_429(server, ids) -> None:
    server.fail_every_request(429)


def status_writes_fail(status: int):
    """Every write to 5701's spreadsheet (the status write, whichever request makes it) fails."""

    def inject(server, ids) -> None:
        server.fail_method(sorted(WRITE_KINDS), status, spreadsheet_id=ids["5701"])

    return inject


def reads_time_out(server, ids) -> None:
    server.time_out(ids["5701"], seconds=3)


def connections_dropped(server, ids) -> None:
    server.drop_connections(spreadsheet_id=ids["5701"])


def drive_listing_dropped(server, ids) -> None:
    server.drop_connections("drive.files.list")


def status_answer_lost(server, ids) -> None:
    """The write lands, its answer is lost: the client cannot tell it from a failed write."""
    server.add_fault(503, after=True, kind=sorted(WRITE_KINDS), spreadsheet_id=ids["5701"])


def storms(lab: Lab) -> None:
    server = lab.google.server
    server.add_fault(429, count=2, kind=sorted(READ_KINDS))
    server.add_fault(503, count=2, kind=sorted(WRITE_KINDS))
    server.add_fault(None, drop=True, count=1, kind="drive.files.list")
    lab.sync()


def not_shared(lab: Lab) -> None:
    sid = lab.google.server.create_spreadsheet("5701 เมืองเชียงราย (สำเนา)", compliant_tabs(), owner=SOMEONE_ELSE)
    districts = lab.settings["districts"]
    districts[0] = {**districts[0], "spreadsheet": sid}
    lab.configure(districts=districts)
    lab.sync()


def init_from_xlsx(lab: Lab) -> None:
    lab.cli("init", "--backend", "google", "--config", str(lab.config_path), "--from-xlsx", str(lab.workbooks))


def uploaded(lab: Lab) -> str | None:
    titles = {lab.google.server.spreadsheet(sid)["properties"]["title"] for sid in lab.google.server.spreadsheet_ids()}
    missing = [f"{code} {name}" for code, name in DISTRICTS if f"{code} {name}" not in titles]
    return f"no spreadsheet for {missing}" if missing else None


def workbooks_and_google(lab: Lab) -> None:
    lab.districts()
    world = lab.with_google()
    lab.configure(backend=world.backend(), outputs={"summary": None})


ONE_SPREADSHEET = (c.exits(1), c.written("5702", "5703"), c.no_traceback)
WHOLE_RUN = (c.exits(1), c.history("failed"), c.no_traceback)


FAULTS = [
    Fault("google.sync", "a sync of three districts' spreadsheets: status tabs written, officer tabs and formulas "
          "untouched", spreadsheets(), sync,
          (c.exits(0), c.written("5701", "5702", "5703"), c.no_traceback)),
    Fault("google.429_and_5xx_for_a_while", "429 on reads, 503 on writes, a dropped Drive listing, each a few "
          "times: survived with bounded retries", spreadsheets(), storms,
          (c.exits(0), c.written("5701", "5702", "5703"), c.no_traceback)),
    Fault("google.429_everywhere", "429 on every request, after the bounded retries: the run fails cleanly, "
          "recorded failed (issue 11)", spreadsheets(), faulty(every_request_429), WHOLE_RUN),
    Fault("google.status_write_429", "429 on every write to one spreadsheet (its status write): that "
          "district's status not written, the others are (issue 11)",
          spreadsheets(),
          faulty(status_writes_fail(429)),
          ONE_SPREADSHEET),
    Fault("google.status_write_5xx", "503 on every write to one spreadsheet (its status write) (issue 11)",
          spreadsheets(),
          faulty(status_writes_fail(503)),
          ONE_SPREADSHEET),
    Fault("google.read_timeout", "every read of one spreadsheet times out: that district unreadable, the others "
          "processed (issue 11)", spreadsheets(timeout_seconds=1),
          faulty(reads_time_out), (*ONE_SPREADSHEET, c.unreadable("5701"))),
    Fault("google.connection_drop", "every connection to one spreadsheet is dropped: that district unreadable, the "
          "others processed (issue 11)", spreadsheets(), faulty(connections_dropped),
          (*ONE_SPREADSHEET, c.unreadable("5701"))),
    Fault("google.status_write_answer_lost", "a status write lands but its answer is lost (503 after the write): "
          "written again, nothing else changes", spreadsheets(),
          faulty(status_answer_lost),
          (c.exits(0), c.written("5701", "5702", "5703"), c.no_traceback)),
    Fault("google.drive_list_drop", "every Drive files.list connection dropped: the run fails cleanly (issue 11)",
          spreadsheets(), faulty(drive_listing_dropped), WHOLE_RUN),
    Fault("google.read_only_share", "a spreadsheet shared read-only with the service account (403 on adding the "
          "status tab): reported, naming whom to share with as editor; the others processed (issue 11)",
          spreadsheets(read_only=("5701",)), sync,
          (*ONE_SPREADSHEET, c.says(DEFAULT_CLIENT_EMAIL), c.says_any("editor", "Editor"))),
    Fault("google.lookalike_status_tab", "an officer tab named สถานะ(อัตโนมัติ) on Google: its cells left alone, "
          "reported (issue 11)", spreadsheets(lookalike=("5701",)), sync,
          (c.written("5701", "5702", "5703"), c.finding("5701", "data.lookalike_status_tab"), c.no_traceback)),
    Fault("google.not_shared", "a configured spreadsheet not shared with the service account (403 on read)",
          spreadsheets(), not_shared, (*ONE_SPREADSHEET, c.unreadable("5701", "share it with"))),
    Fault("google.no_spreadsheet", "a district whose spreadsheet was deleted", spreadsheets(skip=("5701",)),
          sync, (*ONE_SPREADSHEET, c.unreadable("5701"))),
    Fault("init.google_from_xlsx_without_summary", "init --backend google --from-xlsx without outputs.summary "
          "uploads the workbooks (issue 11)", workbooks_and_google, init_from_xlsx,
          (c.exits(0), uploaded, c.no_traceback)),
]
