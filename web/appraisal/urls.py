"""Pages of Chapters 4–5: annual assessment, patrols, interviews (约谈), publication, rewards.

Every name starts with ``assessment`` so the navigation marks the section."""

from django.urls import path

from web.appraisal import views as v

urlpatterns = [
    path("assessment/", v.assessment_home, name="assessment"),
    path("assessment/report.xlsx", v.assessment_report, name="assessment_report"),
    path("assessment/patrols/", v.patrol_list, name="assessment_patrols"),
    path("assessment/patrols/<id:pk>/", v.patrol_detail, name="assessment_patrol"),
    path("assessment/patrols/<id:pk>/findings/<id:finding_id>/refer/", v.finding_refer, name="assessment_finding_refer"),
    path("assessment/interviews/", v.interview_list, name="assessment_interviews"),
    path("assessment/rewards/", v.rewards, name="assessment_rewards"),
]
