"""Sites: finding them, their details, photos, capacity, closures, holidays, occupancy."""
