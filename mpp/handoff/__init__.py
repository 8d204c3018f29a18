"""Live handoff to staff (README: Live handoff to staff)."""
