// Conveniences of the organization and project pages. Every form works without them; the server decides.
(function () {
  "use strict";

  // A slug suggested from the name, until the person types one of their own.
  document.querySelectorAll("input[data-slug-from]").forEach(function (slug) {
    var name = document.getElementById(slug.dataset.slugFrom);
    if (!name) {
      return;
    }
    var touched = slug.value !== "";
    slug.addEventListener("input", function () {
      touched = slug.value !== "";
    });
    function suggest() {
      if (touched) {
        return;
      }
      slug.value = name.value
        .normalize("NFKD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 50)
        .replace(/-+$/, "");
    }
    name.addEventListener("input", suggest);
    // A name typed before this script ran (it is deferred) still gets its slug.
    if (name.value) {
      suggest();
    }
  });

  // Buttons that end something (remove a member, revoke a key) ask once more.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // "Type the slug to confirm": the delete button wakes up once the text matches.
  document.querySelectorAll("input[data-confirm-value]").forEach(function (input) {
    var button = input.form && input.form.querySelector("button[type=submit]");
    if (!button) {
      return;
    }
    function check() {
      button.disabled = input.value.trim() !== input.dataset.confirmValue;
    }
    input.addEventListener("input", check);
    check();
  });

  // A new API key: one click selects all of it, ready to copy by hand.
  document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
    field.addEventListener("focus", function () {
      field.select();
    });
  });
})();
