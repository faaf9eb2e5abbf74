from django.db import models
from django.utils.translation import gettext_lazy as _


class Battito(models.Model):
    """The heartbeat of one `civico worker` process: /readyz and /metrics read its age."""

    nome = models.CharField(max_length=200, unique=True)  # host:pid
    ultimo = models.DateTimeField(_("ultimo battito"), db_index=True)
    avviato_il = models.DateTimeField(_("avviato il"))

    class Meta:
        verbose_name = _("battito del worker")
        verbose_name_plural = _("battiti dei worker")

    def __str__(self) -> str:
        return self.nome
