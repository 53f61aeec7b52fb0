"""Sign-in and profile forms (Flask-WTF: CSRF on every POST)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from webapp.core.forms import PageForm, locale_choices
from webapp.core.i18n import ROLE_LABELS
from webapp.core.permissions import TOKEN_SCOPES
from webapp.core.timezones import zone_names


class LoginForm(PageForm):
    email = EmailField(_l("Email"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    next = HiddenField()
    # Filled by signin.js from the browser (Intl): a person with no zone yet starts with it.
    # Never a reason to refuse a sign-in: the service ignores what zoneinfo does not know.
    time_zone = HiddenField()


class PasswordForm(PageForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired()],
        description=_l(
            "At least 12 characters. A few unrelated words are easy to remember and hard to guess."
        ),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two do not match."))],
    )


SCOPE_LABELS = {
    "read": _l("Read summaries, queues and jobs"),
    "write": _l("Write summaries and glossary terms"),
    "review": _l("Save and approve translations"),
    "publish": _l("Publish"),
}
EXPIRY_CHOICES = [
    SelectChoice("30", _l("30 days")),
    SelectChoice("90", _l("90 days")),
    SelectChoice("365", _l("One year")),
]


class TokenForm(PageForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("What uses it, so you know which one to revoke later."),
    )
    scopes = SelectMultipleField(
        _l("May"),
        choices=[SelectChoice(scope, SCOPE_LABELS[scope]) for scope in TOKEN_SCOPES],
        default=["read"],
        validators=[DataRequired(message=_l("Choose at least one."))],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    days = SelectField(_l("Expires after"), choices=EXPIRY_CHOICES, default="90")


class LanguageForm(PageForm):
    ui_locale = SelectField(
        _l("Language of the staff pages"),
        choices=lambda: [SelectChoice("", _l("Follow my browser")), *locale_choices()],
        default="",
    )


class TimeZoneForm(PageForm):
    # The service judges the name (zoneinfo), so an unknown zone gets its message, not WTForms'.
    time_zone = SelectField(
        _l("Time zone of the times on the staff pages"),
        choices=lambda: [SelectChoice(zone, zone) for zone in zone_names()],
        validate_choice=False,
    )


ROLE_CHOICES = [SelectChoice(role, label) for role, label in ROLE_LABELS.items()]


class InviteForm(PageForm):
    # The service judges the address and the roles, so its messages stand beside the fields.
    email = EmailField(_l("Email"), validators=[DataRequired()])
    name = StringField(_l("Name"), description=_l("Optional; the part before @ otherwise."))
    roles = SelectMultipleField(
        _l("Roles"),
        choices=ROLE_CHOICES,
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose at least one."))],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    locales = SelectMultipleField(
        _l("Languages a translator works into"),
        choices=locale_choices,
        validate_choice=False,
        description=_l("For translators; none ticked: every language."),
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    ui_locale = SelectField(
        _l("Language of the invitation and the staff pages"),
        choices=locale_choices,
        validate_choice=False,
    )


class SetPasswordForm(PageForm):
    new_password = PasswordField(
        _l("Password"),
        validators=[DataRequired()],
        description=_l(
            "At least 12 characters. A few unrelated words are easy to remember and hard to guess."
        ),
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two do not match."))],
    )
