"""What became of each sent message: the Sent folder, inbound reports matched to messages,
the mailbox watcher, and the one read path for the sent table (statuses, views, notes);
and the notifications about it (``notify_rules``: which, on which channels, the history;
``notify``: deciding and mailing them, for the window and ``postier track`` alike).
"""
