"""The dashboard's forms for documents and memories; the services check them again."""

from django import forms
from django.conf import settings

from chats.models import Memory


class DocumentUploadForm(forms.Form):
    collection = forms.ChoiceField(required=False, help_text="Documents that name none go to General.")
    file = forms.FileField(required=False, help_text="Text, Markdown or PDF.")
    title = forms.CharField(max_length=300, required=False, help_text="By default the file's name.")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=settings.DOCUMENT_MAX_BYTES,
        required=False,
        help_text="Or paste the text (Markdown is fine).",
    )

    def __init__(self, *args: object, collections: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collection"].choices = [("", "General"), *((str(c.pk), c.name) for c in collections)]

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("text")):
            raise forms.ValidationError("Choose a file or paste a text (one of the two).")
        if data.get("text") and not data.get("title"):
            self.add_error("title", "A pasted text needs a title.")
        return data


class MemoryForm(forms.Form):
    content = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 2}), label="Remember")
    memory_type = forms.ChoiceField(choices=Memory.Type.choices, initial=Memory.Type.FACT, label="Type")
    importance_score = forms.FloatField(min_value=0.0, max_value=1.0, initial=0.5, label="Importance (0 to 1)")
