"""Queue-slot booking: the Booking aggregate and its rules, calendar, slots, NIK checks, availability, the service."""
