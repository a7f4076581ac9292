import factory
from factory.django import DjangoModelFactory

from accounts.models import User

# Meets every password rule: length, three character classes, not common, unlike the user's fields.
DEFAULT_PASSWORD = "Vault-Lantern-47!"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _saved(self: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()
