"""Evidence uploads: what is accepted is decided by the file's bytes, not its name."""

import re
import uuid

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
_OFFICE = "application/vnd.openxmlformats-officedocument."
# magic bytes -> the extensions a file with them may carry, each with its content type
SIGNATURES: list[tuple[bytes, dict[str, str]]] = [
    (b"\x89PNG\r\n\x1a\n", {"png": "image/png"}),
    (b"\xff\xd8\xff", {"jpg": "image/jpeg", "jpeg": "image/jpeg"}),
    (b"GIF8", {"gif": "image/gif"}),
    (b"%PDF-", {"pdf": "application/pdf"}),
    (
        b"PK\x03\x04",  # Office files are zip containers
        {
            "xlsx": _OFFICE + "spreadsheetml.sheet",
            "docx": _OFFICE + "wordprocessingml.document",
            "pptx": _OFFICE + "presentationml.presentation",
        },
    ),
]


def check(upload: UploadedFile) -> str:
    """The file's real content type; raises ValidationError for oversize or disguised files."""
    size = upload.size or 0
    if size > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")}, code="too_large")
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")}, code="empty")
    head = upload.read(16)
    upload.seek(0)
    extension = (upload.name or "").rsplit(".", 1)[-1].lower()
    kinds = next((k for magic, k in SIGNATURES if head.startswith(magic)), None)
    if kinds is None:
        raise ValidationError(
            {"file": _("Only images (PNG, JPEG, GIF), PDF and Office files (xlsx, docx, pptx).")},
            code="type",
        )
    if extension not in kinds:
        raise ValidationError(
            {"file": _("The file's name ends in .%(ext)s but its content is a %(kind)s file.")
             % {"ext": extension, "kind": "/".join(kinds)}},
            code="disguised",
        )  # fmt: skip
    return kinds[extension]


def safe_name(name: str) -> str:
    """A stored name that cannot traverse paths or collide: a random prefix + the cleaned stem."""
    stem = re.sub(r"[^\w-]+", "_", name.rsplit(".", 1)[0])[:60] or "file"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
    return f"{uuid.uuid4().hex[:12]}-{stem}.{ext}"
