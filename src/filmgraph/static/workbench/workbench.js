/* filmgraph's workbench around YASGUI: the store's vocabulary for autocompletion, the bundled
 * queries with binding fields, a chart for aggregates, CONSTRUCT drawn by filmgraph's views,
 * downloads and permalinks. Nothing here leaves this server: no prefix.cc, no LOV, no CDN.
 * Text from results only ever reaches the page as text nodes or attribute values. */
(function () {
  "use strict";
  var Yasgui = window.Yasgui, Yasqe = Yasgui.Yasqe, Yasr = Yasgui.Yasr;
  var ENDPOINT = window.location.origin + "/sparql";
  var NUMERIC = /#(integer|decimal|double|float|long|int|short|byte|nonNegativeInteger|positiveInteger|unsignedInt|unsignedLong)$/;
  var AGGREGATE = /\b(COUNT|SUM|AVG|MIN|MAX)\s*\(/i;
  var SVG = "http://www.w3.org/2000/svg";
  var RESULT_FORMATS = [["JSON", "json", "srj"], ["XML", "xml", "srx"], ["CSV", "csv", "csv"], ["TSV", "tsv", "tsv"]];
  var GRAPH_FORMATS = [["Turtle", "turtle", "ttl"], ["N-Triples", "ntriples", "nt"], ["JSON-LD", "jsonld", "jsonld"],
                       ["RDF/XML", "rdfxml", "rdf"]];
  var yasgui = null;
  var state = { named: [], running: null };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function tab() { return yasgui.getTab(); }
  function queryType() { var t = tab(); return t && t.getYasqe() ? t.getYasqe().getQueryType() : ""; }
  function queryText() { var t = tab(); return t ? t.getQuery() : ""; }

  function shortTerm(term, prefixes) {
    if (!term) return "";
    if (term.type === "uri") {
      for (var p in prefixes) {
        if (term.value.indexOf(prefixes[p]) === 0) return p + ":" + term.value.slice(prefixes[p].length);
      }
    }
    return term.value;
  }

  // --- a bar chart for aggregate results ----------------------------------------------------
  function chartData(yasr) {
    var r = yasr.results;
    if (!r || !r.getVariables || !r.getBindings || r.getType() === "ttl") return null;
    if (!AGGREGATE.test(queryText())) return null;
    var vars = r.getVariables() || [], rows = r.getBindings() || [];
    if (!rows.length || rows.length > 500) return null;
    var numeric = vars.filter(function (v) {
      return rows.every(function (row) { return row[v] && row[v].datatype && NUMERIC.test(row[v].datatype); });
    })[0];
    if (!numeric) return null;
    var labels = vars.filter(function (v) { return v !== numeric; });
    var prefixes = yasr.getPrefixes ? yasr.getPrefixes() : {};
    return { measure: numeric, rows: rows.slice(0, 50).map(function (row) {
      var label = labels.map(function (v) { return shortTerm(row[v], prefixes); }).filter(Boolean).join(" · ");
      return { label: label || numeric, value: Number(row[numeric].value) };
    }) };
  }

  function ChartPlugin(yasr) { this.yasr = yasr; this.priority = 5; this.label = "Chart"; }
  ChartPlugin.prototype.canHandleResults = function () { return !!chartData(this.yasr); };
  ChartPlugin.prototype.getIcon = function () { return el("span", {}, "\u2587"); };
  ChartPlugin.prototype.draw = function () {
    var data = chartData(this.yasr);
    if (!data) return;
    var max = Math.max.apply(null, data.rows.map(function (d) { return d.value; }).concat([1]));
    var rowH = 24, labelW = 320, barW = 480;
    var chart = svg("svg", { "class": "fg-chart", width: labelW + barW + 80, height: data.rows.length * rowH + 30,
                             role: "img", "aria-label": "bar chart of " + data.measure });
    chart.appendChild(svg("text", { x: labelW, y: 14 }, data.measure));
    data.rows.forEach(function (d, i) {
      var y = 22 + i * rowH;
      var label = d.label.length > 48 ? d.label.slice(0, 47) + "\u2026" : d.label;
      chart.appendChild(svg("text", { x: labelW - 6, y: y + 15, "text-anchor": "end" }, label));
      var bar = svg("rect", { x: labelW, y: y + 2, height: rowH - 6, width: Math.max(1, barW * d.value / max) });
      bar.appendChild(svg("title", {}, d.label + ": " + d.value));
      chart.appendChild(bar);
      chart.appendChild(svg("text", { x: labelW + Math.max(1, barW * d.value / max) + 4, y: y + 15 }, String(d.value)));
    });
    var box = el("div", { "class": "fg-chart-box" });
    box.appendChild(chart);
    this.yasr.resultsEl.appendChild(box);
  };

  // --- CONSTRUCT / DESCRIBE drawn by filmgraph's own view renderer --------------------------
  function GraphPlugin(yasr) { this.yasr = yasr; this.priority = 4; this.label = "Graph"; }
  GraphPlugin.prototype.canHandleResults = function () {
    var t = queryType();
    return !!this.yasr.results && (t === "CONSTRUCT" || t === "DESCRIBE");
  };
  GraphPlugin.prototype.getIcon = function () { return el("span", {}, "\u25CE"); };
  GraphPlugin.prototype.draw = function () {
    var frame = el("iframe", { "class": "fg-graph", title: "the answer as a graph",
                               sandbox: "allow-scripts", referrerpolicy: "no-referrer" });
    frame.src = "/view?construct=" + encodeURIComponent(queryText());
    this.yasr.resultsEl.appendChild(frame);
  };

  Yasr.registerPlugin("chart", ChartPlugin);
  Yasr.registerPlugin("graph", GraphPlugin);

  // --- after each answer: the best view, downloads, the permalink ----------------------------
  function afterResponse(t) {
    var yasr = t.getYasr(), type = t.getYasqe().getQueryType();
    var want = (type === "CONSTRUCT" || type === "DESCRIBE") ? "graph"
      : (yasr.plugins.chart && yasr.plugins.chart.canHandleResults() ? "chart" : "table");
    if (yasr.plugins[want] && yasr.plugins[want].canHandleResults() && yasr.getSelectedPluginName() !== want) {
      yasr.selectPlugin(want);
    }
    var box = document.getElementById("fg-downloads");
    box.textContent = "";
    box.appendChild(document.createTextNode("Download: "));
    var formats = (type === "CONSTRUCT" || type === "DESCRIBE") ? GRAPH_FORMATS : RESULT_FORMATS;
    formats.forEach(function (f) {
      var href = "/sparql?" + new URLSearchParams({ query: t.getQuery(), format: f[1] }).toString();
      box.appendChild(el("a", { href: href, download: "result." + f[2], "data-format": f[1] }, f[0]));
    });
  }

  function setPermalink(params) {
    document.getElementById("fg-permalink").setAttribute("href", "/?" + new URLSearchParams(params).toString());
  }

  // --- the bundled queries, with a field per binding -----------------------------------------
  function chooseNamed(name, values) {
    var q = state.named.filter(function (n) { return n.name === name; })[0];
    var form = document.getElementById("fg-bindings");
    form.textContent = "";
    document.getElementById("fg-run-named").disabled = !q;
    document.getElementById("fg-about").textContent = q ? q.description + (q.bindings ? " Bindings: " + q.bindings : "") : "";
    if (!q) return;
    q.variables.forEach(function (v) {
      var label = el("label", {}, "?" + v + " ");
      var input = el("input", { name: v, "data-binding": v, placeholder: "a name, \"text\", or prefix:iri" });
      input.value = (values && values[v]) || "";
      label.appendChild(input);
      form.appendChild(label);
    });
    tab().setQuery(q.text);
  }

  function runNamed() {
    var name = document.getElementById("fg-named").value;
    var params = new URLSearchParams({ name: name });
    document.querySelectorAll("#fg-bindings input").forEach(function (input) {
      if (input.value.trim()) params.append("bind", input.getAttribute("data-binding") + "=" + input.value);
    });
    setPermalink(params);
    return fetch("/workbench/bound?" + params.toString()).then(function (r) {
      return r.ok ? r.json() : r.text().then(function (text) { throw new Error(text); });
    }).then(function (bound) {
      state.running = name;
      tab().setQuery(bound.query);
      return tab().query();
    }).catch(function (err) {
      document.getElementById("fg-about").textContent = String(err.message || err);
    });
  }

  function start(vocab, named) {
    state.named = named;
    // autocompletion: prefixes from this server (in place of prefix.cc), classes and properties
    // from the store and the ontology (in place of LOV)
    Yasqe.forkAutocompleter("class", { name: "fg-class", bulk: true, persistent: null,
                                       get: function () { return vocab.classes; } }, false);
    Yasqe.forkAutocompleter("property", { name: "fg-property", bulk: true, persistent: null,
                                          get: function () { return vocab.properties; } }, false);
    var completers = ["prefixes", "variables", "fg-class", "fg-property"];
    Yasqe.defaults.autocompleters = completers;
    Yasqe.defaults.prefixCcApi = window.location.origin + "/workbench/prefixes.json";
    yasgui = new Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: ENDPOINT, method: "POST" },
      copyEndpointOnNewTab: true,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: ENDPOINT }]; }, keys: [] },
      persistenceId: null,
      populateFromUrl: false,
      yasqe: { autocompleters: completers, prefixCcApi: Yasqe.defaults.prefixCcApi },
      yasr: { prefixes: vocab.prefixes, pluginOrder: ["table", "chart", "graph", "response"], defaultPlugin: "table" },
    });
    window.filmgraphWorkbench = { yasgui: yasgui, vocabulary: vocab, runNamed: runNamed };
    yasgui.on("queryResponse", function (_y, t) { setTimeout(function () { afterResponse(t); }, 0); });
    yasgui.on("query", function (_y, t) {
      if (state.running === null) setPermalink({ query: t.getQuery() });
      state.running = null;
    });

    var select = document.getElementById("fg-named");
    named.forEach(function (q) { select.appendChild(el("option", { value: q.name }, q.name)); });
    select.addEventListener("change", function () { chooseNamed(select.value); });
    document.getElementById("fg-run-named").addEventListener("click", runNamed);
    document.getElementById("fg-bindings").addEventListener("submit", function (e) { e.preventDefault(); runNamed(); });

    // permalinks: /?name=QUERY&bind=var=value... or /?query=SPARQL
    var params = new URLSearchParams(window.location.search);
    if (params.get("name")) {
      var values = {};
      params.getAll("bind").forEach(function (b) {
        var i = b.indexOf("=");
        if (i > 0) values[b.slice(0, i)] = b.slice(i + 1);
      });
      select.value = params.get("name");
      chooseNamed(params.get("name"), values);
      if (select.value) runNamed();
    } else if (params.get("query")) {
      tab().setQuery(params.get("query"));
      tab().query();
    }
  }

  Promise.all([fetch("/workbench/vocabulary.json").then(function (r) { return r.json(); }),
               fetch("/workbench/queries.json").then(function (r) { return r.json(); })])
    .then(function (got) { start(got[0], got[1]); })
    .catch(function (err) { document.getElementById("fg-about").textContent = "cannot start: " + err; });
})();
