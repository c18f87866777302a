"""The month's message budget: what LINE says was sent, against our budget and LINE's own quota.

Read once per run, before the first push: the channel's quota (GET /v2/bot/message/quota; none
for an unlimited plan) and this month's consumption (GET /v2/bot/message/quota/consumption). The
limit is the lower of `line.monthly_budget` and the quota. LINE counts a message to a group once
per member (GET /v2/bot/group/{id}/members/count), so that is what a push costs. The run spends
from what is left and never crosses it; LINE's consumption figure may lag a little behind pushes
just made, which is why the run keeps its own count from the figure it read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.config import Line
from sync.delivery.line.client import LineApi


@dataclass
class Budget:
    budget: int  # line.monthly_budget
    quota: int | None  # LINE's monthly limit of the channel; None: unlimited
    used: int  # LINE's consumption when read, plus what this run has sent since

    @property
    def limit(self) -> int:
        return self.budget if self.quota is None else min(self.budget, self.quota)

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    def fits(self, cost: int) -> bool:
        return cost <= self.remaining

    def spend(self, cost: int) -> None:
        self.used += cost

    def describe(self) -> str:
        quota = "unlimited" if self.quota is None else str(self.quota)
        return (
            f"budget {self.budget} messages a month (LINE quota {quota}): {self.used} used this month, "
            f"{self.remaining} left"
        )


def read_budget(api: LineApi, settings: Line) -> Budget:
    return Budget(settings.monthly_budget, api.quota(), api.consumption())
