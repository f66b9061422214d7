"""A test-only email backend for a real worker process, which cannot share locmem's in-memory outbox.

Appends one JSON line per message to the file named by ``BEACON_TEST_OUTBOX``, so a test can count
exactly what left Beacon. If ``BEACON_TEST_SEND_GATE`` names a path, sending first creates
``<gate>.started`` and then waits until ``<gate>.open`` exists: a test uses that to kill the worker in
the middle of a delivery, after the claim and before the message goes.
"""

import json
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        gate = os.environ.get("BEACON_TEST_SEND_GATE")
        if gate:
            Path(f"{gate}.started").touch()
            while not Path(f"{gate}.open").exists():
                time.sleep(0.05)
        outbox = Path(os.environ["BEACON_TEST_OUTBOX"])
        with outbox.open("a") as handle:
            for message in email_messages:
                line = {"to": message.to, "subject": message.subject, "body": message.body}
                handle.write(json.dumps(line) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        return len(email_messages)
