// The sign-in page's own stylesheet and passkey script, served from this origin so the CSP can stay 'self'.

/** A clean centred card; focus is always visible. */
export const STYLESHEET = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f4f5f7;color:#1d2330;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.card{width:100%;max-width:400px;margin:24px;padding:32px;background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(16,24,40,.1),0 8px 24px rgba(16,24,40,.08)}
.brand{margin:0 0 4px;font-weight:600;color:#4a5468;font-size:14px;letter-spacing:.02em}
h1{margin:0 0 24px;font-size:24px;line-height:1.25}
label{display:block;margin:16px 0 6px;font-weight:600;font-size:14px}
input[type=email],input[type=password],input[type=text]{width:100%;padding:10px 12px;border:1px solid #c5cad3;border-radius:8px;font:inherit}
input[aria-invalid=true]{border-color:#b42318}
.button{display:block;width:100%;margin-top:16px;padding:10px 14px;border-radius:8px;font:inherit;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}
.primary{margin-top:24px;border:0;background:#2f54eb;color:#fff}
.primary:hover{background:#1d39c4}
.secondary{border:1px solid #c5cad3;background:#fff;color:#1d2330}
.secondary:hover{background:#f4f5f7}
:focus-visible{outline:3px solid #f79009;outline-offset:2px}
.error{margin:0 0 16px;padding:10px 12px;border-radius:8px;background:#fef3f2;color:#b42318}
.hint{margin:0 0 16px;color:#4a5468}
.divider{display:flex;align-items:center;gap:12px;margin:24px 0 0;color:#4a5468;font-size:14px}
.divider::before,.divider::after{content:"";flex:1;border-top:1px solid #e4e7ec}
.links{margin:24px 0 0;text-align:center;font-size:14px}
.links a{color:#2f54eb}
[hidden]{display:none!important}
`;

/**
 * Shows the passkey button when the browser has WebAuthn, then signs in with
 * /auth/passkeys/login-options and /auth/passkeys/login (cookie delivery) and
 * goes to the button's return path (a path the server already checked).
 */
export const PASSKEY_SCRIPT = `'use strict';
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
    return btoa(raw).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
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
`;
