"""Talking to mail servers: TLS policy and pinning, greetings, sessions, credentials
(password, OAuth2 tokens) and the SASL they turn into.

Everything that opens an IMAP or SMTP connection goes through here; setup, outbox and
tracking decide *what* to do with a server, this package owns *how* to reach it:

- failures.py: the one host resolution, network errors and server refusals as stable codes;
- tls.py: the TLS contexts, the pin, the handshake, certificate details;
- tls_probes.py: second looks that name why TLS failed (never log in);
- greeting.py: greeting / CAPABILITY / EHLO / STARTTLS by hand (discovery's probes);
- imap_session.py / smtp_session.py: a session up to login, step by step or in one call;
- sent_folder.py: the Sent folder (copy after sending, look-up in crash recovery);
- auth.py: credentials and the SASL they turn into;
- oauth/: the OAuth2 sign-in (providers, browser and device-code flows) and its tokens.
"""
