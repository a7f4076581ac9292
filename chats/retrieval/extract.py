"""A document's text from its uploaded bytes: UTF-8 text and Markdown as they are, PDF through pypdf."""

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from chats.exceptions import DocumentTypeRefused, DocumentUnreadable
from chats.models import Document

logger = logging.getLogger(__name__)
# A page count past which a PDF is refused before its text is read: extraction is linear in pages.
MAX_PDF_PAGES = 2000


def text_clean(text: str) -> str:
    """Text a database keeps: PostgreSQL refuses NUL, and lone surrogates cannot be encoded."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _pdf_text(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentUnreadable("The PDF is encrypted: upload it without a password.")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise DocumentUnreadable(f"The PDF has more than {MAX_PDF_PAGES} pages.")
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except DocumentUnreadable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as error:
        # pypdf reports a damaged file through many exception types; any of them means the same to the
        # uploader. Only the type is logged: pypdf's messages may quote the file's bytes.
        logger.info("A PDF upload could not be parsed (%s)", type(error).__name__)
        raise DocumentUnreadable("The PDF could not be read: it is damaged or not a PDF.") from None


def document_text(*, data: bytes, mime_type: str) -> str:
    if mime_type == Document.MimeType.PDF:
        text = _pdf_text(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DocumentUnreadable("The text is not UTF-8.") from None
    text = text_clean(text)
    if not text.strip():
        raise DocumentUnreadable("The document has no text to index (a scanned PDF needs OCR first).")
    return text


_BY_SUFFIX = {
    ".txt": Document.MimeType.TEXT,
    ".text": Document.MimeType.TEXT,
    ".md": Document.MimeType.MARKDOWN,
    ".markdown": Document.MimeType.MARKDOWN,
    ".pdf": Document.MimeType.PDF,
}
_ALIASES = {"text/x-markdown": Document.MimeType.MARKDOWN}
# What browsers and curl send for a file whose type they do not know: the name decides then.
_UNKNOWN = {"", "application/octet-stream"}


def upload_mime_type(*, declared: str | None, content_type: str | None, filename: str) -> str:
    """The type of an uploaded file: the one the client declared, else the file part's own, else its name's."""
    for given in (declared, content_type):
        given = (given or "").split(";")[0].strip().lower()
        if given in _UNKNOWN:
            continue
        given = _ALIASES.get(given, given)
        if given in Document.MimeType.values:
            return given
        raise DocumentTypeRefused(f"Files of type {given[:100]} are not accepted: upload text, Markdown or PDF.")
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    raise DocumentTypeRefused("The file's type is unknown: name it .txt, .md or .pdf, or send `mime_type`.")
