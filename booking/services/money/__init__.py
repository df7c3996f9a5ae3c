"""Hostel money without a payment gateway (issue 17): tariffs, dues, payments, receipts.

Flask-free like every service. Amounts are integer paise throughout; rupees
appear only where a person types or reads them (``amounts``).
"""
