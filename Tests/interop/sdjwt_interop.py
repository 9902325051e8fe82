#!/usr/bin/env python3
"""SD-JWT interoperability helper for the sharebroker test suite.

The Swift tests call this script to check the broker's selective disclosure
(RFC 9901) against an independent implementation: the reference `sd-jwt`
package (OpenWallet Foundation), pinned in requirements.txt.

Subcommands:

  issue --key SIGNING_KEY_PEM --kid KID --envelope FILE --disclosable NAME [...]
      Print an SD-JWT (compact, no key binding, ES256) made by sd-jwt's
      SDJWTIssuer from the envelope JSON in FILE, in which each payload member
      NAME is selectively disclosable; the protected header carries KID.

  verify --jwks JWKS_FILE --sdjwt FILE
      Verify the SD-JWT in FILE with sd-jwt's SDJWTVerifier, using the public
      key of the JWKS (the broker's /v1/directory/jwks) whose "kid" is the
      header's. Print the verified, reconstructed envelope as JSON; on failure
      print a one-line reason to stderr and exit 1.

Usage errors exit 2 (argparse); all other failures exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier


def issue(args: argparse.Namespace) -> None:
    key = JWK.from_pem(Path(args.key).read_bytes())
    envelope = json.loads(Path(args.envelope).read_text(encoding="utf-8"))
    payload = envelope["payload"]
    for name in args.disclosable:
        payload[SDObj(name)] = payload.pop(name)
    issued = SDJWTIssuer(envelope, key, sign_alg="ES256", extra_header_parameters={"kid": args.kid})
    print(issued.sd_jwt_issuance)


def verify(args: argparse.Namespace) -> None:
    keys = json.loads(Path(args.jwks).read_text(encoding="utf-8"))["keys"]

    def issuer_key(_issuer: str | None, header: dict) -> JWK:
        for jwk in keys:
            if jwk.get("kid") == header.get("kid"):
                return JWK(**{name: jwk[name] for name in ("kty", "crv", "x", "y")})
        raise ValueError(f"no key in the JWKS has kid {header.get('kid')!r}")

    presentation = Path(args.sdjwt).read_text(encoding="utf-8").strip()
    verified = SDJWTVerifier(presentation, issuer_key).get_verified_payload()
    json.dump(verified, sys.stdout, sort_keys=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    issuing = commands.add_parser("issue")
    issuing.add_argument("--key", required=True)
    issuing.add_argument("--kid", required=True)
    issuing.add_argument("--envelope", required=True)
    issuing.add_argument("--disclosable", action="append", default=[])
    verifying = commands.add_parser("verify")
    verifying.add_argument("--jwks", required=True)
    verifying.add_argument("--sdjwt", required=True)
    args = parser.parse_args()
    try:
        {"issue": issue, "verify": verify}[args.command](args)
    except Exception as error:  # noqa: BLE001 - one line for the test's message, exit 1
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
