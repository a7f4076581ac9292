"""The database under parallel writes: the embedded SQLite default must wait, not fail."""

import pytest
from django.db import transaction

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.races import race


def _read_then_write(index: int) -> str:
    # The shape of every check-then-write: read inside the transaction, then write.
    with transaction.atomic():
        User.objects.filter(username__startswith="racer").count()
        return UserFactory(username=f"racer{index}", email=f"racer{index}@example.com").username


@pytest.mark.django_db(transaction=True)
def test_parallel_check_then_write_transactions_all_complete():
    results = race([lambda index=index: _read_then_write(index) for index in range(8)])

    assert [r for r in results if isinstance(r, BaseException)] == []
    assert User.objects.filter(username__startswith="racer").count() == 8
