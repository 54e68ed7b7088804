"""The sent-messages history, shared by sending and tracking: the rows and their events
(``message_store``), the status list and its labels (``message_status``), the notes each
event carries (``event_notes``), and the one read path for the sent table, used by the
window and ``postier messages`` alike (``message_views``). It depends on storage,
errors and translation only, so the outbox writes it and the tracker reads and updates it
without either importing the other.
"""
