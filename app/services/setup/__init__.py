"""Setting up an account: provider presets, autoconfig/ISPDB and DNS discovery, the account
check that proves IMAP and SMTP work, and the account records themselves.
"""
