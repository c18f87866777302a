"""Quotas and injected faults of the local Sheets server: what a client of Google meets when it is
throttled, refused or cut off (issue 11's Google faults, issue 13's quotas)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from tests.sheets_server import DEFAULT_CLIENT_EMAIL, OFFICER_EMAIL, SheetsServer

REPO = Path(__file__).resolve().parents[1]
SAME_PROJECT = "other-account@khoknongna-test.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def server():
    with SheetsServer() as srv:
        yield srv


@pytest.fixture
def emu(server: SheetsServer) -> SheetsServer:
    server.reset(data=True)
    server.set_google_quotas(False)
    return server


class Client:
    def __init__(self, server: SheetsServer, email: str = DEFAULT_CLIENT_EMAIL, timeout: float = 10):
        self.server, self.timeout = server, timeout
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {server.token_for(email)}"

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> tuple[int, Any]:
        r = self.session.request(method, self.server.url + path, json=body, params=params, timeout=self.timeout)
        return r.status_code, (r.json() if r.content else None)

    def read(self, sid: str) -> tuple[int, Any]:
        return self.call("GET", f"/v4/spreadsheets/{sid}/values/{quote('Sheet1!A1:B2', safe='')}")

    def write(self, sid: str, value: str = "x") -> tuple[int, Any]:
        return self.call("POST", f"/v4/spreadsheets/{sid}/values:batchUpdate",
                         {"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": [[value]]}]})

    def list_files(self) -> tuple[int, Any]:
        return self.call("GET", "/drive/v3/files")


# --------------------------------------------------------------------------------------------------
# Quotas
# --------------------------------------------------------------------------------------------------


def test_quotas_are_off_by_default(emu: SheetsServer):
    sid = emu.create_spreadsheet("s")
    client = Client(emu)
    assert {client.read(sid)[0] for _ in range(120)} == {200}
    assert emu.quotas() == {"quota_per_minute": {"read": None, "write": None},
                            "project_quota_per_minute": {"read": None, "write": None}}


def test_google_quotas_60_per_user_and_300_per_project_reads_and_writes_apart(emu: SheetsServer):
    emu.set_google_quotas()
    sid = emu.create_spreadsheet("s", shared_with=[SAME_PROJECT] + [f"a{i}@khoknongna-test.iam.gserviceaccount.com"
                                                                    for i in range(4)])
    client = Client(emu)
    assert {client.read(sid)[0] for _ in range(60)} == {200}
    status, body = client.read(sid)
    assert status == 429
    error = body["error"]
    assert (error["code"], error["status"]) == (429, "RESOURCE_EXHAUSTED")
    assert error["message"].startswith("Quota exceeded for quota metric 'Read requests' and limit "
                                       "'Read requests per minute per user' of service 'sheets.googleapis.com'")
    info = error["details"][0]
    assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo" and info["reason"] == "RATE_LIMIT_EXCEEDED"
    assert info["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerUser"
    assert info["metadata"]["quota_limit_value"] == "60"
    assert client.write(sid)[0] == 200  # writes have their own bucket
    assert client.call("GET", "/drive/v3/files")[0] == 200  # Drive is not counted
    # Other accounts of the same project read until the project's 300 are used (60 were ours).
    others = [Client(emu, SAME_PROJECT)] + [Client(emu, f"a{i}@khoknongna-test.iam.gserviceaccount.com")
                                            for i in range(3)]
    assert {other.read(sid)[0] for other in others for _ in range(60)} == {200}
    last = Client(emu, "a3@khoknongna-test.iam.gserviceaccount.com")
    status, body = last.read(sid)
    assert status == 429
    assert "limit 'Read requests per minute' of service" in body["error"]["message"]
    assert body["error"]["details"][0]["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerProject"
    assert body["error"]["details"][0]["metadata"]["quota_limit_value"] == "300"
    # Another project has its own; a minute later everyone reads again.
    emu.share(sid, OFFICER_EMAIL, "writer")
    assert Client(emu, OFFICER_EMAIL).read(sid)[0] == 200
    stats = emu.stats()
    assert stats["throttled"] == 2 and stats["throttled_by_kind"] == {"values.get": 2}
    emu.advance_clock(61)
    assert client.read(sid)[0] == 200 and last.read(sid)[0] == 200


def test_quota_controls_over_http(emu: SheetsServer):
    url = emu.url + "/_emulator/quota"
    assert requests.post(url, json={"google": True}, timeout=5).json() == {
        "quota_per_minute": {"read": 60, "write": 60}, "project_quota_per_minute": {"read": 300, "write": 300}}
    assert requests.post(url, json={"write_per_minute": 5, "project_per_minute": None}, timeout=5).json() == {
        "quota_per_minute": {"read": None, "write": 5}, "project_quota_per_minute": {"read": None, "write": None}}
    assert requests.get(url, timeout=5).json()["quota_per_minute"] == {"read": None, "write": 5}
    emu.reset()
    assert emu.quotas()["quota_per_minute"] == {"read": None, "write": None}  # back to the constructor's


# --------------------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------------------


def test_429_on_every_request_in_each_api_s_own_shape_until_cleared(emu: SheetsServer):
    sid = emu.create_spreadsheet("s")
    emu.fail_every_request(429)
    client = Client(emu)
    for _ in range(3):
        status, body = client.read(sid)
        assert status == 429 and body["error"]["status"] == "RESOURCE_EXHAUSTED"
        assert body["error"]["details"][0]["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerUser"
    status, body = client.write(sid)
    assert status == 429 and body["error"]["details"][0]["metadata"]["quota_limit"] == "WriteRequestsPerMinutePerUser"
    status, body = client.list_files()
    assert status == 429
    assert body["error"]["errors"][0] == {"message": "Rate Limit Exceeded", "domain": "usageLimits",
                                          "reason": "rateLimitExceeded"}
    assert requests.post(emu.token_uri, data={"grant_type": "x"}, timeout=5).status_code == 400  # not the token
    emu.clear_faults()
    assert client.read(sid)[0] == 200
    assert emu.stats()["faults_by_kind"] == {"values.get": 3, "values.batchUpdate": 1, "drive.files.list": 1}


def test_429_or_5xx_on_one_method(emu: SheetsServer):
    sid = emu.create_spreadsheet("s")
    emu.fail_method("values.batchUpdate", 503)
    emu.fail_method("spreadsheets.batchUpdate", 429, count=1)
    client = Client(emu)
    assert client.write(sid) == (503, {"error": {"code": 503, "message": "The service is currently unavailable.",
                                                 "status": "UNAVAILABLE"}})
    assert client.write(sid)[0] == 503  # every time
    assert client.read(sid)[0] == 200
    batch = {"requests": [{"updateSpreadsheetProperties": {"properties": {"title": "t"}, "fields": "title"}}]}
    assert client.call("POST", f"/v4/spreadsheets/{sid}:batchUpdate", batch)[0] == 429
    assert client.call("POST", f"/v4/spreadsheets/{sid}:batchUpdate", batch)[0] == 200
    assert emu.values(sid, "Sheet1") == []  # the refused writes changed nothing


def test_read_timeout_or_dropped_connection_on_one_spreadsheet(emu: SheetsServer):
    slow, fine = emu.create_spreadsheet("slow"), emu.create_spreadsheet("fine")
    emu.time_out(slow, seconds=1.5)
    client = Client(emu, timeout=0.5)
    for _ in range(2):  # persistent
        with pytest.raises(requests.ReadTimeout):
            client.read(slow)
    assert client.read(fine)[0] == 200
    emu.clear_faults()
    emu.drop_connections(spreadsheet_id=fine)
    with pytest.raises(requests.ConnectionError):
        Client(emu).read(fine)
    with pytest.raises(requests.ConnectionError):
        Client(emu).write(fine)
    assert Client(emu).read(slow)[0] == 200


def test_dropped_drive_listing_and_an_answer_lost_after_the_write_landed(emu: SheetsServer):
    sid = emu.create_spreadsheet("s")
    emu.drop_connections("drive.files.list")
    for _ in range(2):
        with pytest.raises(requests.ConnectionError):
            Client(emu).list_files()
    assert Client(emu).read(sid)[0] == 200
    emu.clear_faults()
    emu.add_fault(drop=True, kind="values.batchUpdate", after=True)
    with pytest.raises(requests.ConnectionError):
        Client(emu).write(sid, "landed")
    assert emu.values(sid, "Sheet1") == [["landed"]]


def test_a_spreadsheet_shared_read_only_with_the_service_account(emu: SheetsServer):
    sid = emu.create_spreadsheet("อำเภอ", {"Sheet1": [["ชื่อ"]]}, owner=OFFICER_EMAIL,
                                 shared_with=[DEFAULT_CLIENT_EMAIL], role="reader")
    client = Client(emu)
    assert client.read(sid)[0] == 200
    denied = (403, {"error": {"code": 403, "message": "The caller does not have permission",
                              "status": "PERMISSION_DENIED"}})
    assert client.write(sid) == denied
    add = {"requests": [{"addSheet": {"properties": {"title": "สถานะ (อัตโนมัติ)"}}}]}
    assert client.call("POST", f"/v4/spreadsheets/{sid}:batchUpdate", add) == denied
    assert emu.values(sid, "Sheet1") == [["ชื่อ"]]
    # The owner makes the service account an editor (over HTTP too): writes go through.
    r = requests.post(f"{emu.url}/_emulator/spreadsheets/{sid}/permissions",
                      json={"email": DEFAULT_CLIENT_EMAIL, "role": "writer"}, timeout=5)
    assert r.status_code == 200
    assert client.call("POST", f"/v4/spreadsheets/{sid}:batchUpdate", add)[0] == 200


def test_fault_controls_over_http(emu: SheetsServer):
    sid = emu.create_spreadsheet("s")
    url = emu.url + "/_emulator/faults"
    r = requests.post(url, json={"status": 500, "kind": ["values.get", "values.batchGet"], "count": None,
                                 "spreadsheetId": sid}, timeout=5)
    assert r.json()["faults"] == [{"status": 500, "delay": None, "drop": False, "count": None,
                                   "kind": ["values.get", "values.batchGet"], "spreadsheetId": sid,
                                   "message": None, "after": False}]
    assert Client(emu).read(sid)[0] == 500
    assert requests.post(url, json={"count": 1}, timeout=5).status_code == 400  # no status, delay or drop
    assert requests.delete(url, timeout=5).json() == {"faults": []}
    started = time.monotonic()
    requests.post(url, json={"delay": 0.3, "kind": "values.get"}, timeout=5)
    assert Client(emu).read(sid)[0] == 200 and time.monotonic() - started >= 0.3


def test_command_line_server_with_google_quotas(tmp_path: Path):
    proc = subprocess.Popen([sys.executable, "-m", "tests.sheets_server", "--port", "0", "--google-quotas",
                             "--credentials-out", str(tmp_path / "sa.json")],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert requests.get(url + "/_emulator/quota", timeout=5).json() == {
            "quota_per_minute": {"read": 60, "write": 60}, "project_quota_per_minute": {"read": 300, "write": 300}}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0
