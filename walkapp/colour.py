"""Colour: pictures are stored in sRGB, converted from the profile the phone embedded. No Flask here.

Phones shoot in Display P3; a browser shows an untagged JPEG as sRGB, so the pixels are converted
with LittleCMS (Pillow's ImageCms) and no profile is embedded. An uploaded profile can carry any
bytes (planted text survived a plain re-encode), so none of its bytes is ever written out; one that
LittleCMS cannot read is ignored (the picture is taken as sRGB).
"""

from __future__ import annotations

import functools
import hashlib
import io

from PIL import Image, ImageCms

_SRGB = ImageCms.createProfile("sRGB")


def to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """The RGB picture in sRGB: converted from `icc` (an RGB profile) when there is one, else as it is."""
    return apply(im, transform_for(icc))


def transform_for(icc: bytes | None) -> ImageCms.ImageCmsTransform | None:
    """The conversion from this profile to sRGB, or None when there is nothing to convert."""
    if not icc:
        return None
    return _transform(hashlib.sha256(icc).digest(), icc)


def apply(im: Image.Image, transform: ImageCms.ImageCmsTransform | None) -> Image.Image:
    """`im` converted by `transform` (LittleCMS releases the GIL: strips convert in parallel)."""
    return ImageCms.applyTransform(im, transform) if transform is not None else im


@functools.lru_cache(maxsize=16)
def _transform(digest: bytes, icc: bytes) -> ImageCms.ImageCmsTransform | None:
    """A transform from the profile to sRGB, made once per distinct profile (phones share a handful)."""
    del digest  # the cache key; the bytes themselves are compared too, so equal hashes cannot collide
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if _is_srgb(source):
            return None
        return ImageCms.buildTransform(source, _SRGB, "RGB", "RGB",
                                       renderingIntent=ImageCms.Intent.PERCEPTUAL)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


def _is_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
    """Whether the profile describes sRGB already (converting would only cost time)."""
    try:
        description = (ImageCms.getProfileDescription(profile) or "").strip().lower()
    except ImageCms.PyCMSError:
        return False
    return description.startswith("srgb")
