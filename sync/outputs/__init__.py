"""What people read: the status tab, the provincial summary and the memos, rendered from a report."""
