"""Talking to mail servers: TLS policy and pinning, greetings, credentials (password, OAuth2
tokens) and the SASL they turn into.

Everything that opens an IMAP or SMTP connection goes through here; setup, outbox and
tracking decide *what* to do with a server, this package owns *how* to reach it.
"""
