"""The sent-messages history, shared by sending and tracking: the rows and their events
(``message_store``), the status list and its labels (``message_status``), the notes each
event carries (``event_notes``), and the one read path for the sent table, used by the
window and ``postier messages`` alike (``message_views``, which re-exports the modules it
is made of: ``view_filter`` the filter and sort model, ``view_index`` the in-memory index
and the ordered ids it answers, ``message_rows`` row and timeline fetching and the CLI
listing, ``row_details`` the details panel's read, ``csv_export`` the CSV file,
``filter_choices`` the filter bar's accounts and senders). It depends on storage, errors
and translation only, so the outbox writes it and the tracker reads and updates it
without either importing the other.
"""
