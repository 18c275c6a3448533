// Text limits without silent truncation (issue 16 item 5). A field with data-maxlength (set by
// web.common.forms instead of the browser's maxlength, which cuts a pasted text at the limit
// without a word) gets a live counter "n / limit"; over the limit the counter turns red, says by
// how much, and the form is not sent until the text is shortened. The server refuses it as well.
(function () {
  "use strict";

  function length(value) {
    // Characters as the server counts them (code points), newlines as one.
    return Array.from(value.replace(/\r\n/g, "\n")).length;
  }

  function attach(field) {
    if (field.dataset.counted) return;
    field.dataset.counted = "1";
    var limit = parseInt(field.dataset.maxlength, 10);
    if (!limit) return;
    var counter = document.createElement("span");
    counter.className = "zm-counter";
    counter.setAttribute("aria-live", "polite");
    if (field.id) counter.id = field.id + "-counter";
    field.insertAdjacentElement("afterend", counter);
    function update() {
      var n = length(field.value || "");
      var over = n > limit;
      counter.textContent = n + " / " + limit;
      counter.classList.toggle("over", over);
      var message = over ? (field.dataset.over || "").replace("{n}", String(n)) : "";
      field.setCustomValidity(message);
      field.setAttribute("aria-invalid", over ? "true" : "false");
      if (over) counter.textContent += " · " + message;
    }
    field.addEventListener("input", update);
    update();
  }

  function scan(root) {
    root.querySelectorAll("input[data-maxlength], textarea[data-maxlength]").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
})();
