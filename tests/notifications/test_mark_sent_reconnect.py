"""A database blip right after the provider accepted a message never sends it twice.

The worker's connection is terminated from a second connection (``pg_terminate_backend``, as a failover or
an administrator would) between the mail server accepting the email and the row being marked sent. The
mark goes through on a new connection, so the retry sweep, run later, finds nothing to send again.
"""

from datetime import timedelta
from unittest import mock

import psycopg
import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from apps.notifications.models import Delivery, Notification
from apps.notifications.services import deliveries, deliveries_retry_sweep, delivery_send, notification_send
from tests.factories import ProfessionalFactory

# The worker runs in autocommit, as a Celery task does: the test must commit for the connection to be dropped.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _terminate(pid: int) -> None:
    """End backend ``pid`` from another connection, and wait (up to 5 s) until it has gone."""
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    ) as other:
        assert other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone() == (True,)


def test_a_delivery_whose_connection_drops_after_the_provider_accepted_it_is_marked_sent_and_sent_once():
    notification, _ = notification_send(
        recipient=ProfessionalFactory(),
        kind=Notification.Kind.ACTION_DUE_SOON,
        dedupe_key="event:blip",
        subject="An action for Sam Okafor is due",
        subject_for_email="an action is due",
    )
    email = Delivery.objects.get(notification=notification, channel=Delivery.Channel.EMAIL)
    # Committed at once here, so the eager task already sent it: start again from a pending delivery.
    Delivery.objects.filter(pk=email.pk).update(status=Delivery.Status.PENDING, claimed_at=None, sent_at=None)
    mail.outbox.clear()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (worker_pid,) = cursor.fetchone()
    real_send_mail = deliveries.send_mail
    accepted = []

    def provider_accepts_then_the_database_connection_drops(**message):
        real_send_mail(**message)  # The mail server has it: it is in the outbox.
        accepted.append(message["subject"])
        _terminate(worker_pid)

    with mock.patch.object(
        deliveries, "send_mail", side_effect=provider_accepts_then_the_database_connection_drops
    ):
        assert delivery_send(delivery_id=email.pk) is True

    email.refresh_from_db()
    assert email.status == Delivery.Status.SENT
    assert len(accepted) == 1
    # The sweep that would have reclaimed a delivery left "sending", run well past the claim timeout.
    assert deliveries_retry_sweep(now=timezone.now() + timedelta(minutes=10)) == {
        "reclaimed": 0,
        "enqueued": 0,
    }
    assert len(mail.outbox) == 1
