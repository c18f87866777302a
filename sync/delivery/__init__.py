"""Getting memos to people: the reminder policy, the never-twice ledger, and the channels (e-mail)."""
