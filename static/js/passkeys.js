// Passkey buttons. A form marked `data-passkey="create"` (add a passkey) or `"get"` (sign in with one)
// first fetches the WebAuthn options from `data-options-url` (session + CSRF header), lets the browser
// create or sign a credential, puts its JSON in the form's `credential` field and submits the form.
// Loaded as a static file: the CSP allows no inline script.
(function () {
  "use strict";

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var binary = window.atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBufferIds(descriptors) {
    return (descriptors || []).map(function (descriptor) {
      return Object.assign({}, descriptor, { id: toBuffer(descriptor.id) });
    });
  }

  // The server sends the JSON form of the options (binary fields as base64url); the browser wants buffers.
  function creationOptions(json) {
    return Object.assign({}, json, {
      challenge: toBuffer(json.challenge),
      user: Object.assign({}, json.user, { id: toBuffer(json.user.id) }),
      excludeCredentials: withBufferIds(json.excludeCredentials),
    });
  }

  function requestOptions(json) {
    return Object.assign({}, json, {
      challenge: toBuffer(json.challenge),
      allowCredentials: withBufferIds(json.allowCredentials),
    });
  }

  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") {
      return credential.toJSON();
    }
    var response = credential.response;
    var fields = { clientDataJSON: toBase64url(response.clientDataJSON) };
    if (response.attestationObject) {
      fields.attestationObject = toBase64url(response.attestationObject);
      fields.transports = typeof response.getTransports === "function" ? response.getTransports() : [];
    } else {
      fields.authenticatorData = toBase64url(response.authenticatorData);
      fields.signature = toBase64url(response.signature);
      fields.userHandle = response.userHandle ? toBase64url(response.userHandle) : null;
    }
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      response: fields,
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  }

  function problem(error) {
    if (error.name === "NotAllowedError" || error.name === "AbortError") {
      return "The passkey request was cancelled or timed out. Try again.";
    }
    if (error.name === "InvalidStateError") {
      return "This passkey is already registered to your account.";
    }
    return error.message || "The passkey did not work. Try again.";
  }

  function fetchOptions(form) {
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    return window
      .fetch(form.dataset.optionsUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf },
      })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            throw new Error(body.detail || "The passkey could not be started. Try again.");
          }
          return body.options;
        });
      });
  }

  function start(form, button, error) {
    var creating = form.dataset.passkey === "create";
    button.disabled = true;
    error.hidden = true;
    fetchOptions(form)
      .then(function (options) {
        return creating
          ? navigator.credentials.create({ publicKey: creationOptions(options) })
          : navigator.credentials.get({ publicKey: requestOptions(options) });
      })
      .then(function (credential) {
        form.querySelector("input[name=credential]").value = JSON.stringify(credentialJSON(credential));
        form.submit();
      })
      .catch(function (failure) {
        error.textContent = problem(failure);
        error.hidden = false;
        button.disabled = false;
      });
  }

  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    var button = form.querySelector("button[type=submit]");
    var error = form.querySelector("[data-passkey-error]");
    if (!window.PublicKeyCredential || !navigator.credentials) {
      error.textContent = "This browser cannot use passkeys.";
      error.hidden = false;
      button.disabled = true;
      return;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      start(form, button, error);
    });
  });
})();
