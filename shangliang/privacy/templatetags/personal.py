"""``{{ text|masked }}``: a resident's text as every page without an account shows it (``personal.mask_text``)."""

from django import template

from shangliang.privacy.personal import mask_text

register = template.Library()


@register.filter
def masked(value: object) -> str:
    return mask_text("" if value is None else str(value))
