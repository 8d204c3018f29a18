"""Short codes people read aloud and type: booking codes, tokens, button ids.

The alphabet leaves out look-alikes (0/O, 1/I), so a code copied from a screen or a
paper slip is typed right.
"""

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
