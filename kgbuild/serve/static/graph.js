// Draws the graph view's neighbourhood with Cytoscape.js from the JSON block the page carries.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var container = document.getElementById("graph");
  var colours = {Paper: "#4c8eda", Method: "#d9480f", Dataset: "#2b8a3e", Metric: "#7048e8", Task: "#c2255c", Repo: "#495057"};
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
        "label": function (node) { var l = node.data("label"); return l.length > 40 ? l.slice(0, 39) + "…" : l; },
        "font-size": 10, "color": "#212529", "text-valign": "bottom", "text-margin-y": 3,
        "width": 18, "height": 18}},
      {selector: "node[?center]", style: {"width": 30, "height": 30, "border-width": 3, "border-color": "#212529"}},
      {selector: "edge", style: {
        "width": 1.5, "line-color": "#adb5bd", "target-arrow-color": "#adb5bd", "target-arrow-shape": "triangle",
        "curve-style": "bezier", "label": "data(relation)", "font-size": 7, "color": "#868e96",
        "text-rotation": "autorotate"}}
    ],
    layout: {name: "cose", animate: false, nodeRepulsion: function () { return 9000; }, idealEdgeLength: function () { return 90; }}
  });
  cy.on("tap", "node", function (event) { window.location.href = event.target.data("href"); });
  cy.ready(function () {
    container.setAttribute("data-drawn-nodes", String(cy.nodes().length));
    container.setAttribute("data-drawn-edges", String(cy.edges().length));
  });
  window.kgbuildGraph = cy;
}());
