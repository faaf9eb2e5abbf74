import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('catalogo', '0003_categorie_e_domande_in_inglese'),
        ('enti', '0004_arretrato_ereditato'),
        ('segnalazioni', '0010_sollecito_ai_dirigenti'),
    ]

    operations = [
        migrations.CreateModel(
            name='TipoBene',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('codice', models.SlugField(max_length=40, verbose_name='codice')),
                ('nome', models.CharField(help_text='Al singolare: «Albero», «Lampione».', max_length=80, verbose_name='nome')),
                ('nome_en', models.CharField(blank=True, max_length=80, verbose_name='nome in inglese')),
                ('attributo_descrittivo', models.CharField(blank=True, max_length=60, verbose_name='attributo descrittivo')),
                ('fonte', models.CharField(max_length=300, verbose_name='fonte')),
                ('licenza', models.CharField(max_length=120, verbose_name='licenza')),
                ('attribuzione', models.CharField(blank=True, max_length=300, verbose_name='attribuzione')),
                ('aggiornato_il', models.DateTimeField(auto_now=True, verbose_name='ultimo aggiornamento')),
                ('categorie', models.ManyToManyField(blank=True, help_text='Chi segnala in queste categorie può scegliere il bene sulla mappa.', related_name='tipi_bene', to='catalogo.categoria', verbose_name='categorie')),
                ('ente', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tipi_bene', to='enti.ente')),
            ],
            options={
                'verbose_name': 'tipo di bene',
                'verbose_name_plural': 'tipi di bene',
                'ordering': ['ente_id', 'nome'],
                'constraints': [models.UniqueConstraint(fields=('ente', 'codice'), name='patrimonio_tipo_unico')],
            },
        ),
        migrations.CreateModel(
            name='Bene',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('identificativo', models.CharField(max_length=64, verbose_name='identificativo')),
                ('lat', models.FloatField(verbose_name='latitudine')),
                ('lon', models.FloatField(verbose_name='longitudine')),
                ('attributi', models.JSONField(blank=True, default=dict, verbose_name='attributi')),
                ('attivo', models.BooleanField(default=True, verbose_name='attivo')),
                ('ente', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='beni', to='enti.ente')),
                ('tipo', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='beni', to='patrimonio.tipobene')),
            ],
            options={
                'verbose_name': 'bene',
                'verbose_name_plural': 'beni',
                'ordering': ['tipo_id', 'identificativo'],
                'indexes': [models.Index(fields=['tipo', 'lat', 'lon'], name='patrimonio_bene_pos')],
                'constraints': [models.UniqueConstraint(fields=('tipo', 'identificativo'), name='patrimonio_bene_unico')],
            },
        ),
        migrations.CreateModel(
            name='BeneSegnalato',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bene', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='segnalazioni', to='patrimonio.bene')),
                ('segnalazione', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='bene_segnalato', to='segnalazioni.segnalazione')),
            ],
            options={
                'verbose_name': 'bene segnalato',
                'verbose_name_plural': 'beni segnalati',
            },
        ),
    ]
