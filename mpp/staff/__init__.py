"""Staff accounts, roles and what each role may do; kiosk devices; login throttling. No web framework inside."""
