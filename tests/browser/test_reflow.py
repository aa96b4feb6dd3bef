"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide nothing needs scrolling sideways to be read.

Wide tables and charts may scroll, but only inside their own container that a keyboard can reach
(tabindex="0") and that says what it holds (a label), as NHS.UK frontend's own tables do.
"""

from __future__ import annotations

import pytest

WIDTH = 320

pytestmark = pytest.mark.browser

PAGES = [
    pytest.param("/", id="home"),
    pytest.param("/communities/wirral/", id="community"),
    pytest.param("/communities/wirral/developments/memory-assessment-service/", id="development"),
    pytest.param("/communities/wirral/monitoring/", id="monitoring"),
]

# Elements wider than the screen, and whether each sits in a labelled, focusable scroll box.
OVERFLOW = """width => {
  const scroller = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll'].includes(s.overflowX) && p.clientWidth <= width
          && p.getBoundingClientRect().right <= width + 1) return p;
    }
    return null;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1 || !el.checkVisibility()) continue;
    const box = scroller(el);
    if (box && box.contains(el) && box !== el) {
      const labelled = box.getAttribute('tabindex') === '0'
        && !!(box.getAttribute('aria-label') || box.getAttribute('aria-labelledby'));
      if (labelled) continue;
      out.push('in an unlabelled or unfocusable scroll box '
        + box.tagName.toLowerCase() + '.' + box.className + ': ' + el.tagName.toLowerCase());
      continue;
    }
    out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className
      + ' is ' + Math.round(r.right) + 'px wide');
  }
  return [...new Set(out)].slice(0, 10);
}"""


@pytest.fixture(scope="module")
def narrow(demo_server, browser, sign_in):
    context = browser.new_context(viewport={"width": WIDTH, "height": 800})
    page = context.new_page()
    sign_in(page, demo_server, "wirral-commissioner")
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_reflows_at_320_pixels(demo_server, narrow, path):
    page = narrow
    page.goto(demo_server + path)
    if page.locator("[data-chart-spec]").count():
        page.locator("[data-chart-spec][data-chart-drawn='true']").first.wait_for(timeout=60_000)
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate(OVERFLOW, WIDTH)
    assert scroll_width <= WIDTH + 1 and not wide, (
        f"{path} at {WIDTH}px: the page is {scroll_width}px wide; " + "; ".join(wide)
    )


def test_the_reflow_check_would_catch_a_wide_table(demo_server, narrow):
    page = narrow
    page.goto(demo_server + "/")
    page.evaluate(
        """() => {
            const t = document.createElement('table');
            t.innerHTML = '<tr><td>' + 'x'.repeat(200) + '</td></tr>';
            t.querySelector('td').style.whiteSpace = 'nowrap';
            document.querySelector('main').appendChild(t);
        }"""
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") > WIDTH + 1
    assert page.evaluate(OVERFLOW, WIDTH)
