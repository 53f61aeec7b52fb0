"""Webhooks: an administrator registers a URL and the events it wants; each event is POSTed to it.

Why here and how: a subscriber (`subscribers.py`) writes one delivery row per webhook that wants
the event and queues a job for it in the event's own transaction, so the job table is the
outbox: a delivery exists exactly when its event committed. The job (`delivery.py`) POSTs the
JSON body, signed; anything but a 2xx answer (or no answer) fails the job and the queue tries
again with backoff; after the last attempt the delivery shows as failed until someone delivers it
again. This is the only place the app reaches the network at run time, and only to a URL an
administrator chose.

Each request carries:

    Content-Type: application/json
    User-Agent: Kakehashi-Webhooks
    Kakehashi-Event: summary.published
    Kakehashi-Delivery: <delivery id; the same on every retry: dedupe on it>
    Kakehashi-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{raw body}")>

To verify (the scheme Stripe uses): split the header on "," into t and v1; compute
HMAC-SHA256 with the webhook's secret over the bytes `t`, ".", and the raw request body exactly as
received (before any JSON parsing); compare it with v1 in constant time (`hmac.compare_digest`);
and refuse a timestamp more than 5 minutes from your clock (`TOLERANCE_SECONDS`), so that a
captured request cannot be replayed later. A retry is signed afresh, with a new timestamp.
"""
