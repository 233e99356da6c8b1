// Where the Kubernetes API server is and how to authenticate: from a kubeconfig file or from the
// in-cluster service account (the two sources client-go's rest.Config supports that allot needs).
//
// Supported kubeconfig fields: clusters[].cluster{server, certificate-authority(-data),
// insecure-skip-tls-verify, tls-server-name}; users[].user{token, tokenFile, client-certificate(-data),
// client-key(-data)}; contexts[].context{cluster, user, namespace}; current-context. exec/auth-provider
// plugins are not supported (an error names them). Relative file paths resolve against the kubeconfig's
// directory, as kubectl does.
//
// Thread safety: plain functions and value types.
#pragma once

#include <string>

#include "base/status.h"

namespace allot::svc {

// Everything needed to open connections to one API server. Value type.
struct ClusterConnection {
  std::string server;               // "https://host:port" (or http:// for tests)
  std::string ca_pem;               // CA bundle as PEM; empty = system trust store
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;      // SNI / verification name override; empty = host of server
  std::string token;                // static bearer token
  std::string token_file;           // bearer token re-read from this file (rotating SA tokens)
  std::string client_cert_pem;      // mTLS client certificate (PEM)
  std::string client_key_pem;       // its private key (PEM)
  std::string default_namespace;    // context namespace, "default" if unset
};

// Loads `path`; `context` overrides current-context when non-empty. kInvalidArgument names the missing or
// malformed field; kNotFound if the file or a referenced file cannot be read.
StatusOr<ClusterConnection> LoadKubeconfig(const std::string& path, const std::string& context = "");

// Directory layout of the in-cluster service account (overridable for tests).
struct InClusterPaths {
  std::string token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string namespace_file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
};

// True if KUBERNETES_SERVICE_HOST/PORT are set and the token file exists.
bool RunningInCluster(const InClusterPaths& paths = {});

// https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT (IPv6 bracketed), token_file and CA from the
// service-account directory. kFailedPrecondition when not in a cluster.
StatusOr<ClusterConnection> LoadInClusterConfig(const InClusterPaths& paths = {});

// Standard base64 (padding optional, whitespace ignored). kInvalidArgument on bad input.
StatusOr<std::string> Base64Decode(const std::string& text);

// Reads a whole file. kNotFound if it cannot be opened.
StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace allot::svc
