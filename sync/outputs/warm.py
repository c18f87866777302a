"""Imported by the worker processes' fork server (sync/outputs/workers.py) before it forks them:
loads weasyprint and builds the word dictionary once, so every worker starts with both."""

from sync.outputs import pdf

pdf._weasyprint()
pdf._base_dictionary()
