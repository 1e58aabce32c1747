"""Devices: enrolled desktops, their tokens (stored as hashes) and revocation."""
