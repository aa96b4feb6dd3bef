"""Template context shared by every page."""

from commissioning import __version__


def site(request):
    from commissioning.access.policy import is_admin
    from commissioning.store.models import CommissioningCommunity

    synthetic = False
    if request.user.is_authenticated:
        synthetic = CommissioningCommunity.objects.filter(synthetic=True).exists()
    return {
        "app_version": __version__,
        "synthetic_data": synthetic,
        "user_is_admin": is_admin(request.user),
        "inbox_unread": lambda: _inbox_unread(request.user),  # counted only if a page shows it
    }


def _inbox_unread(user) -> int:
    from commissioning.reports.models import InboxMessage

    if not user.is_authenticated:
        return 0
    return InboxMessage.objects.filter(user=user, read=False).count()
