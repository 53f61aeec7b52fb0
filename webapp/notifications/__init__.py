"""Notifications: who is told that work waits for them, in the inbox and by e-mail.

Every notification is made by a subscriber to another domain's event (`subscribers.py`), never
by a call sprinkled through their services. A burst coalesces into one inbox line (`services`),
and mail goes out from the queue (`jobs.py`), gathered per person, never inside the request.
"""
