from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Residents' personal data: encryption at rest, masking, one-time codes and the rate limits that guard them."""

    name = "shangliang.privacy"
    label = "privacy"
    verbose_name = "个人信息保护"
