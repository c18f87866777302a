"""Test controls shared by all request threads: request statistics, injected faults, quotas and the
access tokens the server has issued."""

from __future__ import annotations

import collections
import secrets
import threading

from .faults import Fault
from .quotas import GOOGLE_PER_PROJECT, GOOGLE_PER_USER, Quotas
from .store import Store

READ_KINDS = {"spreadsheets.get", "values.get", "values.batchGet", "values.batchGetByDataFilter",
              "developerMetadata.get", "developerMetadata.search"}
WRITE_KINDS = {"spreadsheets.create", "spreadsheets.batchUpdate", "values.update", "values.batchUpdate",
               "values.clear", "values.batchClear", "values.append"}


def bucket_of(kind: str) -> str | None:
    """The Sheets quota a request kind counts against ("read", "write"), or None (Drive, tokens)."""
    return "read" if kind in READ_KINDS else "write" if kind in WRITE_KINDS else None


def google_limits(per_user: int | None, per_project: int | None, google: bool) -> tuple[dict, dict]:
    """Per-user and per-project limits from the server's arguments: explicit numbers, or Google's."""
    user = per_user if per_user is not None else (GOOGLE_PER_USER if google else None)
    project = per_project if per_project is not None else (GOOGLE_PER_PROJECT if google else None)
    return {"read": user, "write": user}, {"read": project, "write": project}


class Controls:
    def __init__(self, store: Store, per_user: dict, per_project: dict):
        self.store = store
        self.lock = threading.Lock()
        self.stopping = threading.Event()  # set when the server stops: ends injected delays early
        self.tokens: dict[str, str] = {}
        self.faults: list[Fault] = []
        self.initial = (dict(per_user), dict(per_project))
        self.quotas = Quotas(store.monotonic)
        self.quotas.set(per_user, per_project)
        self.reset_stats()

    @property
    def quota(self) -> dict:
        """Per-user limits ({"read", "write"}), as before project quotas existed."""
        with self.lock:
            return dict(self.quotas.per_user)

    # --- stats ----------------------------------------------------------------------------------------
    def reset_stats(self) -> None:
        with self.lock:
            self.total = 0
            self.by_kind: collections.Counter = collections.Counter()
            self.by_spreadsheet: collections.Counter = collections.Counter()
            self.by_user: collections.Counter = collections.Counter()
            self.by_status: collections.Counter = collections.Counter()
            self.throttled = 0
            self.throttled_by_kind: collections.Counter = collections.Counter()
            self.faults_injected = 0
            self.faults_by_kind: collections.Counter = collections.Counter()
            self.log: collections.deque = collections.deque(maxlen=1000)

    def count(self, kind: str, spreadsheet_id: str | None) -> None:
        with self.lock:
            self.total += 1
            self.by_kind[kind] += 1
            if spreadsheet_id:
                self.by_spreadsheet[spreadsheet_id] += 1

    def finish(self, kind: str, method: str, path: str, status: int | str, email: str | None) -> None:
        with self.lock:
            self.by_status[str(status)] += 1
            if email:
                self.by_user[email] += 1
            self.log.append({"kind": kind, "method": method, "path": path, "status": status, "user": email})

    def stats(self) -> dict:
        stored = self.store.sizes()  # before taking our lock: never hold both
        with self.lock:
            return {
                "total": self.total,
                "by_kind": dict(self.by_kind),
                "by_spreadsheet": dict(self.by_spreadsheet),
                "by_user": dict(self.by_user),
                "by_status": dict(self.by_status),
                "reads": sum(n for k, n in self.by_kind.items() if k in READ_KINDS),
                "writes": sum(n for k, n in self.by_kind.items() if k in WRITE_KINDS),
                "throttled": self.throttled,
                "throttled_by_kind": dict(self.throttled_by_kind),
                "faults_injected": self.faults_injected,
                "faults_by_kind": dict(self.faults_by_kind),
                **self.quotas.as_dict(),
                "requests": list(self.log),
                "stored": stored,
            }

    # --- faults ---------------------------------------------------------------------------------------
    def add_fault(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def take_fault(self, kind: str, spreadsheet_id: str | None) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(kind, spreadsheet_id):
                    if fault.count is not None:
                        fault.count -= 1
                        if fault.count <= 0:
                            self.faults.remove(fault)
                    self.faults_injected += 1
                    self.faults_by_kind[kind] += 1
                    return fault
        return None

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def fault_list(self) -> list[dict]:
        with self.lock:
            return [f.as_dict() for f in self.faults]

    # --- quotas ---------------------------------------------------------------------------------------
    def set_quotas(self, per_user: dict | None = None, per_project: dict | None = None) -> dict:
        with self.lock:
            self.quotas.set(per_user, per_project)
            return self.quotas.as_dict()

    def quota_limits(self) -> dict:
        with self.lock:
            return self.quotas.as_dict()

    def check_quota(self, kind: str, email: str) -> None:
        bucket = bucket_of(kind)
        if bucket is None:
            return
        with self.lock:
            try:
                self.quotas.take(bucket, email)
            except Exception:
                self.throttled += 1
                self.throttled_by_kind[kind] += 1
                raise

    # --- tokens ---------------------------------------------------------------------------------------
    def issue_token(self, email: str) -> str:
        token = "ya29.emulator-" + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = email
        return token

    def email_for(self, token: str) -> str | None:
        with self.lock:
            return self.tokens.get(token)

    def reset(self) -> None:
        """Forget faults, counters and quota use; limits return to the server's arguments."""
        with self.lock:
            self.faults.clear()
            self.quotas.set(*self.initial)
        self.reset_stats()
