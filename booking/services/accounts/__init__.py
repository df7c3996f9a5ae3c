"""Accounts: users, tokens, room eligibility, sign-in throttle, privacy, roles."""
