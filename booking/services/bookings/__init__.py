"""Bookings: making one, a member's own, ending early, the rules, availability."""
