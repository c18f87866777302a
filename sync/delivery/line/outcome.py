"""What a run did with LINE messages: for the operator's terminal and for the run history."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LineDelivery:
    dry_run: bool = False
    planned: list[str] = field(default_factory=list)  # queued by this run ("5702-reminder"; dry run: would be)
    sent: list[str] = field(default_factory=list)  # delivered by this run (earlier runs' leftovers included)
    already: list[str] = field(default_factory=list)  # this period's message was recorded earlier: not sent again
    over_budget: list[str] = field(default_factory=list)  # not sent: the month's budget would be crossed
    no_group: list[str] = field(default_factory=list)  # no LINE group configured for it
    refused: list[str] = field(default_factory=list)  # LINE refused it (4xx): "label: LINE's message"
    unconfirmed: list[str] = field(default_factory=list)  # retry key expired before LINE's answer was known
    waiting: list[str] = field(default_factory=list)  # still queued: the next run sends them
    error: str = ""  # why sending stopped
    budget: str = ""  # the month's budget as read before sending

    @property
    def ok(self) -> bool:
        """Nothing refused, lost track of or left waiting (a message kept within the budget is not a failure)."""
        return not (self.refused or self.unconfirmed or self.waiting or self.error)


def describe(delivery: LineDelivery) -> list[str]:
    """What the run did with LINE messages, for the operator (English)."""
    names = ", ".join
    if delivery.dry_run:
        lines = [f"LINE: would send {len(delivery.planned)}: {names(delivery.planned)}"] if delivery.planned else []
        if delivery.waiting:
            waiting = delivery.waiting
            lines.append(f"LINE: {len(waiting)} queued by earlier runs would be sent: {names(waiting)}")
        return lines
    lines = []
    if delivery.sent:
        lines.append(f"LINE: sent {len(delivery.sent)} to their groups: {names(delivery.sent)}")
    elif not (delivery.waiting or delivery.error or delivery.refused or delivery.over_budget):
        lines.append("LINE: nothing new to send" if delivery.already else "LINE: no message due today")
    if delivery.already:
        lines.append(f"LINE: {len(delivery.already)} already sent for this period, not sent again: "
                     f"{names(delivery.already)}")
    if delivery.budget:
        lines.append(f"LINE: {delivery.budget}")
    lines += history_notes(delivery)
    return lines


def history_notes(delivery: LineDelivery | None) -> list[str]:
    """The warnings and errors of the run's LINE delivery, as lines of the run history."""
    if delivery is None or delivery.dry_run:
        return []
    names = ", ".join
    notes = []
    if delivery.over_budget:
        notes.append(f"LINE warning: {len(delivery.over_budget)} not sent, the monthly message budget would be "
                     f"crossed: {names(delivery.over_budget)}")
    if delivery.no_group:
        notes.append(f"LINE warning: no LINE group configured for {names(delivery.no_group)}")
    notes += [f"LINE: refused by LINE: {refusal}" for refusal in delivery.refused]
    if delivery.unconfirmed:
        notes.append(f"LINE: not known whether delivered (retry key expired), not sent again: "
                     f"{names(delivery.unconfirmed)}")
    if delivery.error:
        notes.append(f"LINE: sending stopped: {delivery.error}")
    if delivery.waiting:
        notes.append(f"LINE: {len(delivery.waiting)} still queued, the next run sends them: {names(delivery.waiting)}")
    return notes
