// Dashboard behaviour that needs script. Loaded as a static file: the CSP allows no inline script.
(function () {
  "use strict";

  // Dropdown menus are <details> elements: close them on Escape or on a click elsewhere.
  function closeMenus(except) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (menu !== except) {
        menu.removeAttribute("open");
      }
    });
  }

  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details.menu"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var open = document.querySelector("details.menu[open]");
      closeMenus(null);
      if (open) {
        open.querySelector("summary").focus();
      }
    }
  });

  // Copy buttons: `data-copy` holds the text, `data-copy-from` names the element whose lines to copy.
  // They start hidden (nothing to click without script) and say "Copied" for a moment.
  function copyText(button) {
    if (button.dataset.copy !== undefined) {
      return button.dataset.copy;
    }
    var source = document.getElementById(button.dataset.copyFrom);
    return Array.prototype.map
      .call(source.querySelectorAll("li"), function (item) {
        return item.textContent.trim();
      })
      .join("\n");
  }

  function flash(button, text) {
    var label = button.textContent;
    button.textContent = text;
    window.setTimeout(function () {
      button.textContent = label;
    }, 1600);
  }

  document.querySelectorAll("[data-copy], [data-copy-from]").forEach(function (button) {
    if (!navigator.clipboard) {
      return; // Only over HTTPS or on localhost; the text stays selectable.
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(copyText(button)).then(
        function () {
          flash(button, "Copied");
        },
        function () {
          flash(button, "Copy failed: select the text");
        }
      );
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
