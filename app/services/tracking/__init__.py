"""What became of each sent message: the Sent folder, inbound reports matched to messages,
the mailbox watcher, and the one read path for the sent table (statuses, views, notes).
"""
