"""Survei Kepuasan Masyarakat (Permenpan RB 14/2017): offered after service, answered by buttons, reported as the IKM."""
