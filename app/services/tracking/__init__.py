"""What became of each sent message: inbound reports matched to messages (``inbound``)
and the mailbox watcher (``watcher``; the Sent folder is mail/sent_folder.py's), both
writing the history (``app/services/history``); and the notifications about it
(``notify_rules``: which, on which channels, the history; ``notify``: deciding and mailing
them, for the window and ``postier track`` alike).
"""
