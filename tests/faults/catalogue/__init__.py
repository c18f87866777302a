"""The fault catalogue: every fault of issue 11 and those the tests already cover, by area."""

from tests.faults.catalogue import workbooks

CATALOGUE = [*workbooks.FAULTS]

assert len({f.id for f in CATALOGUE}) == len(CATALOGUE), "fault ids are unique"
