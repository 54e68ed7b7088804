"""Sending: the queue and its crash-safe state machine, MIME building with the signature,
SMTP submission, recipient groups and quiet hours.
"""
