"""Today's queue at the counters: check-in, walk-ins, calling, serving, estimates, notifications."""
