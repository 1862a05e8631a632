"""Multipart uploads: parsed with bounded memory (parts spool to disk) and size-checked.

The gateway middleware already refuses a body over the product's max_file_size plus a small
envelope allowance; here each file part is held to max_file_size exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from kai_local.errors import InvalidRequest, PayloadTooLarge
from kai_local.gateway.auth import principal_of

MAX_FIELDS = 64
MAX_FILES = 8


@dataclass(frozen=True)
class Upload:
    field: str
    filename: str
    data: bytes
    content_type: str | None


@dataclass
class UploadForm:
    files: list[Upload] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)

    def files_named(self, name: str) -> list[Upload]:
        """Files sent under `name`, also accepting the `name[]` spelling of array fields."""
        return [f for f in self.files if f.field in (name, name + "[]")]

    def single_file(self, name: str, purpose: str) -> Upload:
        """Exactly one file under `name` (400 for none, several, or a plain text value);
        `purpose` completes "You must provide ..." in the message."""
        files = self.files_named(name)
        if not files:
            if self.value(name) is not None:
                raise InvalidRequest(f"'{name}' must be a file upload.", param=name, code="invalid_type")
            others = [f.field for f in self.files if f.field not in (name, name + "[]")]
            hint = f" (the field is '{name}', not '{others[0]}')" if others else ""
            raise InvalidRequest(f"You must provide {purpose}{hint}.", param=name, code="missing_required_parameter")
        if len(files) > 1:
            raise InvalidRequest(
                f"Send exactly one file in '{name}'; got {len(files)}.", param=name, code="invalid_value"
            )
        return files[0]

    def value(self, name: str) -> str | None:
        """A single form value; an empty string counts as omitted (as the spec's nullable fields)."""
        values = self.fields.get(name) or self.fields.get(name + "[]") or []
        if len(values) > 1:
            raise InvalidRequest(f"'{name}' was sent more than once.", param=name)
        return values[0] if values and values[0] != "" else None

    def values(self, name: str) -> list[str]:
        """An array field: `name`, `name[]`, repeated, or one comma-separated value."""
        raw = self.fields.get(name, []) + self.fields.get(name + "[]", [])
        return [part.strip() for value in raw for part in value.split(",") if part.strip()]


async def read_form(request: Request) -> UploadForm:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise InvalidRequest("This endpoint expects multipart/form-data.", code="invalid_content_type")
    max_size = principal_of(request).product.max_file_size
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
    except HTTPException as exc:  # Starlette's 400 for a MultiPartException (inside an app)
        raise InvalidRequest(f"Malformed multipart body: {exc.detail}", code="invalid_multipart") from None
    result = UploadForm()
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                # The parser counted the part's bytes as it spooled them: refuse before reading
                # an oversize part into memory.
                if value.size is not None and value.size > max_size:
                    raise _too_large(value.filename, max_size, name)
                data = await value.read()
                if len(data) > max_size:
                    raise _too_large(value.filename, max_size, name)
                result.files.append(Upload(name, value.filename or "upload", data, value.content_type))
            else:
                result.fields.setdefault(name, []).append(value)
    finally:
        await form.close()
    return result


def _too_large(filename: str | None, max_size: int, field: str) -> PayloadTooLarge:
    return PayloadTooLarge(f"The file '{filename}' is larger than this key's limit of {max_size} bytes.", param=field)
