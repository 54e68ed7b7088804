"""What became of each sent message: inbound reports matched to messages (``inbound``),
the mailbox watcher (``watcher``; the Sent folder is mail/sent_folder.py's), and the one
read path for the sent table (statuses, views, notes);
and the notifications about it (``notify_rules``: which, on which channels, the history;
``notify``: deciding and mailing them, for the window and ``postier track`` alike).
"""
