"""The base of every Bastion middleware, in the kernel so that any app's middleware can build on it."""

from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse

GetResponse = Callable[[HttpRequest], HttpResponse] | Callable[[HttpRequest], Awaitable[HttpResponse]]


class HybridMiddleware:
    """Bastion's middleware runs in the mode of the handler below it, sync or async.

    Under ASGI a sync-only middleware makes Django carry each request from the event loop to a
    thread and back around it; a subclass answers in either mode (`__call__` returns a coroutine
    when `async_mode` is set) and leaves a thread to the code that needs one.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)
