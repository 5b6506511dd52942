/* filmgraph view: draws the graph in #fg-data with vis-network, offline.
 * Every piece of text from the data goes into the page as a DOM text node (textContent), never as
 * HTML, so names and sentences from reviews cannot inject markup or script. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("fg-data").textContent);
  var WIKIDATA = /^https:\/\/www\.wikidata\.org\/wiki\/Q[1-9][0-9]*$/;
  var WIKIPEDIA = /^https:\/\/[a-z-]+\.wikipedia\.org\/wiki\/[^\s]+$/;
  var SVGNS = "http://www.w3.org/2000/svg";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function readable(url) {
    try { return decodeURIComponent(url); } catch (e) { return url; }
  }

  function evidenceBlock(ev) {
    var q = el("blockquote", "fg-evidence", "\u201c" + ev.sentence + "\u201d");
    var meta = [];
    if (ev.section) meta.push(ev.section);
    if (ev.role) meta.push("as " + ev.role);
    if (ev.extractor) meta.push("by " + ev.extractor);
    if (ev.confidence) meta.push("confidence " + ev.confidence);
    if (meta.length) q.appendChild(el("small", null, meta.join(" \u00b7 ")));
    return q;
  }

  function describe(fg, label, withLink) {
    var box = el("div", "fg-tip");
    box.appendChild(el("h3", null, label));
    box.appendChild(el("p", "fg-type", fg.type));
    if (fg.original && fg.original !== label) {
      box.appendChild(el("p", "fg-original", (fg.type === "Film" ? "Original title: " : "Original name: ") + fg.original));
    }
    if (fg.facts && fg.facts.length) {
      var table = el("table", "fg-facts");
      fg.facts.forEach(function (f) {
        var tr = el("tr");
        tr.appendChild(el("th", null, f[0]));
        tr.appendChild(el("td", null, f[1]));
        table.appendChild(tr);
      });
      box.appendChild(table);
    }
    if (fg.wikidata && WIKIDATA.test(fg.wikidata)) {
      var p = el("p", "fg-wd", "Wikidata: ");
      if (withLink) {
        var a = el("a", null, fg.wikidata.replace("https://www.", ""));
        a.href = fg.wikidata; a.target = "_blank"; a.rel = "noopener noreferrer";
        p.appendChild(a);
      } else {
        p.appendChild(document.createTextNode(fg.wikidata.replace("https://www.", "")));
      }
      if (fg.wikidataDescription) p.appendChild(document.createTextNode(" \u2014 " + fg.wikidataDescription));
      box.appendChild(p);
      if (fg.wikidataFacts && fg.wikidataFacts.length) {
        var wt = el("table", "fg-facts fg-wd-facts");
        fg.wikidataFacts.forEach(function (f) {
          var tr = el("tr");
          tr.appendChild(el("th", null, f[0]));
          tr.appendChild(el("td", null, f[1]));
          wt.appendChild(tr);
        });
        box.appendChild(wt);
      }
      if (withLink && fg.wikipedia && WIKIPEDIA.test(fg.wikipedia)) {
        var wp = el("p", "fg-wd", "Wikipedia: "), wa = el("a", null, readable(fg.wikipedia.replace(/^https:\/\//, "")));
        wa.href = fg.wikipedia; wa.target = "_blank"; wa.rel = "noopener noreferrer";
        wp.appendChild(wa);
        box.appendChild(wp);
      }
    }
    (fg.evidence || []).slice(0, withLink ? 20 : 2).forEach(function (ev) { box.appendChild(evidenceBlock(ev)); });
    return box;
  }

  function edgeTip(fg) {
    var box = el("div", "fg-tip");
    box.appendChild(el("h3", null, fg.relation));
    if (fg.polarity) box.appendChild(el("p", "fg-type", fg.polarity));
    (fg.evidence || []).slice(0, 3).forEach(function (ev) { box.appendChild(evidenceBlock(ev)); });
    return box;
  }

  var byId = {};
  data.nodes.forEach(function (n) { n.title = describe(n.fg, n.label, false); byId[n.id] = n; });
  data.edges.forEach(function (e) { e.title = edgeTip(e.fg); });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("fg-network");
  var state = { stabilized: false, readyAt: null, startedAt: performance.now(), hiddenTypes: [] };
  document.getElementById("fg-title").textContent = data.title;
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  var progress = document.getElementById("fg-progress");
  network.on("stabilizationProgress", function (p) {
    progress.textContent = "Laying out\u2026 " + Math.round(100 * p.iterations / p.total) + "%";
    // a big graph gets a time budget for its layout: usable soon beats perfectly settled
    if (data.layoutBudgetMs && performance.now() - state.startedAt > data.layoutBudgetMs) network.stopSimulation();
  });
  function ready() {
    if (state.stabilized) return;
    network.setOptions({ physics: { enabled: false } });  // settle, then stay still
    network.fit();
    state.stabilized = true;
    state.readyAt = performance.now();
    progress.textContent = nodes.length + " nodes, " + edges.length + " edges";
    document.body.setAttribute("data-ready", "true");
  }
  network.once("stabilizationIterationsDone", ready);
  if (!data.options.physics || data.options.physics.enabled === false) network.once("afterDrawing", ready);

  // --- details of the selected node -------------------------------------------------------
  var details = document.getElementById("fg-details");
  function showDetails(id) {
    var n = byId[id];
    if (!n) return;
    details.replaceChildren(describe(n.fg, n.label, true));
  }
  network.on("selectNode", function (params) { if (params.nodes.length) showDetails(params.nodes[0]); });

  // --- legend and type filters ----------------------------------------------------------------
  function setTypeVisible(key, visible) {
    var ids = nodes.getIds({ filter: function (n) { return n.kind === key; } });
    nodes.update(ids.map(function (id) { return { id: id, hidden: !visible }; }));
    var i = state.hiddenTypes.indexOf(key);
    if (!visible && i < 0) state.hiddenTypes.push(key);
    if (visible && i >= 0) state.hiddenTypes.splice(i, 1);
    var box = document.querySelector('#fg-legend input[data-type="' + key + '"]');
    if (box) box.checked = visible;
  }
  function swatch(color, shape) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("width", "16"); svg.setAttribute("height", "16"); svg.setAttribute("viewBox", "0 0 16 16");
    var s;
    var shapes = {
      dot: ["circle", { cx: 8, cy: 8, r: 6 }], square: ["rect", { x: 2, y: 2, width: 12, height: 12 }],
      diamond: ["polygon", { points: "8,1 15,8 8,15 1,8" }], triangle: ["polygon", { points: "8,1 15,14 1,14" }],
      triangleDown: ["polygon", { points: "1,2 15,2 8,15" }],
      hexagon: ["polygon", { points: "4,2 12,2 15,8 12,14 4,14 1,8" }],
      star: ["polygon", { points: "8,1 10,6 15,6 11,9.5 12.5,15 8,11.5 3.5,15 5,9.5 1,6 6,6" }]
    };
    var spec = shapes[shape] || shapes.dot;
    s = document.createElementNS(SVGNS, spec[0]);
    Object.keys(spec[1]).forEach(function (k) { s.setAttribute(k, spec[1][k]); });
    s.setAttribute("fill", color); s.setAttribute("stroke", "#555"); s.setAttribute("stroke-width", "0.8");
    svg.appendChild(s);
    return svg;
  }
  var legend = document.getElementById("fg-legend");
  data.legend.forEach(function (t) {
    var li = el("li"), label = el("label"), box = el("input");
    box.type = "checkbox"; box.checked = true; box.setAttribute("data-type", t.key);
    box.addEventListener("change", function () { setTypeVisible(t.key, box.checked); });
    label.appendChild(box);
    label.appendChild(swatch(t.color, t.shape));
    label.appendChild(el("span", null, t.name));
    label.appendChild(el("span", "fg-count", t.count));
    li.appendChild(label);
    legend.appendChild(li);
  });

  // --- what was left out -------------------------------------------------------------------
  if (data.omitted) {
    var o = data.omitted, box = document.getElementById("fg-omitted");
    box.appendChild(el("h2", null, "Not shown"));
    var fmt = function (x) { return Number(x).toLocaleString("en-US"); };
    box.appendChild(el("p", null, "This view has " + fmt(o.totalNodes) + " nodes; it shows the " + fmt(nodes.length) +
      " most connected (budget " + fmt(o.budget) + "). Left out: " + fmt(o.nodes) + " nodes and " + fmt(o.edges) + " edges:"));
    box.appendChild(el("p", null, o.byType.map(function (kv) { return fmt(kv[1]) + " " + kv[0]; }).join(", ") + "."));
    box.appendChild(el("p", null, o.howTo));
    box.hidden = false;
  }

  // --- search -------------------------------------------------------------------------------
  var list = document.getElementById("fg-search-list");
  var labels = {};
  data.nodes.forEach(function (n) { labels[n.label] = true; });
  Object.keys(labels).sort().slice(0, 5000).forEach(function (l) { var opt = el("option"); opt.value = l; list.appendChild(opt); });
  function find(text) {
    var q = String(text).trim().toLowerCase();
    if (!q) return null;
    var tests = [
      function (n) { return n.label.toLowerCase() === q; },
      function (n) { return n.fg.original && n.fg.original.toLowerCase() === q; },
      function (n) { return n.label.toLowerCase().indexOf(q) === 0; },
      function (n) { return n.label.toLowerCase().indexOf(q) >= 0; }
    ];
    for (var i = 0; i < tests.length; i++) {
      var hits = data.nodes.filter(tests[i]);
      if (hits.length) {
        hits.sort(function (a, b) { return b.fg.degree - a.fg.degree; });
        return hits[0].id;
      }
    }
    return null;
  }
  function focusNode(id) {
    var n = nodes.get(id);
    if (n.hidden) setTypeVisible(n.kind, true);
    network.selectNodes([id]);
    network.focus(id, { scale: 1.3, animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    showDetails(id);
  }
  var status = document.getElementById("fg-search-status");
  document.getElementById("fg-search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = document.getElementById("fg-search-input").value;
    var id = find(text);
    if (id === null) { status.textContent = "not found"; return; }
    status.textContent = "";
    focusNode(id);
  });

  function selectNode(id) {  // select and show details without moving the view
    network.selectNodes([id]);
    showDetails(id);
  }
  window.filmgraphView = { network: network, nodes: nodes, edges: edges, state: state, find: find,
                           focusNode: focusNode, selectNode: selectNode, setTypeVisible: setTypeVisible };
})();
