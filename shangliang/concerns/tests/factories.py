from __future__ import annotations

import io
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shangliang.concerns import rules
from shangliang.concerns.models import Concern, ConcernStatus


def jpeg_with_gps(name: str = "photo.jpg", size: tuple[int, int] = (800, 600)) -> SimpleUploadedFile:
    """A phone-like photo whose EXIF carries a GPS position and a camera owner."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x013B] = "张三"  # Artist
    exif[0x8825] = {1: "N", 2: (21.0, 28.0, 50.0), 3: "E", 4: (109.0, 7.0, 10.0)}  # GPS IFD
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 100, 0)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class ConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concern

    tracking_code = factory.LazyFunction(rules.new_tracking_code)
    public_id = factory.LazyFunction(rules.new_public_id)
    text = "政法路5栋楼道私拉电线给电动车充电"
    public_text = factory.SelfAttribute("text")
    region = factory.SelfAttribute("community")
    region_path = factory.LazyAttribute(lambda o: o.region.path)


def published(**kwargs: Any) -> Concern:
    """A concern anyone may read: screened (taken as a topic), its masked text confirmed."""
    kwargs.setdefault("status", ConcernStatus.ACCEPTED)
    kwargs.setdefault("published_at", timezone.now())
    return ConcernFactory(**kwargs)


def publish(concern: Concern, status: str = ConcernStatus.ACCEPTED) -> Concern:
    """Screen and publish a concern filed through the intake (its text proposed masked as staff would)."""
    Concern.objects.filter(pk=concern.pk).update(
        status=status, public_text=rules.propose_public_text(concern.text), published_at=timezone.now()
    )
    concern.refresh_from_db()
    from shangliang.concerns.services import index_concern

    index_concern(concern)
    return concern
