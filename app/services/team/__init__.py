"""Team mode on a shared PostgreSQL database (issue 19): what several laptops need beyond
the storage engine itself (``app/services/storage/postgres.py``).

- ``connection``: the team database's URL (never with its password), the password from
  the user's keyring, one way to open a connection and to say why it failed
  (``TEAM_DATABASE_UNREACHABLE``, ``TEAM_DATABASE_AUTH_FAILED``), and the settings'
  database opened with that password (``settings_database``).
- ``status``: the connection test the "Team database" page runs (``TeamStatus``).
- ``live``: a ``Listener`` thread that turns the NOTIFYs every write sends (the triggers are
  storage/notify_triggers.py's) into "refresh now" calls.
- ``leases``: one mailbox watcher per shared account across the team, a session-level
  advisory lock held on a dedicated connection (dropped with the process or its link).
- ``claims``: resending a failed delivery is claimed once across the team
  (``ALREADY_RESENT``), and the row locks the outbox takes on PostgreSQL.
- ``migrate``: ``postier db migrate-to URL``, this laptop's history copied into the team
  database, resumable and idempotent.

Pure Python, no Qt. On SQLite (no team URL) every entry point here is a no-op or says
"not in team mode": a single laptop behaves exactly as before.
"""
