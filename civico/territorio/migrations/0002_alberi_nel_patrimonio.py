# Trees now live in the asset layer (patrimonio 0002 copied them there).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('territorio', '0001_initial'),
        ('patrimonio', '0002_alberi_nel_patrimonio'),
    ]

    operations = [
        migrations.DeleteModel(name='Albero'),
    ]
