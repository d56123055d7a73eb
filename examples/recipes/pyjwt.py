# Recipe: verify with PyJWT's PyJWKClient (ES256, RS256 or EdDSA with the cryptography package).
# Not run by any test: this machine's python3 has no jwt module.
import jwt

jwks = jwt.PyJWKClient("https://auth.example.com/.well-known/jwks.json")


def verify(token: str) -> dict:
    header = jwt.get_unverified_header(token)
    if header.get("typ") not in ("at+jwt", "application/at+jwt"):
        raise jwt.InvalidTokenError("not an access token")
    key = jwks.get_signing_key_from_jwt(token)
    return jwt.decode(
        token,
        key,
        algorithms=["EdDSA", "ES256", "RS256"],
        issuer="https://auth.example.com",
        audience="edge-auth",
        leeway=30,
        options={"require": ["exp", "iat", "sub", "sid"]},
    )
