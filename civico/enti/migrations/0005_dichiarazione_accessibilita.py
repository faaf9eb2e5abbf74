from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enti', '0004_arretrato_ereditato'),
    ]

    operations = [
        migrations.AddField(
            model_name='ente',
            name='url_dichiarazione_accessibilita',
            field=models.URLField(blank=True, help_text='La dichiarazione del comune pubblicata su form.agid.gov.it. Vuoto: quella della piattaforma.', verbose_name="indirizzo della dichiarazione di accessibilità"),
        ),
    ]
