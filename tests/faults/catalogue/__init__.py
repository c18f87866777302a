"""The fault catalogue: every fault of issue 11 and those the tests already cover, by area."""

from tests.faults.catalogue import config, folders, google, memos, runs, sizes, workbooks

CATALOGUE = [*workbooks.FAULTS, *google.FAULTS, *memos.FAULTS, *runs.FAULTS, *folders.FAULTS, *sizes.FAULTS,
             *config.FAULTS]

assert len({f.id for f in CATALOGUE}) == len(CATALOGUE), "fault ids are unique"
