from django.apps import AppConfig


class FilesConfig(AppConfig):
    """Files in and out: upload checks, signed file addresses, photos re-encoded without metadata, QR images."""

    name = "shangliang.files"
    label = "files"
    verbose_name = "文件"
