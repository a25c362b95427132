from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/open", views.open_round, name="open_round"),
    path("rounds/<int:round_id>/", views.round_page, name="round"),
    path("rounds/<int:round_id>/invite", views.invite, name="invite"),
    path("rounds/<int:round_id>/partners", views.partners, name="partners"),
    path("rounds/<int:round_id>/close", views.close_round, name="close_round"),
    path("rounds/<int:round_id>/answer/", views.task_list, name="task_list"),
    path("rounds/<int:round_id>/answer/check", views.check_answers, name="check_answers"),
    path("rounds/<int:round_id>/answer/submit", views.submit, name="submit"),
    path("rounds/<int:round_id>/answer/<str:block>", views.answer_block, name="answer_block"),
    path("rounds/<int:round_id>/documents/<int:document_id>", views.document, name="document"),
]
