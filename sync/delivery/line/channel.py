"""LINE group messages, each exactly once, within the month's budget.

1. The reminder policy of the memos (sync/delivery/policy.py) says which days send what: a district
   message on a reminder day ('due soon', 'overdue') to each district group with something needing
   action, the province message on the summary day. `resend` sends this run's messages again
   (period "manual:<as-of>").
2. The ledger (sync/delivery/ledger.py, channel "line") allows one message per group and period:
   a period that has a message recorded gets no other, whatever changed since.
3. Before the first push the budget is read (sync/delivery/line/budget.py). The province message
   goes first, then messages left queued by earlier runs, then the districts'; one that would
   cross the budget is not sent (a warning in the run history). Until this month's province
   message has gone, district messages leave room for it.
4. A message is queued with a new retry key (a UUID) and set to 'sending' before it is pushed, so
   every attempt, in this run or after a crash, carries the same key: LINE executes it once, and
   answers a repeat with 409, which is recorded as sent. LINE keeps a retry key for 24 hours; a
   message whose fate is still unknown after that is not pushed again ('unconfirmed').
5. A 4xx LINE will never accept (a wrong group id, an invalid message) is recorded as failed with
   LINE's message and the run exits 1; a 401 (the token) stops the sending and leaves the rest
   queued, as does a LINE that stays unavailable or the monthly limit.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from sync.checker import Report
from sync.config import Config, ConfigError
from sync.deadlines import summary_date
from sync.delivery.ledger import Entry, Key, Ledger
from sync.delivery.line.budget import read_budget
from sync.delivery.line.client import LineApi, LineError, MonthlyLimit, Refused, Unavailable
from sync.delivery.line.messages import LineMessage, district_message, province_message
from sync.delivery.line.outcome import LineDelivery
from sync.delivery.policy import KINDS, reminder_trigger, summary_trigger

log = logging.getLogger("khoknongna")

LINE = "line"
RETRY_KEY_LIFETIME = dt.timedelta(hours=23)  # LINE keeps a retry key 24 hours after the first attempt


@dataclass
class Planned:
    message: LineMessage
    period: str
    catch_up: bool = False  # after its policy day

    @property
    def key(self) -> Key:
        return Key(self.message.key, self.message.kind, self.period, self.message.content_hash, LINE)


def plan(
    config: Config,
    report: Report,
    as_of: dt.date,
    *,
    whole_province: bool,
    resend: bool = False,
    kinds: Collection[str] = KINDS,
    summary_link: Callable[[], str] = str,
) -> list[Planned]:
    """The messages the policy sends on `as_of`, the province's first (before the ledger has its say)."""
    planned = []
    manual = f"manual:{as_of.isoformat()}"
    summary = summary_trigger(config, as_of)
    if whole_province and "summary" in kinds and (summary or resend):
        message = province_message(config, report, as_of, link=summary_link())
        planned.append(Planned(message, summary.period if summary else manual, bool(summary) and summary.day < as_of))
    trigger = reminder_trigger(config, as_of)
    if "reminder" in kinds and (trigger or resend):
        reason, due = (trigger.reason, trigger.due) if trigger else (None, None)
        for result in report.districts:
            link = result.raw.link if result.raw else ""
            message = district_message(config, result, as_of, reason=reason, due=due, link=link)
            if message:
                period = trigger.period if trigger else manual
                planned.append(Planned(message, period, bool(trigger) and trigger.day < as_of))
    return planned


def summary_link(config: Config, backend) -> str:
    """A web link to the provincial summary: `line.summary_link`, else the Google spreadsheet's ('' for xlsx)."""
    if config.line.summary_link:
        return config.line.summary_link
    if config.backend.kind != "google" or not hasattr(backend, "spreadsheet_id"):
        return ""
    try:
        spreadsheet_id = backend.spreadsheet_id(config.backend.google.summary_spreadsheet)
        return f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}"
    except Exception as exc:  # the message goes without its button rather than not at all
        log.warning("LINE: no link to the provincial summary: %s", exc)
        return ""


def _fresh(planned: list[Planned], ledger: Ledger, resend: bool, delivery: LineDelivery) -> list[Planned]:
    fresh = []
    for item in planned:
        message = item.message
        if not message.to:
            delivery.no_group.append(message.label)
        elif not resend and ledger.for_period(message.key, message.kind, item.period, LINE):
            delivery.already.append(message.label)
        else:
            fresh.append(item)
    return fresh


def _expired(entry: Entry) -> bool:
    queued = dt.datetime.fromisoformat(entry.queued_at)
    return entry.attempts > 0 and dt.datetime.now(dt.UTC) - queued > RETRY_KEY_LIFETIME


class _Sender:
    """Sends the run's work in order within the budget, recording every step in the ledger."""

    def __init__(self, config: Config, ledger: Ledger, api: LineApi, delivery: LineDelivery, as_of: dt.date):
        self.config, self.ledger, self.api, self.delivery, self.as_of = config, ledger, api, delivery, as_of
        self.budget = read_budget(api, config.line)
        delivery.budget = self.budget.describe()
        self.costs: dict[str, int] = {}

    def cost(self, group: str) -> int:
        if group not in self.costs:
            self.costs[group] = self.api.member_count(group)
        return self.costs[group]

    def reserve(self) -> int:
        """What this month's province message costs while it is still to come: district messages leave it room."""
        settings, policy = self.config.line, self.config.reminders
        if not settings.province_group or not policy.summary_day:
            return 0
        working_days_only = self.config.schedule.working_days_only
        day = summary_date(self.as_of.year, self.as_of.month, policy.summary_day, working_days_only)
        if self.as_of > day + dt.timedelta(days=policy.catch_up_days):
            return 0  # this month's has been sent, or will not be any more
        if self.ledger.for_period("province", "summary", day.strftime("%Y-%m"), LINE):
            return 0
        try:
            return self.cost(settings.province_group)
        except Refused:  # the province's own message will say so on its day
            return 0

    def queue(self, item: Planned, resend: bool) -> Entry:
        message = item.message
        entry_id = self.ledger.queue(
            item.key,
            as_of=self.as_of.isoformat(),
            file_name=message.label,
            subject=message.alt_text,
            sender="",
            recipients=[message.to],
            message=json.dumps(message.body(), ensure_ascii=False).encode("utf-8"),
            resend=resend,
            retry_key=str(uuid.uuid4()),
        )
        self.delivery.planned.append(message.label)
        [entry] = [e for e in self.ledger.pending(LINE) if e.id == entry_id]
        return entry

    def send(self, entry: Entry) -> bool:
        """Push one queued row; False when the sending must stop (the row stays queued)."""
        body = json.loads(self.ledger.message(entry.id))
        self.ledger.mark_sending(entry.id)
        try:
            pushed = self.api.push(body, entry.retry_key)
        except Refused as exc:
            if exc.status == 401:
                self.ledger.mark_failed(entry.id, str(exc))
                self.delivery.error = f"{exc} (is {self.config.line.token_env} the channel access token?)"
                return False
            self.ledger.mark_refused(entry.id, str(exc))
            self.delivery.refused.append(f"{entry.file_name}: {exc}")
            log.error("LINE message %s refused: %s", entry.label, exc)
            return True
        except (MonthlyLimit, Unavailable) as exc:
            self.ledger.mark_failed(entry.id, str(exc))
            self.delivery.error = str(exc)
            return False
        note = f"accepted earlier (409), request {pushed.request_id}" if pushed.accepted_earlier else None
        self.ledger.mark_sent(entry.id, LINE, note or f"request {pushed.request_id}")
        self.budget.spend(self.costs[entry.recipients[0]])
        self.delivery.sent.append(entry.file_name)
        return True

    def run(self, work: list[Entry | Planned], resend: bool) -> None:
        for item in work:
            label = item.file_name if isinstance(item, Entry) else item.message.label
            if isinstance(item, Entry) and _expired(item):
                note = "retry key expired before LINE's answer was known: look in the group; `sync --resend` resends"
                self.ledger.mark_unconfirmed(item.id, note)
                self.delivery.unconfirmed.append(label)
                continue
            group = item.recipients[0] if isinstance(item, Entry) else item.message.to
            try:
                cost = self.cost(group)
            except Refused as exc:
                entry = item if isinstance(item, Entry) else self.queue(item, resend)
                self.ledger.mark_refused(entry.id, str(exc))
                self.delivery.refused.append(f"{label}: {exc}")
                continue
            district = (item.district if isinstance(item, Entry) else item.message.key) != "province"
            reserve = self.reserve() if district else 0
            if not self.budget.fits(cost + reserve):
                log.warning("LINE message %s not sent: it costs %d, the budget has %d left this month%s",
                            label, cost, self.budget.remaining,
                            f" ({reserve} kept for the province's message)" if reserve else "")
                self.delivery.over_budget.append(label)
                continue
            entry = item if isinstance(item, Entry) else self.queue(item, resend)
            if not self.send(entry):
                return


def _order(item: Entry | Planned) -> tuple:
    """The province's message first, then earlier runs' leftovers (oldest first), then this run's."""
    if isinstance(item, Entry):
        return (item.district != "province", 0, item.id)
    return (item.message.key != "province", 1, 0)


def deliver_line(
    config: Config,
    report: Report,
    as_of: dt.date,
    *,
    whole_province: bool,
    backend=None,
    dry_run: bool = False,
    resend: bool = False,
    kinds: Collection[str] = KINDS,
) -> LineDelivery | None:
    """Plan, filter through the ledger, check the budget and push. None when LINE is not enabled."""
    if not config.line.enabled:
        return None
    delivery = LineDelivery(dry_run=dry_run)
    state = Path(config.outputs.state)
    planned = plan(config, report, as_of, whole_province=whole_province, resend=resend, kinds=kinds,
                   summary_link=lambda: summary_link(config, backend))
    if dry_run:
        ledger = Ledger(state, create=False)
        delivery.planned = [item.message.label for item in _fresh(planned, ledger, resend, delivery)]
        delivery.waiting = [entry.file_name for entry in ledger.pending(LINE)]
        return delivery
    ledger = Ledger(state)
    with ledger.delivering():
        work = sorted([*ledger.pending(LINE), *_fresh(planned, ledger, resend, delivery)], key=_order)
        if work:
            try:
                with LineApi.from_config(config) as api:
                    _Sender(config, ledger, api, delivery, as_of).run(work, resend)
            except (ConfigError, LineError) as exc:
                delivery.error = str(exc)
                log.error("LINE messages not sent: %s", exc)
        delivery.waiting = [entry.file_name for entry in ledger.pending(LINE)]
    return delivery
