// Draws every chart on the page from its Vega-Lite specification.
//
// A chart container names the <script type="application/json"> block holding its specification:
//   <div data-chart-spec="timeline-spec"></div>  {{ spec|json_script:"timeline-spec" }}
// Vega evaluates expressions with vega-interpreter, so no eval() is needed (CSP-friendly).
(function () {
  "use strict";

  function draw(container) {
    var block = document.getElementById(container.getAttribute("data-chart-spec"));
    if (!block || typeof window.vegaEmbed !== "function") {
      return;
    }
    var spec = JSON.parse(block.textContent);
    var options = {
      renderer: "svg",
      actions: false,
      defaultStyle: false,
      ast: true,
      expr: window.vegaInterpreter.expressionInterpreter,
      // The tooltip's look comes from web.css, not from a <style> element Vega would add.
      tooltip: { disableDefaultStyle: true, theme: "light" },
    };
    window
      .vegaEmbed(container, spec, options)
      .then(function () {
        container.setAttribute("data-chart-drawn", "true");
      })
      .catch(function (error) {
        container.textContent = "The chart could not be drawn. The tables below give the same figures.";
        if (window.console) {
          window.console.error(error);
        }
      });
  }

  function drawAll() {
    document.querySelectorAll("[data-chart-spec]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
