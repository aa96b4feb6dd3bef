"""Using pages with a keyboard alone, in a real browser (WCAG 2.1.1, 2.1.2, 2.4.1, 2.4.3, 2.4.7).

Tabbing from the top of the page: the first stop is the skip link, and Enter on it moves focus to
the main content; every control on the page is reached, in the order it appears; each one looks
different while it has focus; and focus leaves the page after the last control instead of
getting stuck.
"""

from __future__ import annotations

import re

import pytest

DEVELOPMENT = "/communities/wirral/developments/memory-assessment-service/"
IMPORT = "/communities/wirral/import/"
COMMUNITY = "/communities/wirral/"  # its wide tables scroll in boxes that take focus

pytestmark = pytest.mark.browser

# Everything a keyboard user should be able to reach, in the page's own order. Radio buttons are
# one tab stop per group (arrow keys move within it), so only the checked or first one counts.
TABBABLE = """() => {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const seenRadioGroups = new Set();
  return [...document.querySelectorAll(selector)].filter(el => {
    if (el.matches(':disabled') || el.getAttribute('tabindex') === '-1') return false;
    if (el.type === 'hidden' || el.closest('[inert]')) return false;
    if (!el.checkVisibility({visibilityProperty: true})) return false;
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') return false;
    if (el.type === 'radio') {
      const group = el.form ? el.form.elements[el.name] : [el];
      const stop = [...group].find(r => r.checked) || group[0];
      if (seenRadioGroups.has(el.name) || stop !== el) return false;
      seenRadioGroups.add(el.name);
    }
    return true;
  }).map(el => el.dataset.kbd);
}"""

LABEL_ELEMENTS = (
    """() => document.querySelectorAll('*').forEach((el, i) => { el.dataset.kbd = i; })"""
)

# The focused element's look, and the look of the one that had focus before (now unfocused).
FOCUS_STATE = """previous => {
  const look = el => {
    const s = getComputedStyle(el);
    return [s.outlineStyle === 'none' ? 'none' : s.outlineStyle + ' ' + s.outlineWidth + ' '
            + s.outlineColor, s.boxShadow, s.backgroundColor, s.color, s.textDecorationLine,
            s.borderColor].join(' | ');
  };
  const el = document.activeElement;
  const before = previous === null ? null
    : document.querySelector('[data-kbd="' + previous + '"]');
  return {
    kbd: el && el !== document.body ? el.dataset.kbd || 'unlabelled' : null,
    describe: el ? el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '')
      + ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim()
        .slice(0, 40) + '"' : 'nothing',
    focused: el ? look(el) : null,
    unfocused_previous: before ? look(before) : null,
  };
}"""


@pytest.fixture(scope="module")
def commissioner(demo_server, browser, sign_in):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, demo_server, "wirral-commissioner")
    yield page
    context.close()


def open_page(page, base: str, path: str) -> None:
    response = page.goto(base + path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    if page.locator("[data-chart-spec]").count():
        page.locator("[data-chart-spec][data-chart-drawn='true']").first.wait_for(timeout=60_000)
    page.evaluate(LABEL_ELEMENTS)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")


def tab_through(page, limit: int) -> list[dict]:
    """Press Tab up to ``limit`` times from the top of the page; the focus after each press."""
    stops: list[dict] = []
    previous = None
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE, previous)
        stops.append(state)
        previous = state["kbd"]
        if state["kbd"] is None and len(stops) > 1:
            break  # focus has left the page: the end of the cycle
    return stops


@pytest.mark.parametrize("path", [DEVELOPMENT, IMPORT], ids=["development", "import"])
def test_skip_link_is_first_and_moves_focus_to_the_main_content(demo_server, commissioner, path):
    page = commissioner
    open_page(page, demo_server, path)
    page.keyboard.press("Tab")
    first = page.evaluate("() => document.activeElement.textContent.trim()")
    assert first == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "maincontent"
    # The next Tab goes to the first control inside the main content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('#maincontent')")


@pytest.mark.parametrize(
    "path", [DEVELOPMENT, IMPORT, COMMUNITY], ids=["development", "import", "community"]
)
def test_tab_reaches_every_control_in_order_with_visible_focus(demo_server, commissioner, path):
    page = commissioner
    open_page(page, demo_server, path)
    expected: list[str] = page.evaluate(TABBABLE)
    assert len(expected) > 5, f"only {len(expected)} controls found on {path}"
    limit = max(200, len(expected) + 20)
    stops = tab_through(page, limit)
    reached = [s["kbd"] for s in stops if s["kbd"] is not None]

    # No keyboard trap: focus left the page after the last control, within the presses allowed.
    assert stops[-1]["kbd"] is None, (
        f"after {limit} presses of Tab focus is still on {stops[-1]['describe']}: a keyboard trap?"
    )
    # Nothing is reached twice in one pass and nothing is out of the page's order. Chromium also
    # stops on scrollable boxes (a wide table's container), which are in order too.
    order = [int(k) for k in reached if k != "unlabelled"]
    assert len(order) == len(set(order)), "an element was focused twice in one pass"
    assert order == sorted(order), "focus does not follow the order of the page: " + " → ".join(
        s["describe"] for s in stops if s["kbd"] is not None
    )
    missed = [k for k in expected if k not in set(reached)]
    assert not missed, f"{len(missed)} control(s) never receive focus: " + ", ".join(
        page.evaluate(
            "ks => ks.map(k => document.querySelector('[data-kbd=\"' + k + '\"]').outerHTML"
            ".slice(0, 120))",
            missed[:5],
        )
    )

    # Every stop looks different focused and unfocused.
    invisible = []
    for stop, after in zip(stops, stops[1:], strict=False):
        if stop["kbd"] is None or after["unfocused_previous"] is None:
            continue
        if stop["focused"] == after["unfocused_previous"]:
            invisible.append(f"{stop['describe']} ({stop['focused']})")
    assert not invisible, "no visible focus indicator on:\n" + "\n".join(invisible)


def test_focus_indicator_is_the_nhs_yellow(demo_server, commissioner):
    """The look of focus comes from NHS.UK frontend: yellow (#ffeb3b) behind a link."""
    page = commissioner
    open_page(page, demo_server, DEVELOPMENT)
    link = page.locator("#maincontent a[href]").first
    link.focus()
    background = link.evaluate("e => getComputedStyle(e).backgroundColor")
    assert re.fullmatch(r"rgb\(255, 235, 59\)", background), background
