# Recipe: verify with PyJWT's PyJWKClient (ES256, RS256 or EdDSA with the cryptography package).
# Not run by any test. By hand: EDGE_AUTH_ISSUER=http://127.0.0.1:8787 /usr/bin/python3 examples/recipes/pyjwt.py "$AT"
import os
import sys

import jwt

ISSUER = os.environ.get("EDGE_AUTH_ISSUER", "https://auth.example.com")
jwks = jwt.PyJWKClient(ISSUER + "/.well-known/jwks.json")


def verify(token: str) -> dict:
    header = jwt.get_unverified_header(token)
    if header.get("typ") not in ("at+jwt", "application/at+jwt"):
        raise jwt.InvalidTokenError("not an access token")
    key = jwks.get_signing_key_from_jwt(token).key
    return jwt.decode(
        token,
        key,
        algorithms=["EdDSA", "ES256", "RS256"],
        issuer=ISSUER,
        audience="edge-auth",
        leeway=30,
        options={"require": ["exp", "iat", "sub", "sid"]},
    )


if __name__ == "__main__":
    print(verify(sys.argv[1]))
