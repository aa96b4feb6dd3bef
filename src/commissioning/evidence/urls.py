from django.urls import path

from commissioning.evidence import views

app_name = "evidence"

urlpatterns = [
    path("<slug:code>/", views.evidence_list, name="list"),
    path("<slug:code>/add/", views.evidence_add, name="add"),
    path("<slug:code>/framework/", views.framework_matrix, name="framework"),
    path("<slug:code>/calendar/", views.calendar_review, name="calendar"),
    path("<slug:code>/<int:pk>/", views.evidence_detail, name="detail"),
    path("<slug:code>/<int:pk>/file", views.evidence_file, name="file"),
]
