"""Complaints with a tracking number (issue 14 part 2): filed by chat, triaged in the console, exported for SP4N-LAPOR."""
