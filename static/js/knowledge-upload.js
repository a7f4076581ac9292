// The upload form sends its file with XMLHttpRequest, so that the page can show how much has gone;
// without JavaScript the form posts as usual. A stored upload answers 204 with the page to go to; a
// refused one answers the form again with its errors, which replaces this page.
(function () {
  "use strict";
  const form = document.querySelector("[data-upload-form]");
  if (!form || !window.XMLHttpRequest) return;
  const bar = form.querySelector("[data-upload-progress]");
  const state = form.querySelector("[data-upload-state]");

  form.addEventListener("submit", function (event) {
    const file = form.querySelector("input[type=file]");
    if (!file || !file.files.length) return;
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) return;
      bar.hidden = false;
      bar.value = Math.round((progress.loaded / progress.total) * 100);
      state.hidden = false;
      state.textContent = bar.value < 100 ? "Uploading… " + bar.value + " %" : "Reading the document…";
    });
    request.addEventListener("load", function () {
      const next = request.getResponseHeader("X-Redirect");
      if (request.status === 204 && next) {
        window.location.assign(next);
        return;
      }
      // The form again, with what was refused: shown as the page a plain post would have shown.
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () {
      state.hidden = false;
      state.textContent = "The upload failed: check the connection and try again.";
    });
    form.querySelector("button[type=submit]").disabled = true;
    request.send(new FormData(form));
  });
})();
