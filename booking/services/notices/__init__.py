"""Notices to people: calendar files for bookings (and, later, mail and the outbox)."""
