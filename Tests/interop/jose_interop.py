#!/usr/bin/env python3
"""JOSE interoperability helper for the sharebroker test suite.

The Swift tests call this script to check that sharebroker's JWS signing and
verification agree with an independent implementation (joserfc). Only ES256
with P-256 keys is supported, matching sharebroker's message signatures.

Subcommands:

  sign --key SIGNING_KEY_PEM --kid KID --payload FILE
      Print a compact JWS (ES256) over the exact bytes of FILE, with the
      protected header {"alg":"ES256","kid":KID,"typ":"JOSE"}, followed by a
      newline.

  verify --jwks JWKS_FILE --jws JWS_FILE
      Verify a compact JWS (surrounding whitespace in JWS_FILE is ignored) with
      the EC P-256 public key from the JWKS whose "kid" equals the JWS header's
      "kid". Only ES256 is accepted. On success write the payload bytes, exactly,
      to stdout and exit 0; on failure print a one-line reason to stderr and
      exit 1.

  thumbprint --key KEY_PEM
      Print the RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key.
      KEY_PEM may hold a private key (PKCS#8 or SEC1) or a public key (SPKI).

  jwks --key KEY_PEM [--key KEY_PEM ...]
      Print a JWKS {"keys":[...]} with the public JWK of each key, using the
      RFC 7638 thumbprint as "kid". Convenience for building test fixtures.

Usage errors exit 2 (argparse); all other failures exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

ALGORITHM = "ES256"
CURVE = "P-256"


class InteropError(Exception):
    """A failure reported to the caller as a one-line message and exit code 1."""


def load_ec_key(path: str, *, require_private: bool) -> ECKey:
    """Load a P-256 key from a PEM file with joserfc."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InteropError(f"cannot read key file {path}: {exc.strerror}") from exc
    try:
        key = ECKey.import_key(data)
    except (JoseError, ValueError, TypeError) as exc:
        raise InteropError(f"{path} is not an EC key in PEM form: {exc}") from exc
    if key.curve_name != CURVE:
        raise InteropError(f"{path} uses curve {key.curve_name}, expected {CURVE}")
    if require_private and not key.is_private:
        raise InteropError(f"{path} does not contain a private key")
    return key


def public_jwk(key: ECKey) -> dict:
    """The public JWK of key with kid set to its RFC 7638 thumbprint."""
    jwk = dict(key.as_dict(private=False))
    jwk["kid"] = key.thumbprint()
    return jwk


def find_jwks_key(jwks_path: str, kid: str) -> ECKey:
    """Return the single EC P-256 public key in the JWKS whose kid is `kid`."""
    try:
        jwks = json.loads(Path(jwks_path).read_bytes())
    except OSError as exc:
        raise InteropError(f"cannot read JWKS file {jwks_path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise InteropError(f"JWKS file {jwks_path} is not valid JSON: {exc}") from exc
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise InteropError('JWKS must be a JSON object with a "keys" array')

    matches = [jwk for jwk in jwks["keys"] if isinstance(jwk, dict) and jwk.get("kid") == kid]
    if not matches:
        raise InteropError(f"unknown kid {kid!r}: no matching key in JWKS")
    if len(matches) > 1:
        raise InteropError(f"ambiguous kid {kid!r}: {len(matches)} keys in JWKS")
    jwk = matches[0]
    if jwk.get("kty") != "EC" or jwk.get("crv") != CURVE:
        raise InteropError(f"JWKS key {kid!r} is not an EC {CURVE} key")
    if "d" in jwk:
        raise InteropError(f"JWKS key {kid!r} contains private key material")
    try:
        return ECKey.import_key(jwk)
    except (JoseError, ValueError, TypeError) as exc:
        raise InteropError(f"JWKS key {kid!r} is invalid: {exc}") from exc


def cmd_sign(args: argparse.Namespace) -> None:
    key = load_ec_key(args.key, require_private=True)
    try:
        payload = Path(args.payload).read_bytes()
    except OSError as exc:
        raise InteropError(f"cannot read payload file {args.payload}: {exc.strerror}") from exc
    header = {"alg": ALGORITHM, "kid": args.kid, "typ": "JOSE"}
    token = jws.serialize_compact(header, payload, key, algorithms=[ALGORITHM])
    sys.stdout.write(token + "\n")


def cmd_verify(args: argparse.Namespace) -> None:
    try:
        token = Path(args.jws).read_bytes().strip()
    except OSError as exc:
        raise InteropError(f"cannot read JWS file {args.jws}: {exc.strerror}") from exc
    try:
        # Parse without verifying, only to choose the key by kid.
        header = jws.extract_compact(token).headers()
    except (JoseError, ValueError, TypeError) as exc:
        raise InteropError(f"malformed compact JWS: {exc}") from exc
    alg = header.get("alg")
    if alg != ALGORITHM:
        raise InteropError(f"algorithm {alg!r} not allowed, only {ALGORITHM}")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise InteropError('JWS header has no string "kid"')
    key = find_jwks_key(args.jwks, kid)
    try:
        result = jws.deserialize_compact(token, key, algorithms=[ALGORITHM])
    except JoseError as exc:
        reason = exc.description or exc.error or type(exc).__name__
        raise InteropError(f"verification failed: {reason}") from exc
    except (ValueError, TypeError) as exc:
        raise InteropError(f"verification failed: {exc}") from exc
    sys.stdout.buffer.write(result.payload)
    sys.stdout.buffer.flush()


def cmd_thumbprint(args: argparse.Namespace) -> None:
    key = load_ec_key(args.key, require_private=False)
    sys.stdout.write(key.thumbprint() + "\n")


def cmd_jwks(args: argparse.Namespace) -> None:
    keys = [public_jwk(load_ec_key(path, require_private=False)) for path in args.key]
    sys.stdout.write(json.dumps({"keys": keys}, indent=2) + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="ES256 JWS interoperability helper built on joserfc.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sign", help="sign a file as a compact ES256 JWS")
    p.add_argument("--key", required=True, help="P-256 private key, PEM")
    p.add_argument("--kid", required=True, help="value of the protected kid header")
    p.add_argument("--payload", required=True, help="file whose exact bytes are the payload")
    p.set_defaults(func=cmd_sign)

    p = sub.add_parser("verify", help="verify a compact ES256 JWS against a JWKS")
    p.add_argument("--jwks", required=True, help='JSON file {"keys":[...]}')
    p.add_argument("--jws", required=True, help="file holding the compact JWS")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("thumbprint", help="RFC 7638 thumbprint of a key's public part")
    p.add_argument("--key", required=True, help="P-256 private or public key, PEM")
    p.set_defaults(func=cmd_thumbprint)

    p = sub.add_parser("jwks", help="JWKS of public keys, kid = thumbprint")
    p.add_argument("--key", required=True, action="append", help="P-256 key, PEM (repeatable)")
    p.set_defaults(func=cmd_jwks)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except InteropError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
