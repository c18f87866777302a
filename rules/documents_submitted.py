"""documents.submitted (item 7): copies of the documents of items 1–5 sent to the province by the due date."""

from rules import Context, Rule
from rules._causes import blocked, row_problems
from rules._submissions import first_submission
from sync.deadlines import effective_due, judge
from sync.model import DistrictData, Finding
from sync.schema import DOC_ITEM, DOCUMENT_ITEMS, DOCUMENTS, SENT_ON


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    table = district.table(DOCUMENTS)
    deadlines = ctx.programme.deadlines
    due = effective_due(deadlines.documents_due, deadlines)
    cause = district.blocker(DOCUMENTS, DOC_ITEM, SENT_ON)
    problems = {} if cause else row_problems(district, table, lambda r: r.values.get(DOC_ITEM), (SENT_ON,))
    findings = []
    for item in DOCUMENT_ITEMS:
        first = (
            None if cause else first_submission(table, lambda r, item=item: r.values.get(DOC_ITEM) == item, ctx.as_of)
        )
        if first is None and (blocker := cause or problems.get(item)):
            findings.append(blocked(RULE, blocker, doc_item=item, due=due.isoformat(), submitted=None, days_late=None))
            continue
        submitted = first.values[SENT_ON] if first else None
        status, details = judge(due, submitted, ctx.as_of, deadlines.due_soon_days)
        cells = [table.cell(SENT_ON, first)] if first else []
        findings.append(Finding(RULE.id, RULE.item, status, {"doc_item": item, **details}, cells))
    return findings


RULE = Rule("documents.submitted", 7, "Documents of items 1–5 sent to the province on or before the due date.", check)
