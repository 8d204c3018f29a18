"""Queue-slot booking: calendar, slots, NIK checks, and the booking service."""
