"""The upload form for a filled-in workbook: its size and kind checked at the door."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

MAX_BYTES = 5 * 1024 * 1024
"""A filled-in workbook is tens of kilobytes; 5 MB leaves room for long evidence."""


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(
        label="Upload your filled-in workbook",
        error_messages={
            "required": "Choose the workbook to upload",
            "empty": "The file you chose is empty",
            "invalid": "Choose the workbook to upload",
        },
    )

    def clean_workbook(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["workbook"]
        if (upload.size or 0) > MAX_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB"
            )
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError("The file must be an Excel workbook ending .xlsx")
        return upload
