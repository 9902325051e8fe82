"""Schemathesis hooks for sharebroker (loaded with SCHEMATHESIS_HOOKS=schemathesis_hooks).

A publish body is a compact JWS, `Content-Type: application/jose`, or an SD-JWT,
`application/sd-jwt`: text, which schemathesis sends as it sends `text/plain`. It cannot sign one, so every publish it makes is refused
(400 or 422), and the check is that each refusal is a problem document the OpenAPI
document describes.
"""
import schemathesis

schemathesis.serializer.alias("application/jose", "text/plain")
schemathesis.serializer.alias("application/sd-jwt", "text/plain")
