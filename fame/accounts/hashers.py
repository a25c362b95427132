"""Password hashing. Production uses Django's Argon2id hasher as configured in settings."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with cheap parameters, for the test suite only (FAME_ENV=test)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
