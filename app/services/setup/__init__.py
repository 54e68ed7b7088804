"""Setting up an account: provider presets, autoconfig/ISPDB and DNS discovery, the account
check that proves IMAP and SMTP work, and the account records themselves.

- ``presets`` (Postier's provider list), ``clientconfig`` (autoconfig/ISPDB files),
  ``discovery`` (finds an address's servers), ``endpoint`` (host, port, security),
  ``endpoint_choice`` (the servers to test: discovery's, else the chosen provider's);
- ``sign_in``: the one OAuth2 sign-in sequence (wizard, "Sign in again", the CLI);
- ``connection_check``: proves IMAP and SMTP work, step by step;
- ``accounts`` (stored accounts: save, change, credential, renew sign-in, remove),
  ``new_account`` (the CLI's check-then-store), ``retest`` (test an account again);
- ``signature``: the account's HTML signature (checked, cleaned, its images kept inline),
  which the outbox's MIME builder reads.
"""
