"""Enrolment codes: single- or multi-use, expiring, exchanged for a device token."""
