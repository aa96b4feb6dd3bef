// Marks the page as running JavaScript, as NHS.UK frontend expects (instead of an inline script).
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
