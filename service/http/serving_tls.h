// ServingTls: the TLS side of allot's HTTP server — the serving certificate, reloaded when its files change,
// and the client-certificate check that guards the scheduler verbs.
//
//   ServingTlsOptions o{.cert_file = "tls.crt", .key_file = "tls.key", .client_ca_file = "ca.crt"};
//   auto tls = ServingTls::Create(o);            // kInvalidArgument naming the file if it cannot be used
//   httplib::SSLServer server([&](SSL_CTX& ctx) { return (*tls)->Configure(ctx); });
//   ... in a handler: if (!(*tls)->ClientCertificateVerified(req.ssl)) -> 403
//
// Contract:
// - The certificate file holds the leaf first, then any intermediates (PEM, as kube-apiserver's
//   --tls-cert-file). Both files are read at Create(); a bad pair fails there, so `allot serve` exits at start
//   rather than serving with no certificate.
// - Reload: every TLS handshake asks for the current pair (SSL_CTX_set_cert_cb). At most once per second a
//   handshake stat()s both files; when either's mtime or size changed, the pair is read again and used for
//   that handshake and every later one. A pair that does not load (half-written files, key not matching the
//   certificate) is logged and the previous pair stays in use: rotation by cert-manager or a Secret update never
//   leaves allot without a certificate. Established keep-alive connections keep the certificate they
//   were opened with.
// - Client certificates: with a client CA, the server asks every client for a certificate and verifies the
//   one it is given against that CA (a certificate that does not verify fails the handshake); a client may
//   still connect without one, because kubelet probes and Prometheus do not present one.
//   ClientCertificateVerified() says whether this connection's client presented a certificate that
//   verified: the routes that must be limited to kube-scheduler (the extender verbs) check it per request.
//   The client CA file is read once, at start (restart to change it).
// - TLS 1.2 is the minimum version.
//
// Thread safety: Configure() once, before serving. The certificate callback and ClientCertificateVerified()
// run concurrently on the HTTP worker threads; the current pair is guarded by `mu_`.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/status.h"
#include "base/thread_annotations.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace allot::svc {

struct ServingTlsOptions {
  std::string cert_file;       // PEM: leaf then intermediates; empty = plain HTTP
  std::string key_file;        // PEM private key of the leaf
  std::string client_ca_file;  // PEM CA bundle for client certificates; empty = no client certificates asked
  std::chrono::milliseconds reload_check_interval{1000};

  bool enabled() const { return !cert_file.empty(); }
};

class ServingTls {
 public:
  // Reads the certificate, key and client CA. kInvalidArgument naming the flag and file on any problem.
  static StatusOr<std::unique_ptr<ServingTls>> Create(const ServingTlsOptions& options);
  ~ServingTls();
  ServingTls(const ServingTls&) = delete;
  ServingTls& operator=(const ServingTls&) = delete;

  // Sets up a fresh server SSL_CTX (protocol floor, certificate callback, client verification). Returns false
  // if OpenSSL refuses a setting (logged). `ctx` must not outlive this object.
  bool Configure(SSL_CTX& ctx);

  // Whether the connection's client presented a certificate that verified against the client CA. False on a
  // plain connection, without a client CA, or without a client certificate.
  bool ClientCertificateVerified(const SSL* ssl) const;

  bool requires_client_certificates() const { return !options_.client_ca_file.empty(); }

  // How many times the pair was reloaded after start (tests, logs).
  int reloads() const;

 private:
  struct Pair;         // certificate chain + key, immutable once loaded
  struct FileStamp {   // what a stat() saw
    long long mtime_ns = -1;
    long long size = -1;
    bool operator==(const FileStamp&) const = default;
  };

  explicit ServingTls(ServingTlsOptions options);
  static StatusOr<std::shared_ptr<const Pair>> LoadPair(const std::string& cert_file, const std::string& key_file);
  static FileStamp Stamp(const std::string& path);
  static int CertificateCallback(SSL* ssl, void* arg);
  std::shared_ptr<const Pair> CurrentPair();  // reloads first if the files changed (rate-limited)

  const ServingTlsOptions options_;
  mutable Mutex mu_;
  std::shared_ptr<const Pair> pair_ ALLOT_GUARDED_BY(mu_);
  FileStamp cert_stamp_ ALLOT_GUARDED_BY(mu_);
  FileStamp key_stamp_ ALLOT_GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point last_check_ ALLOT_GUARDED_BY(mu_);
  int reloads_ ALLOT_GUARDED_BY(mu_) = 0;
};

}  // namespace allot::svc
