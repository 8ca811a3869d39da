"""The Retention Workspace's vocabularies, in Covered California's CRW words."""

from django.db import models


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In Progress"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.IN_PROGRESS)


class Risk(models.IntegerChoices):
    """The CRW's risk categories: how likely the household is not to renew."""

    VERY_LOW = 1, "1 Very Low Risk"
    LOW = 2, "2 Low Risk"
    MEDIUM = 3, "3 Medium Risk"
    HIGH = 4, "4 High Risk"
    VERY_HIGH = 5, "5 Very High Risk"


class Resolution(models.TextChoices):
    """Why a case was closed; `LEFT_BOOK` is set only by the sync, never chosen."""

    RENEWED_SAME_PLAN = "renewed_same_plan", "Renewed with same plan"
    RENEWED_NEW_PLAN = "renewed_new_plan", "Renewed with new plan"
    MOVED_TO_MEDI_CAL = "moved_to_medi_cal", "Moved to Medi-Cal"
    MOVED_TO_MEDICARE = "moved_to_medicare", "Moved to Medicare"
    ENROLLED_ELSEWHERE = "enrolled_elsewhere", "Enrolled elsewhere"
    NOT_RENEWING = "not_renewing", "Not renewing"
    UNABLE_TO_REACH = "unable_to_reach", "Unable to reach"
    OTHER = "other", "Other"
    LEFT_BOOK = "left_book", "Left the book (closed automatically)"


CHOOSABLE_RESOLUTIONS = [(v, label) for v, label in Resolution.choices if v != "left_book"]


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    IN_PERSON = "in_person", "In person"
    MAIL = "mail", "Mail"
    SECURE_MAILBOX = "secure_mailbox", "Secure Mailbox"


class Outcome(models.TextChoices):
    REACHED = "reached", "Reached the consumer"
    VOICEMAIL = "voicemail", "Left a voicemail"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_CONTACT = "wrong_contact", "Wrong number or address"
    CALLBACK = "callback", "Call back scheduled"
    DECLINED = "declined", "Consumer declined help"
