"""Forms for signing in and for managing organisations and practitioners."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password

from fame.web.forms import DatePartsField

from .access import THEY, Standing, child_data_access
from .facilitated import Practitioner
from .models import Organisation, Role, TrainingCourse, User
from .permissions import roles_for


class SignInForm(forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, error_messages={"required": "Enter your username"}
    )
    password = forms.CharField(
        label="Password", strip=False, error_messages={"required": "Enter your password"}
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        error_messages={"required": "Enter the 6-digit security code from your app"},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("The security code must be 6 digits, like 123456")
        return code


class OrganisationForm(forms.ModelForm):
    accreditation_date = DatePartsField(label_text="Date of accreditation status", required=False)

    class Meta:
        model = Organisation
        fields = [
            "agency_id",
            "name",
            "type",
            "local_authority",
            "accreditation_status",
            "accreditation_date",
        ]
        labels = {
            "agency_id": "Agency ID",
            "name": "Name",
            "type": "Type of organisation",
            "local_authority": "Local authority area",
            "accreditation_status": "Accreditation",
        }
        error_messages = {
            "agency_id": {
                "required": "Enter the agency ID",
                "unique": "An organisation with this agency ID already exists",
            },
            "name": {"required": "Enter the organisation's name"},
            "type": {"required": "Select the type of organisation"},
            "local_authority": {"required": "Enter the local authority area"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accreditation_date"].label = "Date of accreditation status"
        if self.instance.pk:
            # The agency ID is how records and feeds name the organisation; it never changes.
            self.fields["agency_id"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("accreditation_status") == "accredited" and not data.get("accreditation_date"):
            self.add_error("accreditation_date", "Enter the date the organisation was accredited")
        return data


class UserForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one role"},
    )
    vetting_checked_on = DatePartsField(
        label_text="Date of the enhanced vetting check", required=False
    )

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "organisation",
            "job_title",
            "phone",
            "secure_email",
            "roles",
            "vetting_checked_on",
        ]
        labels = {
            "username": "Username",
            "first_name": "First name",
            "last_name": "Last name",
            "organisation": "Organisation",
            "job_title": "Job title",
            "phone": "Phone",
            "secure_email": "Secure email address",
        }
        error_messages = {
            "username": {
                "required": "Enter a username",
                "unique": "Somebody already has this username",
            },
            "first_name": {"required": "Enter the first name"},
            "last_name": {"required": "Enter the last name"},
            "organisation": {"required": "Select the organisation"},
            "secure_email": {"invalid": "Enter an email address, like name@example.org"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vetting_checked_on"].label = "Date of the enhanced vetting check"
        for name in ("first_name", "last_name", "organisation", "job_title", "secure_email"):
            self.fields[name].required = True
        self.fields["job_title"].error_messages["required"] = "Enter the job title"
        self.fields["secure_email"].error_messages["required"] = "Enter the secure email address"
        self.fields["organisation"].empty_label = "Select an organisation"  # type: ignore[attr-defined]
        self.fields["username"].help_text = ""
        self.training_fields: list[tuple[str, TrainingCourse]] = []
        completed = {}
        if self.instance.pk:
            self.fields["username"].disabled = True
            completed = {r.course_id: r.completed_on for r in self.instance.training.all()}
        for course in TrainingCourse.objects.all():
            name = f"training_{course.code}"
            self.fields[name] = DatePartsField(
                label_text=f"Date {course.name} was completed", required=False
            )
            self.fields[name].label = f"{course.name}: date completed"
            self.initial.setdefault(name, completed.get(course.pk))
            self.training_fields.append((name, course))

    def training_dates(self) -> dict[TrainingCourse, Any]:
        return {course: self.cleaned_data.get(name) for name, course in self.training_fields}


class NewPasswordForm(forms.Form):
    password = forms.CharField(
        label="New password", strip=False, error_messages={"required": "Enter a new password"}
    )
    confirm = forms.CharField(
        label="Confirm new password",
        strip=False,
        error_messages={"required": "Enter the new password again"},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, confirm = data.get("password"), data.get("confirm")
        if password and confirm and password != confirm:
            self.add_error("confirm", "The passwords do not match")
        elif password:
            try:
                validate_password(password, self.user)
            except forms.ValidationError as error:
                self.add_error("password", error.messages[0])
        return data


class ConfirmForm(forms.Form):
    """A form with nothing to fill in: the button is the answer."""


class FacilitatedForm(forms.Form):
    """The practitioner without an account an ISA officer is about to act for, with what the
    sharing rules decide on: their organisation, role, vetting check and training.

    They are judged by the same rule 1 as anyone signed in
    (``fame.accounts.access.child_data_access``); each problem is an error on the
    field to put right.
    """

    name = forms.CharField(
        label="Practitioner's full name",
        max_length=120,
        error_messages={"required": "Enter the practitioner's full name"},
    )
    job_title = forms.CharField(
        label="Job title",
        max_length=120,
        error_messages={"required": "Enter the practitioner's job title"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation they work for",
        queryset=Organisation.objects.all(),
        to_field_name="agency_id",
        empty_label="Select an organisation",
        error_messages={
            "required": "Select the organisation they work for",
            "invalid_choice": "Select the organisation they work for",
        },
    )
    role = forms.ChoiceField(
        label="Their role",
        initial=Role.PRACTITIONER,
        error_messages={
            "required": "Select their role",
            "invalid_choice": "Select their role",
        },
    )
    vetting_checked_on = DatePartsField(
        label_text="Date of their enhanced vetting check",
        error_messages={"required": "Enter the date of their enhanced vetting check"},
    )
    contact = forms.CharField(
        label="Phone number or secure email address",
        max_length=200,
        error_messages={"required": "Enter how to contact the practitioner"},
    )
    reason = forms.CharField(
        label="Why are you acting for them?",
        max_length=500,
        error_messages={"required": "Enter why you are acting for them"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vetting_checked_on"].label = "Date of their enhanced vetting check"
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            (role.value, role.label) for role in roles_for("work_with_children")
        ]
        self.training_fields: list[tuple[str, TrainingCourse]] = []
        for course in TrainingCourse.objects.filter(required=True):
            name = f"training_{course.code}"
            self.fields[name] = DatePartsField(
                label_text=f"Date they completed {course.name}",
                required=False,  # a missing date is rule 1's to name, with the others
            )
            self.fields[name].label = f"Date they completed {course.name}"
            self.training_fields.append((name, course))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        standing = Standing(
            organisation=data.get("organisation"),
            vetting_checked_on=data.get("vetting_checked_on"),
            training=self._training(),
        )
        for problem in child_data_access(standing, words=THEY).faults:
            if problem.field not in self.errors:  # a field with its own error says that first
                self.add_error(problem.field, problem.text)
        return data

    def _training(self) -> dict[str, date]:
        data = self.cleaned_data
        return {course.code: data[name] for name, course in self.training_fields if data.get(name)}

    def practitioner(self) -> Practitioner:
        data = self.cleaned_data
        return Practitioner(
            name=data["name"].strip(),
            job_title=data["job_title"].strip(),
            organisation=data["organisation"],
            role=data["role"],
            contact=data["contact"].strip(),
            reason=data["reason"].strip(),
            vetting_checked_on=data["vetting_checked_on"],
            training=self._training(),
        )
