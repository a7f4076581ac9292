"""The dashboard's scan forms. They render the fields; the API's input serializers validate them and build
the scan's input, so a page and the API accept exactly the same submissions."""

from typing import ClassVar
from uuid import UUID

from django import forms
from rest_framework import serializers

from scans.api import serializers as io
from scans.inputs import ScanInput
from scans.models import Scan


class ScanForm(forms.Form):
    """One tab of the new-scan page: what it is called, the scan type it starts, and the API's serializer."""

    label: ClassVar[str]
    submit: ClassVar[str]
    scan_type: ClassVar[str]
    input_serializer: ClassVar[type[serializers.Serializer]]

    def scan_input(self, *, project_id: UUID) -> ScanInput | None:
        """The input the API would build from these fields, or None with the API's reasons on the form."""
        # An optional field left empty is absent, as in a JSON body that leaves it out.
        data = {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
        given = self.input_serializer(data={**data, "project_id": project_id})
        if given.is_valid():
            return given.scan_input()
        for field, reasons in given.errors.items():
            for reason in reasons:
                self.add_error(field if field in self.fields else None, str(reason))
        return None


def _text_area(rows: int, **attrs: str) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "spellcheck": "false", "autocomplete": "off", **attrs})


class CodeScanForm(ScanForm):
    label = "Code"
    submit = "Scan the code"
    scan_type = Scan.ScanType.CODE
    input_serializer = io.CodeScanInputSerializer

    code = forms.CharField(strip=False, widget=_text_area(14, **{"class": "code-input"}))
    filename = forms.CharField(
        required=False,
        max_length=255,
        strip=False,
        help_text="Its suffix decides which analyzers read the code, e.g. settings.py.",
    )
    language = forms.ChoiceField(
        required=False,
        choices=[("", "From the file name")] + [(name, name.capitalize()) for name in sorted(io.LANGUAGE_SUFFIXES)],
    )


class PromptScanForm(ScanForm):
    label = "Prompt"
    submit = "Score the prompt"
    scan_type = Scan.ScanType.PROMPT
    input_serializer = io.PromptScanInputSerializer

    prompt = forms.CharField(strip=False, widget=_text_area(8))
    model = forms.CharField(required=False, max_length=100, help_text="The model the prompt is meant for.")


class PiiScanForm(ScanForm):
    label = "Personal data in a text"
    submit = "Find personal data"
    scan_type = Scan.ScanType.PII
    input_serializer = io.PiiScanInputSerializer

    content = forms.CharField(label="Text", strip=False, widget=_text_area(8))
    content_type = forms.CharField(required=False, max_length=50, help_text="What the text is, e.g. logs.")
    redact = forms.BooleanField(required=False, label="Also show the text with the personal data replaced")


class ArchiveScanForm(ScanForm):
    label = "Archive"
    submit = "Scan the archive"
    scan_type = Scan.ScanType.CODE
    input_serializer = io.CodeScanInputSerializer

    archive = forms.FileField(help_text="A zip, tar or tar.gz file; it is scanned by a worker.")


class RepositoryScanForm(ScanForm):
    label = "Repository"
    submit = "Scan the repository"
    scan_type = Scan.ScanType.CODE
    input_serializer = io.CodeScanInputSerializer

    ref = forms.CharField(max_length=200, help_text="A branch or tag of the project's repository, cloned by a worker.")


# The new-scan page's tabs, by the name its URL and its form give them.
SCAN_FORMS: dict[str, type[ScanForm]] = {
    "code": CodeScanForm,
    "archive": ArchiveScanForm,
    "repository": RepositoryScanForm,
    "prompt": PromptScanForm,
    "pii": PiiScanForm,
}
