from django.urls import path

from projects import views

urlpatterns = [
    path("projects/", views.project_list_page, name="project-list-page"),
    path("projects/new/", views.project_create_page, name="project-create-page"),
    path("projects/<uuid:project_id>/edit/", views.project_edit_page, name="project-edit-page"),
    path("projects/<uuid:project_id>/delete/", views.project_delete_page, name="project-delete-page"),
]
