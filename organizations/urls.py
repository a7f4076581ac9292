from django.urls import path

from organizations import views

urlpatterns = [
    path("invitations/<str:token>/", views.invitation_accept_page, name="invitation-accept-page"),
]
