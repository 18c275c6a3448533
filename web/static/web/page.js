// Behaviour every page shares, kept out of inline handlers so the Content-Security-Policy can
// forbid them: a select marked data-autosubmit submits its form when changed (the language menu).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});
