// Certificates for TLS tests, made at test time with the openssl command line (Debian package openssl) in a
// per-process temporary directory that is removed afterwards.
//
//   TlsFiles files;                       // ca, other (an unrelated CA), server (IP 127.0.0.1), client
//   ASSERT_EQ(files.error(), "");
//   files.path("server.crt"), files.pem("ca.crt")
//   files.Issue("rotated", "/CN=rotated", "other", true);   // another leaf, signed by `other`
//
// Thread safety: none (test fixtures).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace allot::svc::tlstest {

class TlsFiles {
 public:
  TlsFiles() : dir_(std::filesystem::temp_directory_path() / ("allot-tls-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "san.ext") << "subjectAltName=IP:127.0.0.1\n";
    for (const char* ca : {"ca", "other"}) {
      Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj '/CN=" + std::string(ca == std::string("ca") ? "test-ca" : "other-ca") +
          "' -keyout " + path(std::string(ca) + ".key") + " -out " + path(std::string(ca) + ".crt"));
    }
    Issue("server", "/CN=kube-apiserver", "ca", true);
    Issue("client", "/CN=allot/O=allot", "ca", false);
  }
  ~TlsFiles() { std::filesystem::remove_all(dir_); }

  // A key NAME.key and certificate NAME.crt for `subject`, signed by the CA `ca` (ca.crt/ca.key); with
  // `server_san` the certificate names IP 127.0.0.1.
  void Issue(const std::string& name, const std::string& subject, const std::string& ca, bool server_san) {
    Run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + path(name + ".key") + " -out " + path(name + ".csr") +
        " -subj '" + subject + "'");
    Run("openssl x509 -req -in " + path(name + ".csr") + " -CA " + path(ca + ".crt") + " -CAkey " + path(ca + ".key") +
        " -CAcreateserial -days 1 -out " + path(name + ".crt") + (server_san ? " -extfile " + path("san.ext") : ""));
  }

  const std::string& error() const { return error_; }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string pem(const std::string& name) const {
    std::ifstream in(dir_ / name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  void Run(const std::string& command) {
    if (!error_.empty()) return;
    if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) error_ = "failed: " + command;
  }

  std::filesystem::path dir_;
  std::string error_;
};

}  // namespace allot::svc::tlstest
