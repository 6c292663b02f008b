// The `mqtt` tool run as a user runs it: pub, sub, flags, exit codes.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "broker.h"
#include "harness.h"

namespace mqtt::test {
namespace {

class Cli : public SharedBroker {
 protected:
  std::string port() { return std::to_string(broker_->port()); }
  std::string topic(const char* base) {
    return std::string("cli/") + base + "/" + std::to_string(getpid());
  }
  // Waits until a `mqtt sub` has subscribed: it prints a retained marker of its own. Clearing
  // the marker then delivers an empty message to it too (as Mosquitto forwards it).
  void wait_subscribed(Process& sub, const std::string& t) {
    ASSERT_EQ(
        run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-m", "ready", "-r"})
            .status,
        0);
    Loop loop;
    ASSERT_TRUE(loop.run_until([&] { return sub.out().find("ready") != std::string::npos; }, 5000))
        << sub.out();
    ASSERT_EQ(run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-n", "-r"}).status,
              0);
  }
};

TEST_F(Cli, HelpAndUsageErrors) {
  RunResult help = run({mqtt_cli(), "pub", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("Examples:"), std::string::npos);
  RunResult sub_help = run({mqtt_cli(), "sub", "--help"});
  EXPECT_EQ(sub_help.status, 0);
  EXPECT_NE(sub_help.out.find("-C N"), std::string::npos);
  EXPECT_EQ(run({mqtt_cli()}).status, 1);
  EXPECT_EQ(run({mqtt_cli(), "frobnicate"}).status, 1);
  RunResult no_topic = run({mqtt_cli(), "pub", "-m", "x"});
  EXPECT_EQ(no_topic.status, 1);
  EXPECT_NE(no_topic.err.find("topic"), std::string::npos);
  EXPECT_EQ(run({mqtt_cli(), "pub", "-t", "a", "-m", "x", "-q", "3"}).status, 1);
  RunResult wildcard = run({mqtt_cli(), "pub", "-t", "a/+", "-m", "x", "-p", port()});
  EXPECT_EQ(wildcard.status, 1);  // checked before connecting, as mosquitto_pub does
  EXPECT_NE(wildcard.err.find("MQTT-3.3.2-2"), std::string::npos) << wildcard.err;
  EXPECT_EQ(run({mqtt_cli(), "sub", "-t", "a/#/b", "-p", port()}).status, 1);
}

TEST_F(Cli, PubAndSubWithCountAndVerbose) {
  std::string t = topic("basic");
  Process sub({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-t", t + "/other",
               "-v", "-C", "4", "-q", "1"});
  wait_subscribed(sub, t);
  EXPECT_EQ(
      run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-m", "hello", "-q", "1"})
          .status,
      0);
  EXPECT_EQ(run({mqtt_cli(), "pub", "-L", "mqtt://127.0.0.1:" + port() + "/" + t + "/other", "-m",
                 "via url", "-V", "5", "-q", "2"})
                .status,
            0);
  EXPECT_EQ(sub.wait(5000), 0);
  EXPECT_EQ(sub.out(), t + " ready\n" + t + " \n" + t + " hello\n" + t + "/other via url\n");
}

TEST_F(Cli, PubFromFileStdinLinesAndNull) {
  std::string t = topic("sources");
  Process sub({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-C", "8", "-N"});
  wait_subscribed(sub, t);
  std::string dir = make_temp_dir("mqtt-cli");
  std::string file = dir + "/payload.bin";
  std::string binary("\x00\x01\xff[file]", 8);
  std::ofstream(file, std::ios::binary)
      .write(binary.data(), static_cast<std::streamsize>(binary.size()));
  EXPECT_EQ(run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-f", file}).status,
            0);
  EXPECT_EQ(
      run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-s"}, "[stdin]").status,
      0);
  EXPECT_EQ(run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-l"}, "[l1]\n[l2]\n")
                .status,
            0);
  EXPECT_EQ(run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-n"}).status, 0);
  EXPECT_EQ(
      run({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-m", "[end]"}).status, 0);
  EXPECT_EQ(sub.wait(5000), 0);
  EXPECT_EQ(sub.out(), "ready" + binary + "[stdin][l1][l2][end]");
  (void)!system(("rm -rf '" + dir + "'").c_str());
}

// QoS 0 succeeds once handed to the connection: the tool must still let all of it leave
// before it exits.
TEST_F(Cli, LargeQos0FileArrivesWhole) {
  std::string t = topic("large");
  Loop loop;
  auto sub = make_client(base_options(loop, broker_->port()));
  ASSERT_TRUE(loop.run_until([&] { return sub->connected; }, 5000));
  ASSERT_TRUE(subscribe_and_wait(loop, *sub, t, 0));
  std::string dir = make_temp_dir("mqtt-cli");
  std::string file = dir + "/big.bin";
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31u >> 7);
  std::ofstream(file, std::ios::binary).write(big.data(), static_cast<std::streamsize>(big.size()));
  Process pub({mqtt_cli(), "pub", "-p", port(), "-h", "127.0.0.1", "-t", t, "-f", file, "-q", "0"});
  ASSERT_TRUE(loop.run_until([&] { return !sub->messages.empty(); }, 10000));
  EXPECT_EQ(pub.wait(5000), 0);
  EXPECT_TRUE(sub->messages[0].payload == std::vector<uint8_t>(big.begin(), big.end()))
      << sub->messages[0].payload.size() << " bytes arrived";
  (void)!system(("rm -rf '" + dir + "'").c_str());
}

TEST_F(Cli, ExitCodesForUnreachableAndTimeout) {
  RunResult down = run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", std::to_string(free_port()),
                        "-t", "x", "-m", "y"});
  EXPECT_EQ(down.status, 2);
  EXPECT_NE(down.err.find("could not connect"), std::string::npos) << down.err;
  RunResult timeout =
      run({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(), "-t", topic("quiet"), "-W", "1"});
  EXPECT_EQ(timeout.status, 27);
  RunResult subscribed =
      run({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(), "-t", topic("quiet"), "-E"});
  EXPECT_EQ(subscribed.status, 0);
}

TEST_F(Cli, InteropBothWaysWithMosquittoTools) {
  std::string t = topic("interop");
  // mosquitto_pub -> mqtt sub
  Process sub({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-C", "3"});
  wait_subscribed(sub, t);
  EXPECT_EQ(run({tool("mosquitto_pub"), "-h", "127.0.0.1", "-p", port(), "-t", t, "-m",
                 "from mosquitto", "-q", "1"})
                .status,
            0);
  EXPECT_EQ(sub.wait(5000), 0);
  EXPECT_EQ(sub.out(), "ready\n\nfrom mosquitto\n");
  // mqtt pub -> mosquitto_sub (retained, so start order does not matter)
  std::string t2 = topic("interop2");
  EXPECT_EQ(run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", port(), "-t", t2, "-m", "from mqtt",
                 "-r", "-q", "2"})
                .status,
            0);
  RunResult got =
      run({tool("mosquitto_sub"), "-h", "127.0.0.1", "-p", port(), "-t", t2, "-C", "1", "-W", "5"});
  EXPECT_EQ(got.status, 0);
  EXPECT_EQ(got.out, "from mqtt\n");
  run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", port(), "-t", t2, "-n", "-r"});
}

TEST_F(Cli, RefusedCredentialsExitWithCode3) {
  std::string dir = make_temp_dir("mqtt-cli-auth");
  std::string file = dir + "/passwd";
  { std::ofstream(file).flush(); }
  ASSERT_EQ(run({tool("mosquitto_passwd"), "-b", file, "bob", "pw"}).status, 0);
  BrokerConfig config;
  config.password_file = file;
  Broker secured(config);
  ASSERT_TRUE(secured.running());
  std::string p = std::to_string(secured.port());
  RunResult refused = run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", p, "-u", "bob", "-P", "bad",
                           "-t", "x", "-m", "y"});
  EXPECT_EQ(refused.status, 3);
  EXPECT_NE(refused.err.find("not authorized"), std::string::npos) << refused.err;
  EXPECT_EQ(run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", p, "-u", "bob", "-P", "pw", "-t", "x",
                 "-m", "y"})
                .status,
            0);
  // The credentials in -L, as the README's example gives them.
  EXPECT_EQ(run({mqtt_cli(), "pub", "-L", "mqtt://bob:pw@127.0.0.1:" + p + "/x", "-m", "y"}).status,
            0);
  EXPECT_EQ(run({mqtt_cli(), "pub", "-L", "mqtt://bob:bad@127.0.0.1:" + p + "/x", "-m", "y"}).status,
            3);
  (void)!system(("rm -rf '" + dir + "'").c_str());
}

// Established TCP connections to 127.0.0.1:port seen from the connecting side (/proc/net/tcp):
// how a test knows a tool has connected to a frozen broker that will never answer it.
int connections_to(uint16_t port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // header
  int n = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    size_t colon = remote.find(':');
    if (colon == std::string::npos) continue;
    if (std::stoul(remote.substr(colon + 1), nullptr, 16) == port && state == "01") ++n;
  }
  return n;
}

TEST_F(Cli, FlagValuesOutOfRangeAndOrphanWillFlagsAreUsageErrors) {
  for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{
           {"-p", "0"},
           {"-p", "abc"},
           {"-k", "70000"},
           {"-V", "6"},
           {"--will-qos", "3", "--will-topic", "w"},
           {"--will-payload", "gone"},  // mosquitto_pub refuses it too: no silent drop
           {"--will-retain"},
           {"-L", "ws://127.0.0.1/t"},
           {"-q"},  // no value
           {"--no-such-flag"}}) {
    std::vector<std::string> argv = {mqtt_cli(), "pub", "-t", "a", "-m", "x"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    RunResult r = run(argv);
    EXPECT_EQ(r.status, 1) << extra[0];
    EXPECT_NE(r.err.find("--help"), std::string::npos) << extra[0] << ": " << r.err;
  }
  RunResult missing = run({mqtt_cli(), "pub", "-t", "a", "-f", "/no/such/file"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("/no/such/file"), std::string::npos) << missing.err;
}

TEST_F(Cli, DeadBrokerEndsSubToo) {
  RunResult down =
      run({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", std::to_string(free_port()), "-t", "x"});
  EXPECT_EQ(down.status, 2);
  EXPECT_NE(down.err.find("could not connect"), std::string::npos) << down.err;
}

// Ctrl-C: a subscriber ends with 0 (it was the way to stop it); a publisher whose message the
// broker never acknowledged ends with 130 and no misleading "client is closed" error.
TEST_F(Cli, CtrlCEndsSubWith0AndAnUndeliveredPubWith130) {
  std::string t = topic("sigint");
  Process sub({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(), "-t", t});
  wait_subscribed(sub, t);
  sub.kill(SIGINT);
  EXPECT_EQ(sub.wait(5000), 0);

  Broker frozen;
  ASSERT_TRUE(frozen.running());
  frozen.pause();  // connections are accepted by the kernel, never answered
  Process pub({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", std::to_string(frozen.port()), "-t", t,
               "-m", "never", "-q", "1"});
  Loop loop;
  EXPECT_TRUE(loop.run_until([&] { return connections_to(frozen.port()) == 1; }, 5000));
  pub.kill(SIGINT);
  EXPECT_EQ(pub.wait(5000), 130) << pub.err();
  EXPECT_EQ(pub.err().find("client is closed"), std::string::npos) << pub.err();
  frozen.resume();
}

// -c -i keeps the session (3.1.1), -V 5 -x its expiry: a QoS 1 message published while the
// subscriber is away is delivered when it returns. -D properties reach an MQTT 5 subscriber.
TEST_F(Cli, SessionsAndMqtt5Properties) {
  for (const std::vector<std::string>& session :
       std::vector<std::vector<std::string>>{{"-c"}, {"-c", "-V", "5", "-x", "60"}}) {
    std::string t = topic("session");
    std::string id = "cli-session-" + std::to_string(getpid()) + "-" + session.back();
    std::vector<std::string> first = {mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(),
                                      "-i",       id,    "-q", "1",         "-t", t};
    first.insert(first.end(), session.begin(), session.end());
    first.push_back("-E");
    ASSERT_EQ(run(first).status, 0);
    EXPECT_EQ(
        run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-m", "away", "-q", "1"})
            .status,
        0);
    std::vector<std::string> again = first;
    again.pop_back();  // -E
    for (const char* more : {"-C", "1", "-W", "10"}) again.push_back(more);
    RunResult back = run(again);
    EXPECT_EQ(back.status, 0) << session.back() << ": " << back.err;
    EXPECT_EQ(back.out, "away\n") << session.back();
  }

  std::string t = topic("properties");
  Loop loop;
  Options o = base_options(loop, broker_->port());
  o.protocol_version = 5;
  auto watcher = make_client(o);
  ASSERT_TRUE(loop.run_until([&] { return watcher->connected; }, 5000));
  ASSERT_TRUE(subscribe_and_wait(loop, *watcher, t, 1));
  RunResult pub = run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", port(), "-V", "5", "-t", t, "-m",
                       "with properties", "-q", "1", "-D", "publish", "user-property", "k", "v",
                       "-D", "publish", "content-type", "text/plain", "-D", "publish",
                       "message-expiry-interval", "600"});
  EXPECT_EQ(pub.status, 0) << pub.err;
  ASSERT_TRUE(loop.run_until([&] { return !watcher->messages.empty(); }, 5000));
  const Received& m = watcher->messages[0];
  EXPECT_EQ(m.payload, bytes("with properties"));
  EXPECT_EQ(m.user_properties, (std::vector<std::pair<std::string, std::string>>{{"k", "v"}}));
  EXPECT_EQ(m.content_type, "text/plain");
  EXPECT_TRUE(m.has_expiry);
  EXPECT_LE(m.expiry, 600u);
}

// -R skips what was retained before we subscribed; -d tells what happens on standard error.
TEST_F(Cli, SkipRetainedAndDebugOutput) {
  std::string t = topic("retained");
  ASSERT_EQ(
      run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-m", "old", "-r"}).status,
      0);
  Process sub({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-R", "-C", "1"});
  // Live messages until one arrives (the subscription may not be in place for the first).
  for (int i = 0; i < 100 && sub.out().empty(); ++i)
    ASSERT_EQ(run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-m", "live"})
                  .status,
              0);
  EXPECT_EQ(sub.wait(5000), 0);
  EXPECT_EQ(sub.out(), "live\n");
  run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-n", "-r"});

  RunResult debug =
      run({mqtt_cli(), "sub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-E", "-d", "-i", "dbg-id"});
  EXPECT_EQ(debug.status, 0);
  EXPECT_NE(debug.err.find("Connected as dbg-id"), std::string::npos) << debug.err;
  EXPECT_NE(debug.err.find("Subscribed to " + t), std::string::npos) << debug.err;
}

// A publish the broker refuses (MQTT 5, PUBACK 0x87 from an ACL): exit 4, and the reason said
// once (the request's failure, not again as an `error` event).
TEST_F(Cli, RefusedPublishExitsWith4AndSaysItOnce) {
  BrokerConfig config;
  config.acl = "topic readwrite open/#\n";
  Broker acl(config);
  ASSERT_TRUE(acl.running());
  const std::string p = std::to_string(acl.port());
  RunResult refused = run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", p, "-V", "5", "-t",
                           "closed/x", "-m", "y", "-q", "1"});
  EXPECT_EQ(refused.status, 4);
  EXPECT_NE(refused.err.find("0x87"), std::string::npos) << refused.err;
  size_t lines = 0;
  for (size_t at = refused.err.find("Error:"); at != std::string::npos;
       at = refused.err.find("Error:", at + 1))
    ++lines;
  EXPECT_EQ(lines, 1u) << refused.err;
  EXPECT_EQ(run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", p, "-V", "5", "-t", "open/x", "-m",
                 "y", "-q", "1"})
                .status,
            0);
}

// `mqtt sub | head -n 1`: once the reader is gone, the next message ends sub (status 0) and the
// pipeline finishes, as with mosquitto_sub (which SIGPIPE kills).
TEST_F(Cli, SubEndsWhenItsReaderGoesAway) {
  std::string t = topic("pipe");
  // `timeout`: when the test fails, sub does not outlive it (it is not the shell's child).
  Process pipeline({"/bin/sh", "-c",
                    "timeout 30 '" + mqtt_cli() + "' sub -h 127.0.0.1 -p " + port() + " -t " + t +
                        " | head -n 1"});
  int status = -1;
  for (int i = 0; i < 100 && status < 0; ++i) {
    run({mqtt_cli(), "pub", "-h", "127.0.0.1", "-p", port(), "-t", t, "-m", "m" + std::to_string(i)});
    status = pipeline.wait(100);
  }
  EXPECT_EQ(status, 0) << "the pipeline did not finish";
  EXPECT_EQ(pipeline.out().substr(0, 1), "m") << pipeline.out();
}

// `-l` from a pipe publishes each line as it comes (`tail -f log | mqtt pub -l`, as
// mosquitto_pub): the first line arrives while the writer still holds the pipe open; the end of
// input ends the run once every line is delivered.
TEST_F(Cli, PubLinesStreamFromAPipe) {
  std::string t = topic("stream");
  Loop loop;
  auto watcher = make_client(base_options(loop, broker_->port()));
  ASSERT_TRUE(loop.run_until([&] { return watcher->connected; }, 5000));
  ASSERT_TRUE(subscribe_and_wait(loop, *watcher, t, 1));
  std::string dir = make_temp_dir("mqtt-cli-fifo");
  std::string fifo = dir + "/lines";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  Process pub({"/bin/sh", "-c",
               "exec '" + mqtt_cli() + "' pub -h 127.0.0.1 -p " + port() + " -t " + t +
                   " -q 1 -l < '" + fifo + "'"});
  int writer = open(fifo.c_str(), O_WRONLY);  // waits for the tool to open it
  ASSERT_GE(writer, 0);
  ASSERT_EQ(write(writer, "first\nsec", 9), 9);
  EXPECT_TRUE(loop.run_until([&] { return watcher->messages.size() == 1; }, 5000))
      << "the first line was not published before the end of input";
  ASSERT_EQ(write(writer, "ond\nlast", 8), 8);  // the last line has no newline
  close(writer);
  EXPECT_EQ(pub.wait(5000), 0) << pub.err();
  ASSERT_TRUE(loop.run_until([&] { return watcher->messages.size() == 3; }, 5000));
  EXPECT_EQ(watcher->messages[0].payload, bytes("first"));
  EXPECT_EQ(watcher->messages[1].payload, bytes("second"));
  EXPECT_EQ(watcher->messages[2].payload, bytes("last"));
  // Input that cannot be watched is read at once: a file, /dev/null (nothing to send).
  std::ofstream(dir + "/file") << "from a file";
  RunResult file = run({"/bin/sh", "-c",
                        "'" + mqtt_cli() + "' pub -h 127.0.0.1 -p " + port() + " -t " + t +
                            " -l < '" + dir + "/file'"});
  EXPECT_EQ(file.status, 0) << file.err;
  ASSERT_TRUE(loop.run_until([&] { return watcher->messages.size() == 4; }, 5000));
  EXPECT_EQ(watcher->messages[3].payload, bytes("from a file"));
  RunResult none = run({"/bin/sh", "-c",
                        "'" + mqtt_cli() + "' pub -h 127.0.0.1 -p " + port() + " -t " + t +
                            " -l < /dev/null"},
                       "", 10000);
  EXPECT_EQ(none.status, 0) << none.err;
  (void)!system(("rm -rf '" + dir + "'").c_str());
}

}  // namespace
}  // namespace mqtt::test
