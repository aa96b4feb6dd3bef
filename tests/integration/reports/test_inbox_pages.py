"""The inbox, the subscriptions page, the Follow buttons and the report links, on the demo."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from commissioning.reports.models import InboxMessage, Subscription
from commissioning.store.models import (
    CommissioningCommunity,
    Indicator,
    Objective,
    ServiceDevelopment,
)

pytestmark = pytest.mark.django_db


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class Forms(HTMLParser):
    """Every form of a page: its attributes and its inputs' names and values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({**attrs, "inputs": {}})
        elif tag == "input" and self.forms and "name" in attrs:
            self.forms[-1]["inputs"][attrs["name"]] = attrs.get("value", "")


def forms(response) -> list[dict]:
    parser = Forms()
    parser.feed(response.content.decode())
    return parser.forms


def follow_forms(response) -> list[dict]:
    return [f for f in forms(response) if f.get("action") == "/reports/follow/"]


@pytest.fixture
def wirral(demo):
    return CommissioningCommunity.objects.get(code="wirral")


@pytest.fixture
def dementia_dx(demo):
    return Indicator.objects.get(code="PCT_DEM_DX")  # Wirral's diagnosis rate, 2008-2013


@pytest.fixture
def commissioner(client, demo):
    return login(client, "wirral-commissioner")


def test_follow_and_unfollow_an_indicator_series_on_the_monitoring_page(
    commissioner, wirral, dementia_dx
):
    page = commissioner.get("/communities/wirral/monitoring/")
    assert page.status_code == 200
    buttons = follow_forms(page)
    # One Follow button per chart, each following its indicator in this community.
    assert len(buttons) == page.content.decode().count('class="app-spc-series"')
    assert {f["inputs"]["community"] for f in buttons} == {str(wirral.pk)}
    [form] = [
        f
        for f in buttons
        if f["inputs"]["indicator"] == str(dementia_dx.pk) and "org" in f["inputs"]["next"]
    ]
    assert form["inputs"]["action"] == "follow"
    assert form["inputs"]["next"].startswith("/communities/wirral/monitoring/#series-i")
    response = commissioner.post("/reports/follow/", form["inputs"])
    assert response.status_code == 302 and response["Location"] == form["inputs"]["next"]
    sub = Subscription.objects.get(user__username="wirral-commissioner")
    assert (sub.indicator, sub.community, sub.development) == (dementia_dx, wirral, None)
    # Following twice does not make a second subscription.
    commissioner.post("/reports/follow/", form["inputs"])
    assert Subscription.objects.filter(user__username="wirral-commissioner").count() == 1

    again = follow_forms(commissioner.get("/communities/wirral/monitoring/"))
    mine = [f for f in again if f["inputs"]["indicator"] == str(dementia_dx.pk)]
    assert {f["inputs"]["action"] for f in mine} == {"unfollow"}
    assert "You follow Dementia" in text(commissioner.get("/communities/wirral/monitoring/"))
    commissioner.post("/reports/follow/", mine[0]["inputs"])
    assert not Subscription.objects.filter(user__username="wirral-commissioner").exists()


def test_the_follow_button_updates_in_place_with_htmx(commissioner, wirral):
    dev = ServiceDevelopment.objects.filter(community=wirral).order_by("pk").first()
    page = commissioner.get(f"/communities/wirral/developments/{dev.slug}/")
    [form] = follow_forms(page)
    assert form["inputs"] == {
        "csrfmiddlewaretoken": form["inputs"]["csrfmiddlewaretoken"],
        "next": f"/communities/wirral/developments/{dev.slug}/",
        "development": str(dev.pk),
        "action": "follow",
    }
    response = commissioner.post("/reports/follow/", form["inputs"], HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and "<html" not in html
    assert 'value="unfollow"' in html and "Unfollow<span" in html
    sub = Subscription.objects.get(user__username="wirral-commissioner")
    assert sub.development == dev and sub.community is None and sub.indicator is None


def test_community_page_follow_button(commissioner, wirral):
    [form] = follow_forms(commissioner.get("/communities/wirral/"))
    assert form["inputs"]["community"] == str(wirral.pk) and "indicator" not in form["inputs"]
    commissioner.post("/reports/follow/", form["inputs"])
    sub = Subscription.objects.get(user__username="wirral-commissioner")
    assert (sub.community, sub.indicator, sub.development) == (wirral, None, None)


def test_nobody_can_follow_what_they_cannot_see(commissioner, wirral, dementia_dx):
    calderdale = CommissioningCommunity.objects.get(code="calderdale")
    hidden_dev = ServiceDevelopment.objects.filter(community=calderdale).first()
    for data in (
        {"community": calderdale.pk},
        {"development": hidden_dev.pk},
        {"indicator": dementia_dx.pk, "community": calderdale.pk},
        {"community": 999_999},
    ):
        assert commissioner.post("/reports/follow/", data).status_code == 404
    # The subscriptions page offers only what the user can see and refuses the rest.
    page = commissioner.get("/reports/subscriptions/")
    html = page.content.decode()
    assert "Wirral" in html and "Calderdale" not in html and hidden_dev.title not in html
    for data in (
        {"kind": "community", "community-community": calderdale.pk},
        {"kind": "development", "development-development": hidden_dev.pk},
        {
            "kind": "indicator",
            "indicator-indicator": dementia_dx.pk,
            "indicator-community": calderdale.pk,
        },
    ):
        response = commissioner.post("/reports/subscriptions/", data)
        assert response.status_code == 400
        assert "There is a problem" in text(response)
        assert "from the list" in text(response)
    assert not Subscription.objects.filter(user__username="wirral-commissioner").exists()
    assert commissioner.post("/reports/follow/", {}).status_code == 400


def test_the_subscriptions_page_adds_lists_toggles_and_removes(commissioner, wirral, dementia_dx):
    response = commissioner.post(
        "/reports/subscriptions/",
        {"kind": "indicator", "indicator-indicator": dementia_dx.pk, "indicator-community": ""},
    )
    assert response.status_code == 302
    page = commissioner.get("/reports/subscriptions/")
    assert f"You now follow {dementia_dx.name} in every community you can see." in text(page)
    sub = Subscription.objects.get(user__username="wirral-commissioner")
    assert sub.indicator == dementia_dx and sub.community is None and sub.by_email
    row = text(page)
    assert "Every community you can see" in row
    assert "Your login has no e-mail address" in row
    commissioner.post(f"/reports/subscriptions/{sub.pk}/email/", {"by_email": "0"})
    sub.refresh_from_db()
    assert not sub.by_email
    # The same again is "already followed", not a second subscription.
    commissioner.post(
        "/reports/subscriptions/",
        {"kind": "indicator", "indicator-indicator": dementia_dx.pk, "indicator-community": ""},
    )
    assert "You already follow" in text(commissioner.get("/reports/subscriptions/"))
    response = commissioner.post(f"/reports/subscriptions/{sub.pk}/remove/", follow=True)
    assert f"You no longer follow {dementia_dx.name} in every community" in text(response)
    assert not Subscription.objects.filter(user__username="wirral-commissioner").exists()


def test_a_user_never_sees_another_users_inbox_or_subscriptions(client, demo, wirral):
    other = get_user_model().objects.get(username="wirral-viewer")
    msg = InboxMessage.objects.create(
        user=other, subject="Commissioning digest: 1 item to look at", items=[]
    )
    sub = Subscription.objects.create(user=other, community=wirral)
    me = login(client, "wirral-commissioner")
    assert me.get(f"/reports/inbox/{msg.pk}/").status_code == 404
    assert me.post(f"/reports/inbox/{msg.pk}/read/", {"read": "1"}).status_code == 404
    assert me.post(f"/reports/subscriptions/{sub.pk}/remove/").status_code == 404
    assert me.post(f"/reports/subscriptions/{sub.pk}/email/", {"by_email": "0"}).status_code == 404
    assert "1 item to look at" not in text(me.get("/reports/inbox/"))
    mine = me.get("/reports/subscriptions/").content.decode()
    assert f"/reports/subscriptions/{sub.pk}/" not in mine
    msg.refresh_from_db()
    sub.refresh_from_db()
    assert not msg.read and sub.by_email  # untouched
    # An administrator is no exception: the admin site is where they manage others' alerts.
    admin = login(Client(), "admin")
    assert admin.get(f"/reports/inbox/{msg.pk}/").status_code == 404
    # Signed out, every page asks for a login.
    assert Client().get("/reports/inbox/").status_code == 302


def test_every_form_carries_a_csrf_token_and_posts_without_one_are_refused(demo, wirral):
    strict = login(Client(enforce_csrf_checks=True), "wirral-commissioner")
    Subscription.objects.create(
        user=get_user_model().objects.get(username="wirral-commissioner"), community=wirral
    )
    InboxMessage.objects.create(
        user=get_user_model().objects.get(username="wirral-commissioner"), subject="A digest"
    )
    dev = ServiceDevelopment.objects.filter(community=wirral).first()
    pages = [
        "/reports/inbox/",
        "/reports/subscriptions/",
        "/communities/wirral/",
        f"/communities/wirral/developments/{dev.slug}/",
        "/communities/wirral/monitoring/",
    ]
    for url in pages:
        posts = [f for f in forms(strict.get(url)) if f.get("method") == "post"]
        assert posts, url
        for form in posts:
            assert form["inputs"].get("csrfmiddlewaretoken"), (url, form.get("action"))
    for url, data in [
        ("/reports/follow/", {"community": wirral.pk}),
        ("/reports/inbox/run/", {}),
        ("/reports/subscriptions/", {"kind": "community", "community-community": wirral.pk}),
    ]:
        assert strict.post(url, data).status_code == 403, url
    assert strict.get("/reports/inbox/run/").status_code == 405


def test_run_my_digest_puts_a_signal_in_the_inbox_with_a_link_to_its_chart(
    commissioner, wirral, dementia_dx
):
    me = get_user_model().objects.get(username="wirral-commissioner")
    other = Subscription.objects.create(
        user=get_user_model().objects.get(username="wirral-viewer"), community=wirral
    )
    Subscription.objects.create(user=me, indicator=dementia_dx, community=wirral)
    assert "Inbox" in text(commissioner.get("/")) and "unread" not in text(commissioner.get("/"))

    response = commissioner.post("/reports/inbox/run/")
    msg = InboxMessage.objects.get(user=me)
    assert response.status_code == 302 and response["Location"] == f"/reports/inbox/{msg.pk}/"
    # Only this user's digest was made.
    other.refresh_from_db()
    assert other.last_sent is None and not InboxMessage.objects.exclude(user=me).exists()
    assert [i["kind"] for i in msg.items] == ["signal"]
    item = msg.items[0]
    assert item["title"].startswith(dementia_dx.name)

    # The header shows one unread digest until it is opened.
    assert "Inbox 1 unread" in text(commissioner.get("/"))
    inbox = commissioner.get("/reports/inbox/")
    assert "1 unread digest." in text(inbox)
    assert msg.subject in text(inbox)

    page = commissioner.get(f"/reports/inbox/{msg.pk}/")
    assert page.status_code == 200
    assert "New signal" in text(page) and item["detail"] in text(page)
    path, anchor = item["url"].split("#")
    assert path == f"/communities/wirral/monitoring/?series={anchor}"
    assert f'href="{item["url"]}"' in page.content.decode()
    msg.refresh_from_db()
    assert msg.read and "unread" not in text(commissioner.get("/"))

    # The link leads to the chart whose latest point is the special-cause point of the alert.
    monitoring = commissioner.get(path, follow=True).content.decode()  # the chart's own page
    section = monitoring[monitoring.index(f'id="{anchor}"') :]
    section = section[: section.index("</section>")]
    assert dementia_dx.name in section
    rows = re.findall(r'data-period="([\d-]+)" data-point-type="([a-z_]*)"', section)
    period, point_type = [r for r in rows if r[1]][-1]
    assert point_type.startswith("special_cause")
    assert point_type.replace("_", " ") in item["detail"]
    assert f"latest {dt.date.fromisoformat(period):%b %Y}" in item["detail"]

    # Nothing new the second time: no new message, and the user is told so.
    again = commissioner.post("/reports/inbox/run/", follow=True)
    assert "Nothing new since your last digest" in text(again)
    assert InboxMessage.objects.filter(user=me).count() == 1


def test_running_a_digest_with_nothing_followed_says_so(commissioner):
    response = commissioner.post("/reports/inbox/run/", follow=True)
    assert "You follow nothing yet" in text(response)
    assert response.redirect_chain[-1][0] == "/reports/subscriptions/"


def test_mark_read_and_unread_in_place(commissioner):
    me = get_user_model().objects.get(username="wirral-commissioner")
    msg = InboxMessage.objects.create(user=me, subject="Commissioning digest: 2 items to look at")
    response = commissioner.post(
        f"/reports/inbox/{msg.pk}/read/", {"read": "1"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr class="nhsuk-table__row" id="message-{msg.pk}"')
    assert 'id="inbox-badge" hx-swap-oob="true"' in html and "No unread digests." in html
    msg.refresh_from_db()
    assert msg.read
    response = commissioner.post(
        f"/reports/inbox/{msg.pk}/read/", {"read": "0", "next": "https://example.com/"}
    )
    assert response.status_code == 302 and response["Location"] == "/reports/inbox/"
    msg.refresh_from_db()
    assert not msg.read
    assert "1 unread digest." in text(commissioner.get("/reports/inbox/"))


def test_inbox_lists_newest_first_across_pages(commissioner):
    me = get_user_model().objects.get(username="wirral-commissioner")
    made = [InboxMessage.objects.create(user=me, subject=f"Digest number {i}") for i in range(30)]
    first = text(commissioner.get("/reports/inbox/"))
    assert first.index("Digest number 29") < first.index("Digest number 28")
    assert "Digest number 4 " not in first and "Older digests" in first
    second = text(commissioner.get("/reports/inbox/?page=2"))
    assert "Digest number 4 " in second and "Digest number 0 " in second
    assert "30 unread digests." in first and len(made) == 30


def _report_link(response) -> str:
    hrefs = re.findall(r'href="(/reports/[^"]+\.html[^"]*)"', response.content.decode())
    assert len(hrefs) == 1, hrefs
    return hrefs[0]


def test_report_links_point_at_the_matching_report_section(commissioner, wirral):
    from commissioning.reports.content import community_report, development_report

    user = get_user_model().objects.get(username="wirral-commissioner")
    objective = (
        Objective.objects.filter(development__community=wirral)
        .exclude(indicator=None)
        .select_related("development")
        .first()
    )
    dev = objective.development
    condition = wirral.developments.exclude(conditions=None).first().conditions.first()
    expected = {
        "/communities/wirral/": "/reports/wirral.html",
        f"/communities/wirral/developments/{dev.slug}/": f"/reports/wirral/{dev.slug}.html",
        f"/communities/wirral/needs/{condition.slug}/": "/reports/wirral.html#section-needs",
        "/communities/wirral/work/": "/reports/wirral.html#section-scorecard",
        "/communities/wirral/monitoring/": "/reports/wirral.html#section-monitoring",
        f"/communities/wirral/developments/{dev.slug}/monitoring/": (
            f"/reports/wirral/{dev.slug}.html#section-monitoring"
        ),
        (
            f"/communities/wirral/developments/{dev.slug}/objectives/{objective.pk}/evaluation/"
        ): f"/reports/wirral/{dev.slug}.html#section-impact",
    }
    for page, link in expected.items():
        response = commissioner.get(page)
        assert response.status_code == 200, page
        assert _report_link(response) == link, page
        html = response.content.decode()
        base = link.split("#")[0][: -len(".html")]
        assert f'href="{base}.pdf"' in html and f'href="{base}.xlsx"' in html
    # Each fragment names a section the report really has.
    community_keys = {s.key for s in community_report("wirral", user, charts=False).sections}
    development_keys = {
        s.key for s in development_report("wirral", dev.slug, user, charts=False).sections
    }
    for link in expected.values():
        if "#section-" in link:
            keys = development_keys if dev.slug in link else community_keys
            assert link.split("#section-")[1] in keys, link


def test_a_provider_hears_only_about_what_they_may_read(demo):
    from commissioning.access.policy import visible
    from commissioning.reports.alerts import send_digests
    from commissioning.store.models import Contract, Observation, Service

    users = get_user_model().objects
    provider = users.get(username="somerset-provider")
    commissioner = users.get(username="somerset-commissioner")
    somerset = CommissioningCommunity.objects.get(code="somerset")
    for user in (provider, commissioner):
        Subscription.objects.create(user=user, community=somerset, by_email=False)
    digests = {d.user.username: d for d in send_digests(users=[provider, commissioner])}
    mine = digests["somerset-provider"].items
    theirs = digests["somerset-commissioner"].items
    readable = visible(provider, Observation).select_related("organisation", "service")
    subjects = {o.service.name if o.service_id else o.organisation.name for o in readable}
    services = set(visible(provider, Service).values_list("name", flat=True))
    assert subjects and services
    contracts = set(visible(provider, Contract).values_list("reference", flat=True))
    for item in mine:
        if item.kind in ("signal", "assurance", "missing_data"):
            assert item.title.rsplit(" (", 1)[1].rstrip(")") in subjects, item.line()
        elif item.kind in ("plan_signal", "milestone_missed", "variation_unsigned"):
            assert item.title.split()[0] in contracts, item.line()  # their own contracts only
        else:
            assert item.kind == "review_due" and item.title in services, item.line()
    assert {i.title.split()[0] for i in theirs if i.kind == "plan_signal"} - contracts
    # The commissioner of the same community hears about the series the provider may not read.
    hidden = [i for i in theirs if "Somerset Primary Care Trust" in i.title]
    assert hidden and not [i for i in mine if "Somerset Primary Care Trust" in i.title]
    assert not [i for i in mine if i.kind == "no_activity"]  # providers see no developments


def test_report_links_are_shown_only_to_those_who_may_have_the_report(client, demo):
    provider = login(client, "wirral-provider")
    for page in ("/communities/wirral/", "/communities/wirral/monitoring/"):
        response = provider.get(page)
        assert response.status_code == 200
        assert 'class="app-report-links"' not in response.content.decode(), page
    assert provider.get("/reports/wirral.html").status_code == 404
    viewer = login(Client(), "wirral-viewer")
    assert 'class="app-report-links"' in viewer.get("/communities/wirral/").content.decode()
