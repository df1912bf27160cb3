// jixiao — progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // SPARQL gallery: load an example into the editor instead of reloading the page.
  var editor = document.getElementById("query");
  document.querySelectorAll("a.example").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      if (!editor || ev.metaKey || ev.ctrlKey) return;
      ev.preventDefault();
      editor.value = a.getAttribute("data-query");
      editor.focus();
      editor.scrollIntoView({ block: "nearest" });
    });
  });
  // Ctrl/Cmd+Enter runs the query.
  if (editor) {
    editor.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); editor.form.submit(); }
    });
  }
  // Citation graph: hovering a box highlights its lines.
  document.querySelectorAll("svg.citegraph").forEach(function (svg) {
    svg.querySelectorAll(".node").forEach(function (node) {
      var id = node.getAttribute("data-id");
      node.addEventListener("mouseenter", function () {
        svg.classList.add("dim");
        svg.querySelectorAll(".edge").forEach(function (e) {
          if (e.getAttribute("data-a") === id || e.getAttribute("data-b") === id) e.classList.add("hot");
        });
      });
      node.addEventListener("mouseleave", function () {
        svg.classList.remove("dim");
        svg.querySelectorAll(".edge.hot").forEach(function (e) { e.classList.remove("hot"); });
      });
    });
  });
})();
// Search: copy a wording to the clipboard.
(function () {
  "use strict";
  document.querySelectorAll("button.copy").forEach(function (b) {
    b.addEventListener("click", function () {
      var text = b.getAttribute("data-copy");
      var done = function () { b.classList.add("done"); b.textContent = "已复制 Copied"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
      } else { fallback(text); done(); }
    });
  });
  function fallback(text) {
    var t = document.createElement("textarea");
    t.value = text; t.setAttribute("readonly", ""); t.style.position = "fixed"; t.style.opacity = "0";
    document.body.appendChild(t); t.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(t);
  }
})();
