"""The account's security settings: second factors, recovery codes and recent security events."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import MFAMethod, RecoveryCode
from accounts.selectors import security_events_for
from accounts.services import mfa
from accounts.views.mfa import recovery_codes_render
from core.exceptions import BastionError

EVENTS_SHOWN = 20


@login_required
def security_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    devices = [
        {"device": device, "method": mfa.device_method(device), "label": mfa.device_method(device).label}
        for device in mfa.user_devices(user=user)
    ]
    present = {entry["method"] for entry in devices}
    # One email factor is enough (codes go to the account's address); apps and phones can be several.
    addable = [method for method in mfa.DEVICE_MODELS if method != MFAMethod.EMAIL or method not in present]
    context = {
        "devices": devices,
        "addable": addable,
        "MFAMethod": MFAMethod,
        "recovery_codes_left": RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count(),
        "recovery_codes_total": mfa.RECOVERY_CODE_COUNT,
        "events": security_events_for(user=user)[:EVENTS_SHOWN],
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def device_remove(request: HttpRequest, device_id: str) -> HttpResponse:
    try:
        mfa.mfa_device_remove(user=request.user, device_id=device_id)
    except BastionError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, "The second factor was removed.")
    return redirect("security")


@never_cache
@login_required
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    codes = mfa.recovery_codes_regenerate(user=request.user)
    return recovery_codes_render(request, codes=codes, continue_url=reverse("security"))
