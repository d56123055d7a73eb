// WebAuthn Level 3 JSON shapes (what `PublicKeyCredential.toJSON()` gives and the `parse…OptionsFromJSON` helpers take).

/** Base64url without padding, as every binary field of the JSON forms. */
export type Base64UrlString = string;

/** `PublicKeyCredentialCreationOptionsJSON`, as this service issues it. */
export interface CreationOptionsJSON {
  rp: { id: string; name: string };
  user: { id: Base64UrlString; name: string; displayName: string };
  challenge: Base64UrlString;
  pubKeyCredParams: { type: 'public-key'; alg: number }[];
  timeout: number;
  excludeCredentials: CredentialDescriptorJSON[];
  authenticatorSelection: { residentKey: 'required'; requireResidentKey: true; userVerification: 'required' };
  attestation: 'none';
  extensions: { credProps: true };
}

/** `PublicKeyCredentialRequestOptionsJSON`, as this service issues it. */
export interface RequestOptionsJSON {
  challenge: Base64UrlString;
  rpId: string;
  timeout: number;
  allowCredentials: CredentialDescriptorJSON[];
  userVerification: 'required';
}

/** `PublicKeyCredentialDescriptorJSON`. */
export interface CredentialDescriptorJSON {
  type: 'public-key';
  id: Base64UrlString;
  transports?: string[];
}

/** `RegistrationResponseJSON`: `toJSON()` of the credential `navigator.credentials.create()` made. */
export interface RegistrationResponseJSON {
  id: Base64UrlString;
  rawId: Base64UrlString;
  type: 'public-key';
  response: {
    clientDataJSON: Base64UrlString;
    attestationObject: Base64UrlString;
    transports?: string[] | undefined;
    authenticatorData?: Base64UrlString | undefined;
    publicKey?: Base64UrlString | undefined;
    publicKeyAlgorithm?: number | undefined;
  };
  authenticatorAttachment?: string | null | undefined;
  clientExtensionResults: Record<string, unknown>;
}

/** `AuthenticationResponseJSON`: `toJSON()` of the credential `navigator.credentials.get()` returned. */
export interface AuthenticationResponseJSON {
  id: Base64UrlString;
  rawId: Base64UrlString;
  type: 'public-key';
  response: {
    clientDataJSON: Base64UrlString;
    authenticatorData: Base64UrlString;
    signature: Base64UrlString;
    userHandle?: Base64UrlString | null | undefined;
  };
  authenticatorAttachment?: string | null | undefined;
  clientExtensionResults: Record<string, unknown>;
}
