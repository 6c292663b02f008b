// mqtts against Mosquitto with a CA and server certificate made here by the openssl command.
#include <fstream>
#include <sstream>

#include "broker.h"
#include "harness.h"

namespace mqtt::test {
namespace {

struct Pki {
  std::string dir, ca, ca_key, other_ca, server_cert, server_key, client_cert, client_key;
};

bool openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {tool("openssl")};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = run(argv);
  if (r.status != 0) ADD_FAILURE() << "openssl failed: " << r.err;
  return r.status == 0;
}

bool make_pki(Pki& p) {
  p.dir = make_temp_dir("mqtt-pki");
  p.ca = p.dir + "/ca.crt";
  p.ca_key = p.dir + "/ca.key";
  p.other_ca = p.dir + "/other-ca.crt";
  p.server_cert = p.dir + "/server.crt";
  p.server_key = p.dir + "/server.key";
  p.client_cert = p.dir + "/client.crt";
  p.client_key = p.dir + "/client.key";
  std::string ext = p.dir + "/san.ext";
  std::ofstream(ext) << "subjectAltName=DNS:localhost\n";
  const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                       "-nodes"};
  auto with = [&](std::vector<std::string> a, const std::vector<std::string>& more) {
    a.insert(a.end(), more.begin(), more.end());
    return a;
  };
  return openssl(with({"req", "-x509", "-days", "1", "-subj", "/CN=Test CA", "-keyout", p.ca_key,
                       "-out", p.ca},
                      ec)) &&
         openssl(with({"req", "-x509", "-days", "1", "-subj", "/CN=Other CA", "-keyout",
                       p.dir + "/other.key", "-out", p.other_ca},
                      ec)) &&
         openssl(with({"req", "-subj", "/CN=localhost", "-keyout", p.server_key, "-out",
                       p.dir + "/server.csr"},
                      ec)) &&
         openssl({"x509", "-req", "-days", "1", "-in", p.dir + "/server.csr", "-CA", p.ca, "-CAkey",
                  p.ca_key, "-CAcreateserial", "-out", p.server_cert, "-extfile", ext}) &&
         openssl(with({"req", "-subj", "/CN=device-1", "-keyout", p.client_key, "-out",
                       p.dir + "/client.csr"},
                      ec)) &&
         openssl({"x509", "-req", "-days", "1", "-in", p.dir + "/client.csr", "-CA", p.ca, "-CAkey",
                  p.ca_key, "-CAcreateserial", "-out", p.client_cert});
}

class Tls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new Pki();
    if (!make_pki(*pki_)) return;
    BrokerConfig c;
    c.cafile = pki_->ca;
    c.certfile = pki_->server_cert;
    c.keyfile = pki_->server_key;
    broker_ = new Broker(c);
  }
  static void TearDownTestSuite() {
    delete broker_;
    broker_ = nullptr;
    (void)!system(("rm -rf '" + pki_->dir + "'").c_str());
    delete pki_;
  }
  void SetUp() override { ASSERT_TRUE(broker_ && broker_->running()) << "no TLS broker"; }

  Options tls_options(const std::string& host) {
    Options o = base_options(loop_, broker_->tls_port());
    o.host = host;
    o.protocol = Scheme::mqtts;
    o.tls.ca_file = pki_->ca;
    o.reconnect = false;
    return o;
  }

  static Pki* pki_;
  static Broker* broker_;
  Loop loop_;
};
Pki* Tls::pki_ = nullptr;
Broker* Tls::broker_ = nullptr;

TEST_F(Tls, RoundTripWithVerifiedCertificate) {
  auto c = make_client(tls_options("localhost"));
  ASSERT_TRUE(loop_.run_until([&] { return c->connected || c->failed; }, 5000));
  ASSERT_TRUE(c->connected) << c->failure.message;
  ASSERT_TRUE(subscribe_and_wait(loop_, *c, "tls/echo", 2));
  std::vector<uint8_t> big(300000, 0xA5);
  ASSERT_TRUE(publish_and_wait(loop_, *c, {"tls/echo", big, 2}));
  ASSERT_TRUE(loop_.run_until([&] { return !c->messages.empty(); }, 5000));
  EXPECT_EQ(c->messages[0].payload, big);
}

TEST_F(Tls, CaGivenAsPemText) {
  Options o = tls_options("localhost");
  std::ifstream in(pki_->ca);
  std::stringstream text;
  text << in.rdbuf();
  o.tls.ca_file.clear();
  o.tls.ca = text.str();
  auto c = make_client(o);
  ASSERT_TRUE(loop_.run_until([&] { return c->connected || c->failed; }, 5000));
  EXPECT_TRUE(c->connected) << c->failure.message;
}

TEST_F(Tls, WrongCaFailsNamingTheCertificate) {
  Options o = tls_options("localhost");
  o.tls.ca_file = pki_->other_ca;
  auto c = make_client(o);
  ASSERT_TRUE(loop_.run_until([&] { return c->failed; }, 5000));
  EXPECT_EQ(c->failure.code, ErrorCode::tls_certificate_invalid) << c->failure.message;
  EXPECT_NE(c->failure.message.find("certificate"), std::string::npos) << c->failure.message;
}

TEST_F(Tls, WrongHostNameFailsNamingTheHostName) {
  // The certificate is for "localhost" only; 127.0.0.1 is the same broker under another name.
  auto c = make_client(tls_options("127.0.0.1"));
  ASSERT_TRUE(loop_.run_until([&] { return c->failed; }, 5000));
  EXPECT_EQ(c->failure.code, ErrorCode::tls_hostname_mismatch) << c->failure.message;
  EXPECT_NE(c->failure.message.find("host name"), std::string::npos) << c->failure.message;

  Options o = tls_options("localhost");
  o.tls.servername = "broker.example";
  auto d = make_client(o);
  ASSERT_TRUE(loop_.run_until([&] { return d->failed; }, 5000));
  EXPECT_EQ(d->failure.code, ErrorCode::tls_hostname_mismatch) << d->failure.message;
  EXPECT_NE(d->failure.message.find("broker.example"), std::string::npos) << d->failure.message;
}

TEST_F(Tls, InsecureSkipsVerification) {
  Options o = tls_options("127.0.0.1");
  o.tls.ca_file = pki_->other_ca;
  o.tls.verify = false;
  auto c = make_client(o);
  ASSERT_TRUE(loop_.run_until([&] { return c->connected || c->failed; }, 5000));
  EXPECT_TRUE(c->connected) << c->failure.message;
}

TEST_F(Tls, ClientCertificateWhenTheBrokerRequiresOne) {
  BrokerConfig c;
  c.cafile = pki_->ca;
  c.certfile = pki_->server_cert;
  c.keyfile = pki_->server_key;
  c.extra = {"require_certificate true"};  // applies to the TLS listener, the last one
  Broker strict(c);
  ASSERT_TRUE(strict.running());
  Options without = tls_options("localhost");
  without.port = strict.tls_port();
  auto refused = make_client(without);
  ASSERT_TRUE(loop_.run_until([&] { return refused->failed || refused->connected; }, 5000));
  EXPECT_FALSE(refused->connected);

  Options with = without;
  with.tls.cert_file = pki_->client_cert;
  with.tls.key_file = pki_->client_key;
  auto accepted = make_client(with);
  ASSERT_TRUE(loop_.run_until([&] { return accepted->failed || accepted->connected; }, 5000));
  EXPECT_TRUE(accepted->connected) << accepted->failure.message;

  Options mismatched = with;
  mismatched.tls.key_file = pki_->server_key;  // not the certificate's key
  auto bad = make_client(mismatched);
  ASSERT_TRUE(loop_.run_until([&] { return bad->failed; }, 5000));
  EXPECT_EQ(bad->failure.code, ErrorCode::tls_failed) << bad->failure.message;
  EXPECT_NE(bad->failure.message.find("key"), std::string::npos) << bad->failure.message;
}

TEST_F(Tls, PlainTcpToTlsPortIsNotAConnection) {
  Options o = base_options(loop_, broker_->tls_port());
  o.reconnect = false;
  o.connect_timeout_ms = 3000;
  auto c = make_client(o);
  ASSERT_TRUE(loop_.run_until([&] { return c->failed; }, 5000));
  EXPECT_FALSE(c->connected);
}

TEST_F(Tls, CliPublishesOverTls) {
  Process sub({mqtt_cli(), "sub", "-h", "localhost", "-p", std::to_string(broker_->tls_port()),
               "--cafile", pki_->ca, "-t", "tls/cli", "-C", "1", "-W", "10"});
  auto watcher = make_client(tls_options("localhost"));
  ASSERT_TRUE(loop_.run_until([&] { return watcher->connected; }, 5000));
  // Publish retained so the order of the two processes does not matter.
  RunResult pub =
      run({mqtt_cli(), "pub", "-h", "localhost", "-p", std::to_string(broker_->tls_port()),
           "--cafile", pki_->ca, "-t", "tls/cli", "-m", "secure hello", "-r", "-q", "1"});
  EXPECT_EQ(pub.status, 0) << pub.err;
  EXPECT_EQ(sub.wait(10000), 0);
  EXPECT_EQ(sub.out(), "secure hello\n");
  RunResult bad =
      run({mqtt_cli(), "pub", "-h", "localhost", "-p", std::to_string(broker_->tls_port()),
           "--cafile", pki_->other_ca, "-t", "tls/cli", "-m", "x"});
  EXPECT_EQ(bad.status, 2) << bad.err;
  EXPECT_NE(bad.err.find("certificate"), std::string::npos) << bad.err;
  run({mqtt_cli(), "pub", "-h", "localhost", "-p", std::to_string(broker_->tls_port()), "--cafile",
       pki_->ca, "-t", "tls/cli", "-n", "-r"});
}

// The TLS flags of `mqtt` as its --help describes them; `sub -E` connects, subscribes and exits.
TEST_F(Tls, CliTlsFlagsWorkAsDescribed) {
  const std::string port = std::to_string(broker_->tls_port());
  auto sub = [&](std::vector<std::string> flags) {
    std::vector<std::string> argv = {mqtt_cli(), "sub", "-t", "tls/flags", "-E"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return run(argv);
  };
  // --servername: the name verified (the certificate is for localhost, not 127.0.0.1).
  RunResult named = sub({"-h", "127.0.0.1", "-p", port, "--cafile", pki_->ca, "--servername",
                         "localhost"});
  EXPECT_EQ(named.status, 0) << named.err;
  RunResult misnamed = sub({"-h", "localhost", "-p", port, "--cafile", pki_->ca, "--servername",
                            "broker.example"});
  EXPECT_EQ(misnamed.status, 2);
  EXPECT_NE(misnamed.err.find("broker.example"), std::string::npos) << misnamed.err;
  // --insecure: neither the chain nor the name is checked.
  RunResult insecure =
      sub({"-h", "127.0.0.1", "-p", port, "--cafile", pki_->other_ca, "--insecure"});
  EXPECT_EQ(insecure.status, 0) << insecure.err;
  // --tls alone: the system's store, which does not trust the test CA.
  RunResult system_store = sub({"-h", "localhost", "-p", port, "--tls"});
  EXPECT_EQ(system_store.status, 2);
  EXPECT_NE(system_store.err.find("certificate"), std::string::npos) << system_store.err;
  // -L mqtts:// turns TLS on; the URL's path is the topic.
  RunResult url = run({mqtt_cli(), "sub", "-L", "mqtts://localhost:" + port + "/tls/url",
                       "--cafile", pki_->ca, "-E", "-d"});
  EXPECT_EQ(url.status, 0) << url.err;
  EXPECT_NE(url.err.find("Subscribed to tls/url"), std::string::npos) << url.err;

  // --cert/--key: the client certificate a strict broker requires.
  BrokerConfig c;
  c.cafile = pki_->ca;
  c.certfile = pki_->server_cert;
  c.keyfile = pki_->server_key;
  c.extra = {"require_certificate true"};
  Broker strict(c);
  ASSERT_TRUE(strict.running());
  const std::string strict_port = std::to_string(strict.tls_port());
  RunResult without = sub({"-h", "localhost", "-p", strict_port, "--cafile", pki_->ca});
  EXPECT_EQ(without.status, 2) << without.err;
  RunResult with = sub({"-h", "localhost", "-p", strict_port, "--cafile", pki_->ca, "--cert",
                        pki_->client_cert, "--key", pki_->client_key});
  EXPECT_EQ(with.status, 0) << with.err;
}

}  // namespace
}  // namespace mqtt::test
