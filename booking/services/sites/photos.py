"""Photos of a site: checked, resized and re-encoded on upload, each with alt text.

An upload is decoded with Pillow, turned upright (EXIF orientation), and
copied pixel by pixel into a fresh image, so nothing of the original file
survives but its pixels: no EXIF (GPS, camera serial), no XMP, no comments.
Two JPEGs are kept: one for the page (THUMB_EDGE) and one to open (LARGE_EDGE).
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Site, SitePhoto, User
from ..admin import audit
from ..errors import InvalidRequest
from ..messages import _

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo decodes to ~120 MB; more is refused
MIN_EDGE = 200
LARGE_EDGE = 1600
THUMB_EDGE = 640
MAX_PHOTOS = 12
MAX_ALT_TEXT = 250
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
QUALITY = 82


@dataclass(frozen=True)
class PreparedPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int


def prepare_photo(data: bytes) -> PreparedPhoto:
    """An uploaded file as two clean JPEGs, or InvalidRequest saying what is wrong."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidRequest(_("The photo is larger than %(megabytes)s MB.",
                               megabytes=MAX_UPLOAD_BYTES // (1024 * 1024)))
    source = _open(data)
    try:
        picture = _clean_copy(source)
    finally:
        source.close()
    large = _resized(picture, LARGE_EDGE)
    return PreparedPhoto(_jpeg(large), _jpeg(_resized(picture, THUMB_EDGE)), *large.size)


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, OSError, SyntaxError, ValueError):
        raise InvalidRequest(_("That file is not a photo; upload a JPEG, PNG or WebP image."))
    if image.format not in ACCEPTED_FORMATS:
        image.close()
        raise InvalidRequest(_("That file is not a photo; upload a JPEG, PNG or WebP image."))
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise InvalidRequest(_("The photo has too many pixels (at most 40 megapixels)."))
    if min(width, height) < MIN_EDGE:
        image.close()
        raise InvalidRequest(_("The photo is too small; use one at least %(pixels)s pixels on"
                               " each side.",
                               pixels=MIN_EDGE))
    return image


def _clean_copy(image: Image.Image) -> Image.Image:
    """Upright RGB pixels in a new image that carries no metadata at all."""
    try:
        upright = ImageOps.exif_transpose(image.convert("RGBA") if image.mode == "P"
                                          else image)
        rgb = _flatten(upright)
    except (OSError, SyntaxError, ValueError):
        raise InvalidRequest(_("The photo could not be read; it may be damaged."))
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent pixels on white, as the page shows them."""
    if image.mode in ("RGBA", "LA"):
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _resized(image: Image.Image, edge: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    return copy


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _clean_alt_text(alt_text: str | None) -> str:
    alt_text = " ".join((alt_text or "").split())
    if not alt_text:
        raise InvalidRequest(_("Describe the photo for people who cannot see it (alt text)."))
    if len(alt_text) > MAX_ALT_TEXT:
        raise InvalidRequest(_("Keep the description under %(most)s characters.",
                               most=MAX_ALT_TEXT))
    return alt_text


def add_photo(session: Session, actor: User, site: Site, data: bytes,
              alt_text: str | None) -> SitePhoto:
    """Add a photo at the end of the site's photos, audited."""
    alt_text = _clean_alt_text(alt_text)
    count, last = session.execute(
        select(func.count(), func.max(SitePhoto.position)).where(SitePhoto.site_id == site.id)
    ).one()
    if count >= MAX_PHOTOS:
        raise InvalidRequest(_("A site shows at most %(most)s photos; delete one first.",
                               most=MAX_PHOTOS))
    prepared = prepare_photo(data)
    photo = SitePhoto(site_id=site.id, position=(last or 0) + 1, alt_text=alt_text,
                      width=prepared.width, height=prepared.height, image=prepared.image,
                      thumbnail=prepared.thumbnail, created_by_id=actor.id)
    session.add(photo)
    session.flush()
    audit.record(session, actor, "photo.add", site=site, target=f"photo:{photo.id}",
                 after={"alt_text": alt_text, "width": photo.width, "height": photo.height})
    return photo


def delete_photo(session: Session, actor: User, site: Site, photo: SitePhoto) -> None:
    """Remove a photo of this site, audited."""
    if photo.site_id != site.id:
        raise InvalidRequest(_("That photo belongs to another site."))
    before = {"alt_text": photo.alt_text}
    session.delete(photo)
    session.flush()
    audit.record(session, actor, "photo.delete", site=site, target=f"photo:{photo.id}",
                 before=before)


def move_photo_first(session: Session, actor: User, site: Site, photo: SitePhoto) -> None:
    """Show this photo first (the one at the top of the site's page)."""
    if photo.site_id != site.id:
        raise InvalidRequest(_("That photo belongs to another site."))
    first = session.scalar(select(func.min(SitePhoto.position))
                           .where(SitePhoto.site_id == site.id)) or 0
    if photo.position == first:
        return
    before = {"position": photo.position}
    photo.position = first - 1
    session.flush()
    audit.record(session, actor, "photo.move", site=site, target=f"photo:{photo.id}",
                 before=before, after={"position": photo.position})


def get_photos(session: Session, site: Site) -> list[SitePhoto]:
    """The site's photos in the order shown, without their bytes."""
    return list(session.scalars(select(SitePhoto).where(SitePhoto.site_id == site.id)
                                .order_by(SitePhoto.position, SitePhoto.id)))


def get_photo_bytes(session: Session, site_id: int, photo_id: int, size: str) -> bytes | None:
    """One stored JPEG (size "large" or "thumb") of a site's photo, or None."""
    column = SitePhoto.image if size == "large" else SitePhoto.thumbnail
    return session.scalar(select(column).where(SitePhoto.id == photo_id,
                                               SitePhoto.site_id == site_id))
