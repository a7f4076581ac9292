from django.urls import path

from projects.api import views

urlpatterns = [
    path("projects", views.ProjectListCreateView.as_view(), name="project-list"),
    path("projects/<uuid:project_id>", views.ProjectDetailView.as_view(), name="project-detail"),
]
