"""What the claims commands share beyond fitclaim.accounts.command_line: a
service's refusal as text, one problem a line."""

from __future__ import annotations

from fitclaim.accounts.command_line import add_user_argument, command_actor
from fitclaim.accounts.command_line import date_argument as date_arg

__all__ = ["add_user_argument", "command_actor", "date_arg", "problems_text"]


def problems_text(exc: Exception) -> str:
    """A ValidationError's messages, one a line, each with its field."""
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return "\n".join(
            f"{field}: {message}" if field != "__all__" else message
            for field, messages in exc.message_dict.items()
            for message in messages
        )
    return "\n".join(getattr(exc, "messages", [str(exc)]))
