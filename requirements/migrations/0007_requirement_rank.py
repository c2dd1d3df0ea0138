"""Score, priority and quadrant move to a narrow 1:1 table, so that re-scoring the pool rewrites
narrow rows and their three indexes instead of the wide requirement rows and all of theirs.

The rows are copied before the old columns go, and the new indexes are built after the copy
(one sort each, not a million index inserts).
"""

import django.db.models.deletion
from django.db import migrations, models


STATUS_CHOICES = [
    ('new', 'New (to screen)'), ('needs_info', 'Needs information'),
    ('not_started', 'Not started'), ('in_progress', 'In progress'), ('testing', 'Testing'),
    ('awaiting_acceptance', 'Awaiting customer acceptance'), ('done', 'Done'),
    ('merged', 'Merged'), ('out_of_scope', 'Out of scope'), ('rejected', 'Rejected'),
]

TRIGGER = """
CREATE FUNCTION requirements_rank_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE requirements_requirementrank SET status = NEW.status
    WHERE requirement_id = NEW.id AND status IS DISTINCT FROM NEW.status;
    RETURN NULL;
END
$$;
CREATE TRIGGER requirements_rank_status
AFTER UPDATE OF status ON requirements_requirement
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION requirements_rank_status();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('requirements', '0006_rescore_schedule'),
    ]

    operations = [
        migrations.CreateModel(
            name='RequirementRank',
            fields=[
                ('requirement', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='rank', serialize=False, to='requirements.requirement')),
                ('inputs_key', models.PositiveSmallIntegerField()),
                ('score', models.DecimalField(decimal_places=2, max_digits=4, verbose_name='score')),
                ('priority', models.CharField(choices=[('high', 'High'), ('medium', 'Medium'), ('low', 'Low')], max_length=8, verbose_name='priority')),
                ('quadrant', models.CharField(choices=[('quick_win', 'Quick win (do first)'), ('strategic', 'Strategic (long-term plan)'), ('fill_in', 'Fill-in (handle quickly)'), ('deprioritize', 'Deprioritize (postpone)')], max_length=16, verbose_name='quadrant')),
                ('status', models.CharField(choices=STATUS_CHOICES, editable=False, max_length=24, verbose_name='status')),
            ],
            options={
                'verbose_name': 'rank',
                'verbose_name_plural': 'ranks',
            },
        ),
        migrations.RunSQL(
            "INSERT INTO requirements_requirementrank "
            "(requirement_id, inputs_key, score, priority, quadrant, status) "
            "SELECT id, (importance - 1) * 125 + (urgency - 1) * 25 + (customer_value - 1) * 5 "
            "+ difficulty - 1, score, priority, quadrant, status FROM requirements_requirement",
            migrations.RunSQL.noop,
        ),
        migrations.RemoveIndex(
            model_name='requirement',
            name='req_score',
        ),
        migrations.RemoveIndex(
            model_name='requirement',
            name='req_status_score',
        ),
        migrations.RemoveIndex(
            model_name='requirement',
            name='req_priority_score',
        ),
        migrations.RemoveIndex(
            model_name='requirement',
            name='req_quadrant_score',
        ),
        migrations.RemoveField(
            model_name='requirement',
            name='priority',
        ),
        migrations.RemoveField(
            model_name='requirement',
            name='quadrant',
        ),
        migrations.RemoveField(
            model_name='requirement',
            name='score',
        ),
        migrations.AddIndex(
            model_name='requirementrank',
            index=models.Index(fields=['-score', '-requirement'], name='rank_score'),
        ),
        migrations.AddIndex(
            model_name='requirementrank',
            index=models.Index(fields=['status', '-score', '-requirement'], name='rank_status_score'),
        ),
        migrations.AddIndex(
            model_name='requirementrank',
            index=models.Index(fields=['quadrant', '-score', '-requirement'], name='rank_quadrant_score'),
        ),
        # The rank's copy of the status follows every change of the requirement's status,
        # whichever code (or SQL) makes it.
        migrations.RunSQL(TRIGGER, "DROP TRIGGER IF EXISTS requirements_rank_status ON requirements_requirement; DROP FUNCTION IF EXISTS requirements_rank_status();"),
        migrations.RunSQL("ANALYZE requirements_requirementrank", migrations.RunSQL.noop),
    ]
