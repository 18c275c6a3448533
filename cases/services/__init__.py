"""Domain services: the only code that changes domain rows (STYLE §1)."""
