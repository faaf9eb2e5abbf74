"""ConversazioneSms becomes Conversazione, keyed by (canale, mittente): the same dialogue for every
channel with incoming messages. Existing rows are SMS conversations."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('comunicazioni', '0007_lotto_avvisi_di_lavoro'),
    ]

    operations = [
        migrations.RenameModel(old_name='ConversazioneSms', new_name='Conversazione'),
        migrations.RenameField(model_name='conversazione', old_name='telefono', new_name='mittente'),
        migrations.AlterField(
            model_name='conversazione',
            name='mittente',
            field=models.CharField(max_length=80),
        ),
        migrations.AddField(
            model_name='conversazione',
            name='canale',
            field=models.CharField(default='sms', max_length=20),
        ),
        migrations.AddConstraint(
            model_name='conversazione',
            constraint=models.UniqueConstraint(fields=('canale', 'mittente'), name='conversazione_unica'),
        ),
    ]
