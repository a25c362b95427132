from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "fame.synth"
    label = "synth"
    verbose_name = "Synthetic region"
