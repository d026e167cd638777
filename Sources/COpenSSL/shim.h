// The system OpenSSL 3 (libssl-dev), used only for SM2 signatures and the SM3 digest, which
// swift-crypto does not provide. swift-crypto's BoringSSL symbols are prefixed, so they do not
// clash with these.
#ifndef RIGHTS_COPENSSL_SHIM_H
#define RIGHTS_COPENSSL_SHIM_H

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

// Selections are macros Swift cannot import.
static inline int rights_evp_pkey_keypair(void) { return EVP_PKEY_KEYPAIR; }
static inline int rights_evp_pkey_public_key(void) { return EVP_PKEY_PUBLIC_KEY; }

#endif
