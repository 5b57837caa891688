// Renders the dashboard's Vega-Lite specs (inlined by the server in #wc-specs) as SVG.
(function () {
  var specs = JSON.parse(document.getElementById("wc-specs").textContent);
  function fail(el, message) {
    var box = document.createElement("p");
    box.className = "wc-chart-error";
    box.textContent = "Chart failed: " + message;
    el.appendChild(box);
  }
  document.querySelectorAll(".wc-chart").forEach(function (el) {
    var spec = specs[el.dataset.chart];
    if (typeof vegaEmbed === "undefined") { fail(el, "vega-embed did not load"); return; }
    vegaEmbed(el, spec, {renderer: "svg", actions: false})
      .then(function () { el.setAttribute("data-rendered", "1"); })
      .catch(function (err) { fail(el, String(err)); });
  });
})();
