"""The fault catalogue of issue 11: every fault the service must survive, run against real components.

`python -m tests.faults` (`make faults`) runs the whole catalogue and prints one line per fault
(survived or FAILED, officer parts changed, memos duplicated and lost); `tests/test_faults.py` runs
the fast part as ordinary tests. What is where:

- `model.py`: a fault (id, description, setup, run, checks) and its result;
- `lab.py`: one fault's private world (a folder, district workbooks, the configuration, real
  `cli.py` processes, the servers it started) and what it observed;
- `parts.py`: officer parts before and after (zip members of workbooks, tabs of spreadsheets);
- `mail.py`: a real SMTP server (aiosmtpd on 127.0.0.1) with injected faults, and the count of
  memos duplicated or lost (deliveries at the server against the ledger);
- `sheets.py`: the local Sheets server (tests/sheets_server) with district spreadsheets;
- `hooks.py`: runs `cli.py` with an action (SIGKILL, a pause, an officer's save) at a chosen call;
- `checks.py`: what a fault's run must show (exit status, findings, history, messages);
- `catalogue/`: the faults, one module per area;
- `runner.py`: runs faults, prints the table (or JSON) and the closing line.
"""
