"""Delivery and schedule: the meeting calendar and due packs, the send ledger, e-mail over SMTP, cron lines.

Knows nothing of files other than its own ledger; the pipeline gives it the packs and the settings.
"""
