"""Sending a text message: pluggable backends, chosen by OPENBOB_SMS_BACKEND.

* ``console`` prints the message (development, demos);
* ``email`` mails it to ``<10 digits>@OPENBOB_SMS_EMAIL_DOMAIN``, the address form of
  most carriers' and SMS providers' email-to-SMS gateways, through Django's mail
  settings (real SMTP);
* any dotted path to a class with ``send(phone, text)`` plugs in another provider.

Messages carry the passcode and nothing about the consumer.
"""

from __future__ import annotations

import sys
from typing import Protocol, TextIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Deliver `text` to the 10-digit US number `phone`, or raise."""


class ConsoleBackend:
    """Writes each message to a stream (standard output unless told otherwise)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, phone: str, text: str) -> None:
        self.stream.write(f"SMS to ***-***-{phone[-4:]}: {text}\n")
        self.stream.flush()


class EmailBackend:
    """Mails each message to the phone's address at an email-to-SMS gateway."""

    def __init__(self, domain: str | None = None) -> None:
        self.domain = domain or settings.OPENBOB_SMS_EMAIL_DOMAIN
        if not self.domain:
            raise ImproperlyConfigured("Set OPENBOB_SMS_EMAIL_DOMAIN to use the email SMS backend")

    def send(self, phone: str, text: str) -> None:
        send_mail("", text, None, [f"{phone}@{self.domain}"], fail_silently=False)


BUILT_IN = {"console": ConsoleBackend, "email": EmailBackend}


def backend() -> SmsBackend:
    """The configured backend, built fresh (settings may change between tests)."""
    name = settings.OPENBOB_SMS_BACKEND
    factory = BUILT_IN.get(name) or import_string(name)
    instance: SmsBackend = factory()
    return instance
