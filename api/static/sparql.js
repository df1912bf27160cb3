// jixiao SPARQL page: YASGUI (Yasqe editor + Yasr results, vendored in this folder, see
// yasgui-LICENSE.txt) over the plain form, which stays the fallback without JavaScript.
// Nothing is fetched from elsewhere: the network completers (prefix.cc, LOV) are replaced by
// this endpoint's prefixes and vocabulary.
(function () {
  "use strict";
  var host = document.getElementById("yasgui");
  var configEl = document.getElementById("sparql-config");
  if (!host || !configEl || typeof window.Yasgui === "undefined") return;
  var cfg = JSON.parse(configEl.textContent);
  var Yasgui = window.Yasgui;
  var Yasqe = Yasgui.Yasqe;
  var HISTORY_KEY = "jixiao-sparql-history";
  var HISTORY_MAX = 25;
  var ID_BASE = "https://w3id.org/jixiao/id/";

  // The endpoint declares these prefixes: the editor's syntax check must know them too, or
  // every jx: would be marked "Prefix 'jx' is not defined".
  if (Yasqe && Yasqe.modes && Yasqe.modes.sparql11 && Yasqe.defineMode) {
    var sparqlMode = Yasqe.modes.sparql11;
    Yasqe.defineMode("sparql11", function (config, parserConfig) {
      var mode = sparqlMode(config, parserConfig);
      var start = mode.startState;
      mode.startState = function () {
        var st = start.apply(this, arguments);
        Object.keys(cfg.prefixes).forEach(function (p) { st.prefixes[p] = cfg.prefixes[p]; });
        return st;
      };
      return mode;
    });
  }

  // Completion of the vocabulary: jx:…, eli:…, rdfs:label … (bulk, offline).
  if (Yasqe && Yasqe.registerAutocompleter) {
    Yasqe.registerAutocompleter({
      name: "jixiao-terms",
      bulk: true,
      autoShow: true,
      persistenceId: null,
      get: function () { return cfg.terms; },
      isValidCompletionPosition: function (yasqe) {
        var token = yasqe.getCompleteToken();
        return /^[A-Za-z][\w-]*:[\w-]*$/.test(token.string || "");
      }
    });
  }

  // Only completers that stay on this server: the class/property ones ask LOV on the internet.
  var COMPLETERS = ["prefixes", "variables", "jixiao-terms"];
  if (Yasqe && Yasqe.defaults) Yasqe.defaults.autocompleters = COMPLETERS.slice();
  var prefixesJson = "/api/prefixes";
  host.hidden = false; // before the editor measures itself
  document.getElementById("sparql-form").hidden = true;
  var yasgui = new Yasgui(host, {
    persistenceId: null, // our own history below; a reload shows what the URL asks for
    copyEndpointOnNewTab: false,
    requestConfig: {
      endpoint: "/sparql",
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
      acceptHeaderUpdate: "text/plain"
    },
    yasqe: {
      value: cfg.query || cfg.default_query,
      prefixCcApi: prefixesJson, // the prefix completer reads this endpoint's prefixes
      resizeable: true,
      editorHeight: "300px",
      showQueryButton: true
    },
    yasr: {
      prefixes: cfg.prefixes,
      defaultPlugin: "table",
      pluginOrder: ["table", "response"]
    }
  });
  document.querySelector(".editor-help").hidden = false;

  var state = document.getElementById("run-state");
  var cancel = document.getElementById("cancel-query");
  var historyList = document.getElementById("history");
  var serverResults = document.getElementById("server-results");

  function tab() { return yasgui.getTab(); }
  function yasqe() { return tab().getYasqe(); }
  function yasr() { return tab().getYasr(); }

  // Results: simple view (no @zh / ^^xsd markup), IRIs as prefixed names linking to our pages.
  function tune(y) {
    if (!y || y.__jixiao) return;
    y.__jixiao = true;
    var table = y.plugins && y.plugins.table;
    if (table && table.persistentConfig) table.persistentConfig.compact = true;
    y.on("drawn", function () {
      y.rootEl.querySelectorAll("a.iri").forEach(function (a) {
        var href = a.getAttribute("href") || "";
        if (href.indexOf(ID_BASE) === 0) {
          var path = href.slice(ID_BASE.length);
          a.setAttribute("href", "/id/" + path);
          a.setAttribute("title", href);
          a.removeAttribute("target");
          try { a.textContent = "…/" + decodeURIComponent(path); } catch (e) { /* keep the IRI */ }
        }
      });
      y.rootEl.querySelectorAll("td span.nonIri").forEach(function (s) {
        if (s.textContent === "true") s.textContent = "是 true";
        else if (s.textContent === "false") s.textContent = "否 false";
      });
    });
  }

  // Errors: the server says "line L, column C"; mark that line in the editor.
  var marked = null;
  function markError(text) {
    var e = yasqe();
    if (marked !== null) { e.removeLineClass(marked, "background", "sparql-error-line"); marked = null; }
    var m = /line (\d+), column (\d+)/.exec(text || "");
    if (!m) return;
    var line = parseInt(m[1], 10) - 1;
    if (line < 0 || line >= e.lineCount()) return;
    marked = line;
    e.addLineClass(line, "background", "sparql-error-line");
    e.setCursor({ line: line, ch: Math.max(0, parseInt(m[2], 10) - 1) });
  }

  // The endpoint answers errors as JSON {"error", "status"}: show the message (line, column
  // and a caret under the place) above the results.
  var errorBox = document.getElementById("query-error");
  function showError(text) {
    if (!text) { errorBox.hidden = true; return; }
    var message = text, status = "";
    try {
      var body = JSON.parse(text);
      if (body && body.error) { message = body.error; status = body.status ? String(body.status) : ""; }
    } catch (e) { /* not JSON: show as it came */ }
    errorBox.querySelector(".status").textContent = status;
    errorBox.querySelector(".error-text").textContent = message;
    errorBox.hidden = false;
  }

  function running(on) {
    state.hidden = !on;
    host.classList.toggle("is-running", on);
  }

  function remember(query) {
    var items = loadHistory().filter(function (h) { return h.query !== query; });
    items.unshift({ query: query, at: new Date().toISOString() });
    try { localStorage.setItem(HISTORY_KEY, JSON.stringify(items.slice(0, HISTORY_MAX))); } catch (e) { /* private mode */ }
    showHistory();
  }
  function loadHistory() {
    try { return JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]"); } catch (e) { return []; }
  }
  function showHistory() {
    var items = loadHistory();
    historyList.innerHTML = "";
    items.forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "/sparql?query=" + encodeURIComponent(h.query);
      a.className = "history-item";
      a.title = h.query;
      a.textContent = h.query.replace(/\s+/g, " ").slice(0, 70);
      a.addEventListener("click", function (ev) {
        if (ev.metaKey || ev.ctrlKey) return;
        ev.preventDefault();
        tab().setQuery(h.query);
      });
      var when = document.createElement("small");
      when.textContent = " " + h.at.slice(0, 16).replace("T", " ");
      li.appendChild(a);
      li.appendChild(when);
      historyList.appendChild(li);
    });
    historyList.hidden = items.length === 0;
    document.querySelector(".history-title").hidden = items.length === 0;
  }

  function wire(t) {
    var e = t.getYasqe();
    tune(t.getYasr());
    if (e.__jixiao) return;
    e.__jixiao = true;
    ["property", "class"].forEach(function (name) { if (e.autocompleters && e.autocompleters[name]) e.disableCompleter(name); });
    e.on("query", function () {
      running(true);
      showError("");
      if (serverResults) serverResults.hidden = true;
      remember(e.getValue());
    });
    e.on("queryResponse", function (_y, response) {
      running(false);
      var text = response instanceof Error ? response.message : "";
      showError(text);
      markError(text);
    });
    e.on("queryAbort", function () { running(false); });
  }
  wire(tab());
  yasgui.on("tabSelect", function () { setTimeout(function () { wire(tab()); }, 0); });
  yasgui.on("tabAdd", function () { setTimeout(function () { wire(tab()); }, 0); });

  cancel.addEventListener("click", function () {
    yasqe().abortQuery();
    running(false);
  });

  // Examples load into the editor and run at once.
  document.querySelectorAll("a.example").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      if (ev.metaKey || ev.ctrlKey) return;
      ev.preventDefault();
      tab().setQuery(a.getAttribute("data-query"));
      if (history.replaceState) history.replaceState(null, "", "/sparql?example=" + encodeURIComponent(a.getAttribute("data-id")));
      yasqe().query();
      host.scrollIntoView({ block: "nearest" });
    });
  });

  showHistory();
  // A query given in the URL (?query= or ?example=) runs in the editor too.
  if (cfg.run) {
    tab().setQuery(cfg.query);
    yasqe().query();
  } else if (serverResults) {
    serverResults.hidden = true;
  }
  window.jixiaoYasgui = yasgui; // for the browser tests and the curious
})();
