"""The trees already loaded in territorio.Albero become the "alberi" kind of the asset layer,
one asset per tree with the same id, point and census data; then territorio drops its table
(territorio 0002), so trees have one source of truth."""

from django.db import migrations

ATTRIBUTI = ("specie", "tipologia", "stato_vegetativo", "classe_cedimento", "altezza")
CATEGORIE_ALBERI = ("verde-pubblico", "alberi", "verde", "aree-verdi", "potature")


def copia_alberi(apps, schema_editor):
    Albero = apps.get_model("territorio", "Albero")
    TipoBene = apps.get_model("patrimonio", "TipoBene")
    Bene = apps.get_model("patrimonio", "Bene")
    Categoria = apps.get_model("catalogo", "Categoria")
    for ente_id in Albero.objects.values_list("ente_id", flat=True).distinct().order_by():
        tipo, creato = TipoBene.objects.get_or_create(
            ente_id=ente_id, codice="alberi",
            defaults={"nome": "Albero", "nome_en": "Tree", "attributo_descrittivo": "specie",
                      "fonte": "Comune di Alessandria, Servizio Verde Pubblico: alberi (Portale Open Data)",
                      "licenza": "CC BY 4.0", "attribuzione": "Comune di Alessandria"},
        )
        if creato:
            tipo.categorie.set(Categoria.objects.filter(ente_id=ente_id, codice__in=CATEGORIE_ALBERI))
        presenti = set(Bene.objects.filter(tipo=tipo).values_list("identificativo", flat=True))
        nuovi = []
        for a in Albero.objects.filter(ente_id=ente_id).iterator(chunk_size=2000):
            if str(a.identificativo) in presenti:
                continue
            attributi = {k: getattr(a, k) for k in ATTRIBUTI if getattr(a, k)} | dict(a.dati or {})
            nuovi.append(Bene(ente_id=ente_id, tipo=tipo, identificativo=str(a.identificativo),
                              lat=a.lat, lon=a.lon, attributi=attributi))
        Bene.objects.bulk_create(nuovi, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('patrimonio', '0001_initial'),
        ('territorio', '0001_initial'),
    ]

    operations = [migrations.RunPython(copia_alberi, migrations.RunPython.noop)]
