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
