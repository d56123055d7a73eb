// The hosted sign-in page's passkey button: /auth/passkeys/login-options, navigator.credentials.get(), /auth/passkeys/login, then return_to.
/* global window, document, navigator, atob, btoa */
'use strict';
(function () {
  var button = document.getElementById('passkey');
  var failure = document.getElementById('passkey-error');
  if (!button || !window.PublicKeyCredential || !navigator.credentials) return;
  button.hidden = false;
  function toBytes(text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    var raw = atob(b64 + '==='.slice((b64.length + 3) % 4));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }
  function toText(buffer) {
    var bytes = new Uint8Array(buffer), raw = '';
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function post(path, body) {
    return fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  }
  button.addEventListener('click', function () {
    failure.hidden = true;
    post('/auth/passkeys/login-options', {}).then(function (response) {
      if (!response.ok) throw new Error('options');
      return response.json();
    }).then(function (body) {
      var options = body.options;
      options.challenge = toBytes(options.challenge);
      options.allowCredentials = (options.allowCredentials || []).map(function (c) { return Object.assign({}, c, { id: toBytes(c.id) }); });
      return navigator.credentials.get({ publicKey: options });
    }).then(function (credential) {
      var r = credential.response;
      return post('/auth/passkeys/login', { credential: {
        id: credential.id, rawId: toText(credential.rawId), type: credential.type, clientExtensionResults: {},
        authenticatorAttachment: credential.authenticatorAttachment || undefined,
        response: { clientDataJSON: toText(r.clientDataJSON), authenticatorData: toText(r.authenticatorData), signature: toText(r.signature), userHandle: r.userHandle ? toText(r.userHandle) : undefined }
      } });
    }).then(function (response) {
      if (!response.ok) throw new Error('login');
      window.location.assign(button.getAttribute('data-return-to') || '/');
    }).catch(function () {
      failure.textContent = 'Passkey sign-in did not work. Try again, or use your password.';
      failure.hidden = false;
    });
  });
})();
