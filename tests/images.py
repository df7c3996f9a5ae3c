"""Image files made on the spot for photo tests (with EXIF and GPS where asked)."""
from __future__ import annotations

import io

from PIL import ExifTags, Image


def photo_bytes(size=(3000, 2000), fmt="JPEG", *, gps=False, orientation=None,
                colour=(200, 120, 40)) -> bytes:
    """An image file; a JPEG may carry a camera name, GPS position and orientation."""
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if fmt != "JPEG":
        image.save(out, fmt)
        return out.getvalue()
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SnoopCam"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef] = "N"
        info[ExifTags.GPS.GPSLatitude] = (8.0, 59.0, 47.0)
        info[ExifTags.GPS.GPSLongitudeRef] = "E"
        info[ExifTags.GPS.GPSLongitude] = (76.0, 46.0, 36.0)
    image.save(out, "JPEG", exif=exif, xmp=b"<x:xmpmeta>home at 8.9963,76.7766</x:xmpmeta>")
    return out.getvalue()


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
