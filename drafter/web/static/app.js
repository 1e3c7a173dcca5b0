// Filters on a review result: by severity, by tag, only flagged rows. Delegated from document,
// so results swapped in by htmx need no set-up of their own.
(function () {
  function apply(root) {
    var section = root.closest ? root.closest(".result") : null;
    if (!section) return;
    var shown = {};
    section.querySelectorAll("[data-filter-severity]").forEach(function (box) {
      shown[box.getAttribute("data-filter-severity")] = box.checked;
    });
    var tagSel = section.querySelector("[data-filter-tag]");
    var tag = tagSel ? tagSel.value : "";
    var only = section.querySelector("[data-filter-only]");
    section.querySelectorAll(".finding").forEach(function (f) {
      var ok = shown[f.getAttribute("data-severity")] !== false &&
        (!tag || (" " + f.getAttribute("data-tags") + " ").indexOf(" " + tag + " ") >= 0);
      f.classList.toggle("hidden-by-filter", !ok);
    });
    section.querySelectorAll("table.indicators tbody tr").forEach(function (row) {
      var visible = row.querySelectorAll(".finding:not(.hidden-by-filter)").length > 0;
      row.classList.toggle("hidden-by-filter", !!(only && only.checked && !visible));
    });
  }
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t && t.matches && t.matches("[data-filter-severity],[data-filter-tag],[data-filter-only]")) apply(t);
  });
})();
