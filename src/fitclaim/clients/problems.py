"""Field problems collected by a service before it writes anything.

A service gathers every problem with its input (its own rules first, then the
model's field checks), and raises one ValidationError keyed by field name, so
the page shows each message under its field and the API reports it at
`body.payload.<field>`. Nothing is saved when there is any.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models


class Problems(dict[str, list[str]]):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def update_from(self, problems: Mapping[str, list[str]]) -> None:
        for field, messages in problems.items():
            for message in messages:
                self.add(field, message)

    def check_model(self, instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
        """Add the model's own field checks (lengths, choices, digits, email
        format, constraints) for fields that have no problem yet, so one
        mistake does not read as two messages. The database constraints back
        up rules the service has already checked by name; their generic
        messages are only shown when nothing more precise was found."""
        try:
            instance.full_clean(exclude=list(exclude))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field == NON_FIELD_ERRORS and self:
                    continue
                if field not in self:
                    for message in messages:
                        self.add(field, message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError({field: list(messages) for field, messages in self.items()})
