"""Notices: mail to people, written to the outbox with the change they report, and calendar files."""
