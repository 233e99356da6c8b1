#include "service/http/serving_tls.h"

#include <sys/stat.h>

#include <cstdio>
#include <utility>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include "base/status_macros.h"

namespace allot::svc {

namespace {

std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += (out.empty() ? "" : "; ") + std::string(buf);
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

struct BioCloser {
  void operator()(BIO* b) const { BIO_free(b); }
};

}  // namespace

struct ServingTls::Pair {
  X509* leaf = nullptr;
  STACK_OF(X509)* chain = nullptr;  // intermediates after the leaf, may be empty
  EVP_PKEY* key = nullptr;

  Pair() = default;
  Pair(const Pair&) = delete;
  Pair& operator=(const Pair&) = delete;
  ~Pair() {
    X509_free(leaf);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(key);
  }
};

ServingTls::ServingTls(ServingTlsOptions options) : options_(std::move(options)) {}

ServingTls::~ServingTls() = default;

ServingTls::FileStamp ServingTls::Stamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return FileStamp{};
  return FileStamp{static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec,
                   static_cast<long long>(st.st_size)};
}

StatusOr<std::shared_ptr<const ServingTls::Pair>> ServingTls::LoadPair(const std::string& cert_file,
                                                                        const std::string& key_file) {
  auto pair = std::make_shared<Pair>();
  std::unique_ptr<BIO, BioCloser> cert_bio(BIO_new_file(cert_file.c_str(), "r"));
  if (!cert_bio) return InvalidArgumentError("--tls-cert-file " + cert_file + ": cannot open");
  pair->leaf = PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr);
  if (pair->leaf == nullptr) {
    return InvalidArgumentError("--tls-cert-file " + cert_file + ": no PEM certificate: " + OpenSslErrors());
  }
  pair->chain = sk_X509_new_null();
  while (X509* extra = PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr)) sk_X509_push(pair->chain, extra);
  ERR_clear_error();  // the loop ends on "no start line"

  std::unique_ptr<BIO, BioCloser> key_bio(BIO_new_file(key_file.c_str(), "r"));
  if (!key_bio) return InvalidArgumentError("--tls-private-key-file " + key_file + ": cannot open");
  pair->key = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr);
  if (pair->key == nullptr) {
    return InvalidArgumentError("--tls-private-key-file " + key_file + ": no PEM private key: " + OpenSslErrors());
  }
  if (X509_check_private_key(pair->leaf, pair->key) != 1) {
    ERR_clear_error();
    return InvalidArgumentError("--tls-private-key-file " + key_file + ": does not match the certificate in " +
                                cert_file);
  }
  return std::shared_ptr<const Pair>(std::move(pair));
}

StatusOr<std::unique_ptr<ServingTls>> ServingTls::Create(const ServingTlsOptions& options) {
  if (options.cert_file.empty() || options.key_file.empty()) {
    return InvalidArgumentError("--tls-cert-file and --tls-private-key-file must be given together");
  }
  std::unique_ptr<ServingTls> tls(new ServingTls(options));
  // Stamp before reading, so a change during the read is seen by the next check.
  FileStamp cert_stamp = Stamp(options.cert_file);
  FileStamp key_stamp = Stamp(options.key_file);
  ALLOT_ASSIGN_OR_RETURN(std::shared_ptr<const Pair> pair, LoadPair(options.cert_file, options.key_file));
  if (!options.client_ca_file.empty()) {
    // Read it once here so a bad file fails at start, not at the first handshake.
    std::unique_ptr<BIO, BioCloser> bio(BIO_new_file(options.client_ca_file.c_str(), "r"));
    X509* first = bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    if (first == nullptr) {
      ERR_clear_error();
      return InvalidArgumentError("--client-ca-file " + options.client_ca_file + ": no PEM certificate");
    }
    X509_free(first);
  }
  MutexLock lock(tls->mu_);
  tls->pair_ = std::move(pair);
  tls->cert_stamp_ = cert_stamp;
  tls->key_stamp_ = key_stamp;
  tls->last_check_ = std::chrono::steady_clock::now();
  return tls;
}

bool ServingTls::Configure(SSL_CTX& ctx) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_cert_cb(&ctx, &ServingTls::CertificateCallback, this);
  if (!options_.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(&ctx, options_.client_ca_file.c_str(), nullptr) != 1) {
      spdlog::error("--client-ca-file {}: {}", options_.client_ca_file, OpenSslErrors());
      return false;
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options_.client_ca_file.c_str());
    if (names != nullptr) SSL_CTX_set_client_CA_list(&ctx, names);  // takes ownership
    // Ask for a certificate, verify what is given, allow none (probes, Prometheus): the verbs check per request.
    SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_verify_depth(&ctx, 4);
  }
  return true;
}

std::shared_ptr<const ServingTls::Pair> ServingTls::CurrentPair() {
  MutexLock lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_check_ < options_.reload_check_interval) return pair_;
  last_check_ = now;
  FileStamp cert_stamp = Stamp(options_.cert_file);
  FileStamp key_stamp = Stamp(options_.key_file);
  if (cert_stamp == cert_stamp_ && key_stamp == key_stamp_) return pair_;
  StatusOr<std::shared_ptr<const Pair>> fresh = LoadPair(options_.cert_file, options_.key_file);
  if (!fresh.ok()) {
    // Keep serving the previous pair; try again at the next check (the files may be half written). The stamps
    // are not updated, so a fixed pair with the same size and mtime as the broken one is still picked up.
    spdlog::error("serving certificate not reloaded, the previous one stays in use: {}", fresh.status().message());
    return pair_;
  }
  pair_ = std::move(*fresh);
  cert_stamp_ = cert_stamp;
  key_stamp_ = key_stamp;
  ++reloads_;
  spdlog::info("serving certificate reloaded from {} and {}", options_.cert_file, options_.key_file);
  return pair_;
}

int ServingTls::CertificateCallback(SSL* ssl, void* arg) {
  auto* self = static_cast<ServingTls*>(arg);
  std::shared_ptr<const Pair> pair = self->CurrentPair();
  // SSL_use_cert_and_key takes its own references (up-refs the certificate, key and chain entries).
  if (SSL_use_cert_and_key(ssl, pair->leaf, pair->key, pair->chain, 1) != 1) {
    spdlog::error("TLS handshake: cannot use the serving certificate: {}", OpenSslErrors());
    return 0;
  }
  return 1;
}

bool ServingTls::ClientCertificateVerified(const SSL* ssl) const {
  if (ssl == nullptr || options_.client_ca_file.empty()) return false;
  X509* peer = SSL_get1_peer_certificate(ssl);
  if (peer == nullptr) return false;
  X509_free(peer);
  return SSL_get_verify_result(ssl) == X509_V_OK;
}

int ServingTls::reloads() const {
  MutexLock lock(mu_);
  return reloads_;
}

}  // namespace allot::svc
