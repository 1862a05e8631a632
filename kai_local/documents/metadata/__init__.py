"""Metadata stripping for POST /documents/strip-metadata: one module per format family
(images, pdf, ooxml + office_xml, ole), exiftool as a stay-open process pool, and the policy
that decides which tags are identifying. `MetadataStripper` (service.py) is the facade."""

from kai_local.documents.metadata.exiftool import ExifTool
from kai_local.documents.metadata.service import SUPPORTED_TYPES, MetadataStripper, Stripped

__all__ = ["SUPPORTED_TYPES", "ExifTool", "MetadataStripper", "Stripped"]
