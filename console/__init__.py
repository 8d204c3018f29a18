"""The counter console: staff work today's queue; the display board and the kiosk pages."""
