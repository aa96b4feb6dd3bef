"""The demo's synthetic surveys: one per study community, answered as the field study's were
(21% overall, 44% in Calderdale), advice from colleagues."""

from __future__ import annotations

from collections import Counter

from commissioning.networks.models import Nomination, Survey


def test_each_demo_community_has_a_completed_survey(demo, db):
    surveys = Survey.objects.filter(community__synthetic=True)
    assert sorted(surveys.values_list("community__code", flat=True)) == [
        "calderdale",
        "somerset",
        "wirral",
    ]
    rates = {}
    for survey in surveys:
        invited = survey.respondents.count()
        answered = survey.respondents.filter(responded_at__isnull=False).count()
        assert survey.synthetic and invited >= 20
        rates[survey.community.code] = (answered, invited)
        assert not survey.respondents.filter(token_hash__isnull=False).exists()
        silent = survey.respondents.filter(responded_at__isnull=True)
        assert all(1 <= r.reminder_count <= 2 for r in silent)
        kinds = Counter(
            Nomination.objects.filter(respondent__survey=survey).values_list(
                "source_type", flat=True
            )
        )
        assert kinds["gp"] > kinds["commissioning_manager"]
        assert kinds["specialist_nurse"] > kinds["commissioning_manager"]
        assert all(1 <= n <= survey.max_sources for n in _counts(survey))
    # The study: "Response rate 21% overall, 44% in Calderdale" (the other two far lower).
    answered = sum(a for a, _ in rates.values())
    invited = sum(i for _, i in rates.values())
    assert 0.19 <= answered / invited <= 0.23
    calderdale = rates["calderdale"][0] / rates["calderdale"][1]
    assert 0.40 <= calderdale <= 0.48
    for code in ("somerset", "wirral"):
        assert rates[code][0] / rates[code][1] < calderdale / 2, code


def _counts(survey):
    return Counter(
        Nomination.objects.filter(respondent__survey=survey).values_list("respondent_id", flat=True)
    ).values()


def test_demo_network_page_names_nobody(demo, db, client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="wirral-viewer"))
    html = client.get("/communities/wirral/network/").content.decode()
    assert 'id="network-nodes"' in html and 'id="coparticipation-nodes"' in html
    for name in Survey.objects.get(community__code="wirral").respondents.values_list(
        "name", flat=True
    ):
        assert name not in html
