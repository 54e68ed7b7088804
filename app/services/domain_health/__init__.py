"""Sender-domain health: SPF, DKIM, DMARC, MX, TLS and blocklist checks, and the report
that explains each in plain words with the record to publish.
"""
