#!/usr/bin/env bash
#
# make-dev-pki.sh - generate a throw-away DEVELOPMENT PKI for sharebroker.
#
#   *** DEVELOPMENT ONLY. NEVER USE THESE KEYS OR CERTIFICATES IN PRODUCTION. ***
#   The CA private key sits in plain text next to the certificates it signs,
#   and every certificate says "(DEVELOPMENT ONLY)" in its Organisation name.
#
# Usage:   Certs/make-dev-pki.sh [OUTPUT_DIR]        (default: ./dev-pki)
#
# Needs only openssl. All keys are ECDSA P-256, all signatures SHA-256, and all
# private keys are unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), mode 600.
#
# Files written to OUTPUT_DIR:
#   ca.crt, ca.key                 development CA (10 years); trust anchor for
#                                  both the broker and the agency clients
#   broker.crt, broker.key         broker TLS server certificate, CN=sharebroker,
#                                  SAN DNS:localhost + IP:127.0.0.1 (398 days)
#   <id>.crt, <id>.key             mutual-TLS client certificate of agency <id>,
#                                  CN=<id> (398 days)
#   <id>.signing.key               SEPARATE P-256 key the agency uses to sign its
#                                  messages (JWS ES256); never used for TLS
#   <id>.signing.pub.pem           its public key (SubjectPublicKeyInfo PEM)
#
# At the end it prints each agency's client-certificate fingerprint: SHA-256 of
# the certificate's DER, lowercase hex without colons. That is the value the
# broker configuration uses to recognise an agency's certificate.
#
# Idempotent: if OUTPUT_DIR/ca.crt already exists, nothing is changed.

set -euo pipefail

OUT="${1:-./dev-pki}"
AGENCIES=(northshire-hospitals northshire-police northshire-csc northshire-mash oakfield-primary northshire-audit)
ORG="Northshire Safeguarding Partnership (DEVELOPMENT ONLY)"
CA_DAYS=3650
LEAF_DAYS=398

command -v openssl >/dev/null 2>&1 || { echo "error: openssl not found in PATH" >&2; exit 1; }

if [[ -e "$OUT/ca.crt" ]]; then
    echo "$OUT/ca.crt already exists; leaving the existing development PKI in $OUT untouched."
    exit 0
fi

# Never overwrite anything else either (e.g. leftovers of a hand-made setup).
for f in ca.key broker.crt broker.key; do
    [[ -e "$OUT/$f" ]] && { echo "error: $OUT/$f exists but $OUT/ca.crt does not; refusing to overwrite. Remove it or choose another directory." >&2; exit 1; }
done
for id in "${AGENCIES[@]}"; do
    for f in "$id.crt" "$id.key" "$id.signing.key" "$id.signing.pub.pem"; do
        [[ -e "$OUT/$f" ]] && { echo "error: $OUT/$f exists but $OUT/ca.crt does not; refusing to overwrite. Remove it or choose another directory." >&2; exit 1; }
    done
done

umask 077
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sharebroker-pki.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# Temporary OpenSSL configuration: one section per certificate profile.
cat >"$WORK/openssl.cnf" <<'EOF'
[ req ]
distinguished_name = req_dn
prompt             = no

[ req_dn ]
# Subjects are always given with -subj.

[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ v3_server ]
basicConstraints       = CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ v3_client ]
basicConstraints       = CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF

# new_key FILE: unencrypted PKCS#8 PEM P-256 private key.
new_key() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
    chmod 600 "$1"
}

# issue NAME SUBJECT PROFILE: key + CSR, then a certificate signed by the CA.
issue() {
    local name="$1" subj="$2" profile="$3"
    new_key "$WORK/$name.key"
    openssl req -new -config "$WORK/openssl.cnf" -key "$WORK/$name.key" -subj "$subj" \
        -sha256 -out "$WORK/$name.csr"
    openssl x509 -req -in "$WORK/$name.csr" -sha256 -days "$LEAF_DAYS" \
        -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
        -extfile "$WORK/openssl.cnf" -extensions "$profile" -out "$WORK/$name.crt" 2>/dev/null
    rm -f "$WORK/$name.csr"
}

echo "Generating development CA..."
new_key "$WORK/ca.key"
openssl req -new -x509 -config "$WORK/openssl.cnf" -extensions v3_ca \
    -key "$WORK/ca.key" -subj "/O=$ORG/CN=Northshire Dev CA" \
    -sha256 -days "$CA_DAYS" -set_serial "0x$(openssl rand -hex 16)" -out "$WORK/ca.crt"

echo "Generating broker server certificate..."
issue broker "/O=$ORG/CN=sharebroker" v3_server

for id in "${AGENCIES[@]}"; do
    echo "Generating client certificate and signing key for $id..."
    issue "$id" "/O=$ORG/CN=$id" v3_client
    new_key "$WORK/$id.signing.key"
    openssl pkey -in "$WORK/$id.signing.key" -pubout -out "$WORK/$id.signing.pub.pem"
done

# Move everything into place; ca.crt last so an interrupted run is not mistaken
# for a complete one on the next invocation.
mkdir -p "$OUT"
chmod 644 "$WORK"/*.crt "$WORK"/*.pub.pem
for f in "$WORK"/*; do
    case "$(basename "$f")" in ca.crt|openssl.cnf) ;; *) mv "$f" "$OUT/" ;; esac
done
mv "$WORK/ca.crt" "$OUT/ca.crt"

echo
echo "Development PKI written to $OUT (DEVELOPMENT ONLY - never use in production)."
echo
printf '%-22s %s\n' "agency" "fingerprint (SHA-256 of client certificate DER)"
for id in "${AGENCIES[@]}"; do
    fp="$(openssl x509 -in "$OUT/$id.crt" -noout -fingerprint -sha256 | sed 's/^.*=//' | tr -d ':' | tr 'A-F' 'a-f')"
    printf '%-22s %s\n' "$id" "$fp"
done
