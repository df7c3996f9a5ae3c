"""Staff work across sites: the bookings list and day sheet, the audit log."""
