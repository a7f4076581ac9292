// The upload form sends its file with XMLHttpRequest, so that the page can show how much has gone;
// without JavaScript the form posts as usual. The answer is the page the server redirects to, or the
// form again with its errors, and it replaces this one either way.
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
    request.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) return;
      bar.hidden = false;
      bar.value = Math.round((progress.loaded / progress.total) * 100);
      state.hidden = false;
      state.textContent = bar.value < 100 ? "Uploading… " + bar.value + " %" : "Reading the document…";
    });
    request.addEventListener("load", function () {
      if (request.status < 400 && request.responseURL) {
        window.location.assign(request.responseURL);
        return;
      }
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
