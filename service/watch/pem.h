// PEM parsing for the API client's TLS material (kubeconfig certificate-authority-data, client-certificate-data,
// client-key-data), returning OpenSSL objects the caller owns.
//
// Thread safety: reentrant (OpenSSL's PEM readers are).
#pragma once

#include <string>

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace allot::svc {

// Every certificate in `pem` in a new X509_STORE (the caller frees it); nullptr if none parsed.
X509_STORE* StoreFromPem(const std::string& pem);
// The first certificate in `pem` (the caller frees it); nullptr if none.
X509* CertFromPem(const std::string& pem);
// The first private key in `pem` (the caller frees it); nullptr if none.
EVP_PKEY* KeyFromPem(const std::string& pem);

}  // namespace allot::svc
