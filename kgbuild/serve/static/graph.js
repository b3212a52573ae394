// Draws the graph view's neighbourhood with Cytoscape.js from the JSON block the page carries.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var container = document.getElementById("graph");
  var colours = {Paper: "#4c8eda", Method: "#d9480f", Dataset: "#2b8a3e", Metric: "#7048e8", Task: "#c2255c", Repo: "#495057"};
  var edgeColours = {MENTIONS: "#ced4da", EVALUATION_SUMMARY: "#8ce99a", EVALUATED_ON: "#8ce99a", PROPOSES: "#ffa94d",
                     USES_BACKBONE: "#ff8787", HAS_CODE: "#adb5bd"};
  var elements = data.nodes.map(function (node) {
    return {group: "nodes", data: {id: node.id, label: node.label, type: node.type, href: node.href, center: node.center}};
  }).concat(data.edges.map(function (edge, index) {
    return {group: "edges", data: {id: "e" + index, source: edge.source, target: edge.target, relation: edge.relation}};
  }));
  var cy = cytoscape({
    container: container,
    elements: elements,
    wheelSensitivity: 0.3,
    style: [
      {selector: "node", style: {
        "background-color": function (node) { return colours[node.data("type")] || "#868e96"; },
        "label": function (node) { var l = node.data("label"); return l.length > 26 ? l.slice(0, 25) + "…" : l; },
        "font-size": 9, "color": "#343a40", "text-valign": "bottom", "text-margin-y": 2,
        "text-background-color": "#ffffff", "text-background-opacity": 0.75, "text-background-padding": 1,
        "width": 16, "height": 16}},
      {selector: "node[?center]", style: {"width": 30, "height": 30, "border-width": 3, "border-color": "#212529"}},
      {selector: "edge", style: {
        "width": 1.5, "line-color": function (edge) { return edgeColours[edge.data("relation")] || "#adb5bd"; },
        "target-arrow-color": function (edge) { return edgeColours[edge.data("relation")] || "#adb5bd"; },
        "target-arrow-shape": "triangle", "arrow-scale": 0.7, "curve-style": "bezier"}},
      {selector: "edge:selected, edge.hover", style: {"label": "data(relation)", "font-size": 8, "color": "#495057",
        "text-rotation": "autorotate"}}
    ],
    layout: {name: "cose", animate: false, randomize: false, nodeRepulsion: function () { return 60000; },
             idealEdgeLength: function () { return 110; }, nodeOverlap: 40, gravity: 0.6, padding: 20}
  });
  cy.on("tap", "node", function (event) { window.location.href = event.target.data("href"); });
  cy.on("mouseover", "edge", function (event) { event.target.addClass("hover"); });
  cy.on("mouseout", "edge", function (event) { event.target.removeClass("hover"); });
  cy.ready(function () {
    container.setAttribute("data-drawn-nodes", String(cy.nodes().length));
    container.setAttribute("data-drawn-edges", String(cy.edges().length));
  });
  window.kgbuildGraph = cy;
}());
