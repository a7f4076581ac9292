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
})();
