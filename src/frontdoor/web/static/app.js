// frontdoor: the little JavaScript the pages use. No dependencies, no network.
(function () {
  "use strict";

  // Keyboard: "/" focuses search, j/k move through list rows, Enter opens the selected row.
  var rows = [], current = -1;
  function select(i) {
    if (!rows.length) return;
    if (current >= 0) rows[current].classList.remove("selected");
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows[current].classList.add("selected");
    rows[current].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target && ev.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || ev.metaKey || ev.ctrlKey || ev.altKey) return;
    if (ev.key === "/") {
      var box = document.getElementById("search") || document.querySelector("input[type=search]");
      if (box) { ev.preventDefault(); box.focus(); }
    } else if (ev.key === "j") { select(current + 1); }
    else if (ev.key === "k") { select(current - 1); }
    else if (ev.key === "Enter" && current >= 0) {
      var href = rows[current].getAttribute("data-href");
      if (href) window.location.href = href;
    }
  });

  // Quotes: selecting text inside one message fills the add-tag form with its span.
  // Offsets are counted in code points, as Python counts them on the server.
  function codePoints(s) { return Array.from(s).length; }
  function offsetWithin(el, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(el);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }
  function onSelection() {
    var form = document.getElementById("add-tag");
    if (!form) return;
    var sel = window.getSelection();
    var button = form.querySelector("button[type=submit]");
    var preview = form.querySelector(".quote-preview");
    function clear() {
      form.elements.message_id.value = ""; form.elements.start.value = ""; form.elements.end.value = "";
      preview.hidden = true; preview.textContent = "";
      button.textContent = button.getAttribute("data-label-tag");
    }
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
    var range = sel.getRangeAt(0);
    var a = range.startContainer.parentElement && range.startContainer.parentElement.closest(".msg-text");
    var b = range.endContainer.parentElement && range.endContainer.parentElement.closest(".msg-text");
    if (!a || a !== b) { clear(); return; }
    var start = offsetWithin(a, range.startContainer, range.startOffset);
    var end = offsetWithin(a, range.endContainer, range.endOffset);
    if (end <= start) { clear(); return; }
    form.elements.message_id.value = a.getAttribute("data-message-id");
    form.elements.start.value = String(start);
    form.elements.end.value = String(end);
    preview.textContent = "“" + sel.toString().slice(0, 300) + "”";  // textContent: never parsed as HTML
    preview.hidden = false;
    button.textContent = button.getAttribute("data-label-quote");
  }

  document.addEventListener("DOMContentLoaded", function () {
    rows = Array.prototype.slice.call(document.querySelectorAll("tr.row[data-href]"));
    document.addEventListener("mouseup", onSelection);
    document.addEventListener("keyup", function (ev) { if (ev.shiftKey) onSelection(); });
  });
})();
