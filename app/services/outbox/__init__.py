"""Sending: the queue and its crash-safe state machine (``queue``), MIME building with the
account's signature (``mime``; the signature itself is setup/signature.py's), SMTP
submission (``submission``), crash recovery (``recovery``), the entry points (``sending``:
send now, process the queue, run as a service), recipient groups and quiet hours.
"""
