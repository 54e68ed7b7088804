"""Sender-domain health: SPF, DKIM, DMARC, MX, TLS and blocklist checks, and the report
that explains each in plain words with the record to publish.

``model`` (Check, statuses, DomainReport, score, text), ``runner`` (input, runs the checks,
builds the report), ``context`` (what a run's checks share), one module per check family
(``mx``, ``spf_check`` with the ``spf`` parser, ``dkim``, ``dmarc``, ``mta_sts``, ``ptr``,
``blocklists``), ``providers_dns`` (what mail providers publish), ``cache`` (each account's
last report).
"""
