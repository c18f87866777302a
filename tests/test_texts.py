"""Thai texts rendered from templates (sync.texts): what is remembered never changes what is shown."""

from __future__ import annotations

import datetime as dt

from sync.model import Finding, Status
from sync.texts import environment, message, render


def test_values_that_look_alike_render_as_themselves():
    assert [render("{{ x }}", x=v) for v in (1, 1.0, True, "1", [1], (1,))] == ["1", "1.0", "True", "1", "[1]", "(1,)"]
    assert render("{{ d|thdate }}", d=dt.date(2024, 12, 20)) == "๒๐ ธ.ค. ๒๕๖๗"
    assert render("{{ d|thdate }}", d="2024-12-20") == "๒๐ ธ.ค. ๒๕๖๗"


def test_an_object_is_rendered_as_it_is_now():
    class Counter:
        n = 0

        def __str__(self) -> str:
            return str(self.n)

    counter = Counter()
    assert render("{{ c }}", c=counter) == "0"
    counter.n = 7
    assert render("{{ c }}", c=counter) == "7"


def test_a_finding_message_follows_its_details():
    late = Finding("monthly.report", 8, Status.LATE, {"month": "2024-12", "due": "2024-12-20",
                                                      "submitted": "2024-12-23", "days_late": 3})
    assert message(late) == "รายงานเดือน ธ.ค. ๒๕๖๗ ส่งล่าช้า ๓ วัน (ส่ง ๒๓ ธ.ค. ๒๕๖๗ กำหนด ๒๐ ธ.ค. ๒๕๖๗)"
    late.details["days_late"] = 4
    assert "ล่าช้า ๔ วัน" in message(late)


def test_one_environment_per_escaping_mode():
    assert environment() is environment()
    assert environment(autoescape=True) is not environment()
    assert render("{{ x }}", x="<b>") == "<b>"
    assert environment(autoescape=True).from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
