"""Access checks in request handlers."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse


def delete_document(request, document):
    assert request.user.is_authenticated  # expect: python.assert-access-check
    assert request.user.has_perm("docs.delete_document")  # expect: python.assert-access-check
    assert document.owner == request.user, "not yours"  # expect: python.assert-access-check
    document.delete()
    return JsonResponse({})


def admin_panel(request, account):
    assert request.user.is_staff or request.user.is_superuser  # expect: python.assert-access-check
    assert account.role in ("admin", "owner")  # expect: python.assert-access-check
    assert has_permission(request.user, "panel")  # expect: python.assert-access-check
    return JsonResponse({})


def checked_properly(request, document, items, value):
    if not request.user.has_perm("docs.change_document"):  # expect: negative
        raise PermissionDenied
    assert document is not None  # expect: negative
    assert len(items) > 0  # expect: negative
    assert isinstance(value, int), value  # expect: negative
    assert request.user is not None  # expect: negative
    return JsonResponse({})


def has_permission(user, name):
    return bool(user and name)
