"""Evidence on reports and observations: photos re-encoded without their metadata, PDFs
kept as sent, each with a caption, a date and its SHA-256; withdrawn, never deleted."""
import io
from dataclasses import dataclass

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from models import DeliveryCheck, Evidence, Observation, db
from models.base import utcnow
from portal.permissions import ensure_plan_open
from portal.storage import storage
from portal.translation import lazy_gettext as _l

from . import DomainError


MAX_CAPTION = 300
MAX_REASON = 1000
PDF = b"%PDF-"
# What an image may be, by its content, and how it is written back.
IMAGE_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"),
                 "WEBP": ("image/webp", ".webp")}
# The size a phone shows (the longer side), and the thumbnail's.
PHONE_SIZE = 1280
THUMBNAIL_SIZE = 320
# What the name of a file may say it is, to be checked against its content.
NAMED = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".pdf": "PDF"}


@dataclass
class Processed:
    kind: str
    data: bytes
    suffix: str
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None
    thumbnail_width: int | None = None
    thumbnail_height: int | None = None
    latitude: float | None = None
    longitude: float | None = None


def _degrees(value, reference):
    """An EXIF GPS coordinate (degrees, minutes, seconds) as signed decimal degrees."""
    degrees, minutes, seconds = (float(part) for part in value)
    result = degrees + minutes / 60 + seconds / 3600
    return round(-result if reference in ("S", "W") else result, 6)


def _place(image):
    """The latitude and longitude the photo's EXIF holds, or (None, None)."""
    try:
        gps = image.getexif().get_ifd(0x8825)
        return (_degrees(gps[2], gps.get(1, "N")), _degrees(gps[4], gps.get(3, "E")))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None


def _encode(image, image_format, longest):
    """The image, turned upright, no larger than ``longest``, written anew: nothing of the
    original file but its pixels (no EXIF, no GPS, no comments, nothing appended)."""
    picture = image.copy()
    picture.thumbnail((longest, longest))
    if image_format == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    out = io.BytesIO()
    options = {"JPEG": {"quality": 82, "optimize": True}, "WEBP": {"quality": 80},
               "PNG": {"optimize": True}}[image_format]
    picture.save(out, format=image_format, **options)
    return out.getvalue(), picture.size


def process(data, filename, keep_place, photos_only=False):
    """Check a file by its content (and that its name does not say otherwise), and make
    what is kept of it; a DomainError, about the field ``file``, says what is wrong.
    ``photos_only`` refuses documents."""
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    if not data:
        raise DomainError(_l("Choose a photo.") if photos_only
                          else _l("Choose a photo or a PDF document."), "file")
    if len(data) > limit:
        raise DomainError(_l("The file weighs %(size)s MB; the most is %(max)s MB.",
                             size=round(len(data) / 2**20, 1), max=limit // 2**20), "file")
    named = NAMED.get("." + (filename or "").rsplit(".", 1)[-1].lower()) \
        if "." in (filename or "") else None
    if data.startswith(PDF) or (photos_only and named == "PDF"):
        if photos_only:
            raise DomainError(_l("Only a photo (JPEG, PNG, WebP) is taken here, not a "
                                 "document."), "file")
        if named not in (None, "PDF"):
            raise DomainError(_l("The file is a PDF document, but its name says otherwise; "
                                 "rename it and send it again."), "file")
        return Processed("pdf", data, ".pdf")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image_format = image.format
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        raise DomainError(_l("The file is not a photo (JPEG, PNG, WebP).") if photos_only
                          else _l("The file is neither a photo (JPEG, PNG, WebP) nor a PDF "
                                  "document."), "file") from None
    if image_format not in IMAGE_FORMATS:
        raise DomainError(_l("Photos may be JPEG, PNG or WebP."), "file")
    if named is not None and named != image_format:
        raise DomainError(_l("The file is a %(format)s image, but its name says otherwise; "
                             "rename it and send it again.", format=image_format), "file")
    latitude, longitude = _place(image) if keep_place else (None, None)
    image = ImageOps.exif_transpose(image)
    full, (width, height) = _encode(image, image_format, PHONE_SIZE)
    thumbnail, (thumb_width, thumb_height) = _encode(image, image_format, THUMBNAIL_SIZE)
    return Processed("image", full, IMAGE_FORMATS[image_format][1], thumbnail, width, height,
                     thumb_width, thumb_height, latitude, longitude)


def goal_of(subject):
    """The goal a report revision, an observation or a resident's check is about."""
    if isinstance(subject, Observation):
        return subject.goal
    revision = subject.revision if isinstance(subject, DeliveryCheck) else subject
    return revision.report.goal


def attach(actor, subject, data, filename, caption, taken_on, keep_place, limit=None,
           photos_only=False):
    """Keep a file as evidence of a report revision, an observation or a resident's check
    (``photos_only``: no documents). Everything is checked before anything is written; a
    refusal names the field it is about (``file``, ``caption``, ``taken_on``)."""
    ensure_plan_open(goal_of(subject))
    limit = limit or current_app.config["EVIDENCE_MAX_FILES"]
    if len(subject.evidence) >= limit:
        raise DomainError(_l("This item already has the %(max)s files it may have.",
                             max=limit), "file")
    caption = " ".join(str(caption or "").split())
    if not caption:
        raise DomainError(_l("Say what the file shows."), "caption")
    if len(caption) > MAX_CAPTION:
        raise DomainError(_l("The caption may have at most %(max)s characters.",
                             max=MAX_CAPTION), "caption")
    if taken_on is None:
        raise DomainError(_l("Give the date the photo was taken or the document issued."),
                          "taken_on")
    if taken_on > utcnow().date():
        raise DomainError(_l("The date cannot be in the future."), "taken_on")
    processed = process(data, filename, keep_place, photos_only)
    store = storage()
    key, digest = store.save(processed.data, processed.suffix)
    thumbnail_key = (store.save(processed.thumbnail, processed.suffix)[0]
                     if processed.thumbnail else None)
    evidence = Evidence(
        kind=processed.kind, key=key, thumbnail_key=thumbnail_key, sha256=digest,
        size=len(processed.data), width=processed.width, height=processed.height,
        thumbnail_width=processed.thumbnail_width, thumbnail_height=processed.thumbnail_height,
        caption=caption, taken_on=taken_on, latitude=processed.latitude,
        longitude=processed.longitude, uploaded_by_id=actor.id)
    subject.evidence.append(evidence)
    db.session.flush()
    return evidence


def withdraw(actor, evidence, reason):
    """Stop serving a file; its checksum, and why, stay listed."""
    if evidence.withdrawn_at is not None:
        raise DomainError(_l("This file is already withdrawn."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_l("Say why the file is withdrawn."))
    if len(reason) > MAX_REASON:
        raise DomainError(_l("The reason may have at most %(max)s characters.", max=MAX_REASON))
    evidence.withdrawn_at, evidence.withdrawn_reason = utcnow(), reason
    evidence.withdrawn_by_id = actor.id


def media_type(evidence):
    if evidence.kind == "pdf":
        return "application/pdf"
    suffix = "." + evidence.key.rsplit(".", 1)[-1]
    return next(kind for kind, ending in IMAGE_FORMATS.values() if ending == suffix)
