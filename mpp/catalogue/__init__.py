"""The service catalogue: what each MPP offers, with requirements, fees, hours and sources."""
