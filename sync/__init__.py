"""Khok Nong Na district spreadsheet checks: parsing, rules, backends and memos."""
