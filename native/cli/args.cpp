#include "args.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mqtt::cli {

namespace {

bool parse_long(const std::string& text, long low, long high, long& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long value = std::strtol(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || value < low || value > high) return false;
  out = value;
  return true;
}

// -L mqtt(s)://[user[:password]@]host[:port]/topic
bool parse_url_arg(const std::string& url, Args& args, std::string& error) {
  std::string rest;
  if (url.rfind("mqtt://", 0) == 0) {
    rest = url.substr(7);
    args.options.protocol = Scheme::mqtt;
  } else if (url.rfind("mqtts://", 0) == 0) {
    rest = url.substr(8);
    args.options.protocol = Scheme::mqtts;
  } else {
    error = "-L: the URL must start with mqtt:// or mqtts://";
    return false;
  }
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos && slash + 1 < rest.size())
    args.topics.push_back(rest.substr(slash + 1));
  size_t at = authority.rfind('@');
  if (at != std::string::npos) {
    std::string credentials = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = credentials.find(':');
    args.options.username = credentials.substr(0, colon);
    if (colon != std::string::npos) args.options.password = credentials.substr(colon + 1);
  }
  std::string host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) {
      error = "-L: unterminated IPv6 address";
      return false;
    }
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      port = authority.substr(close + 2);
  } else if (size_t colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) {
    error = "-L: the URL names no host";
    return false;
  }
  args.options.host = host;
  if (!port.empty()) {
    long value;
    if (!parse_long(port, 1, 65535, value)) {
      error = "-L: invalid port '" + port + "'";
      return false;
    }
    args.options.port = static_cast<int>(value);
  }
  return true;
}

}  // namespace

int parse_args(bool pub, int argc, char** argv, Args& args, std::string& error, bool& help) {
  args.pub = pub;
  help = false;
  bool tls = false;
  bool clean = true;
  WillOptions will;
  bool has_will = false;
  std::string will_detail;  // a --will-* flag that needs --will-topic
  for (int i = 0; i < argc; ++i) {
    std::string flag = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        error = "option " + flag + " needs a value";
        return false;
      }
      out = argv[++i];
      return true;
    };
    auto number = [&](long low, long high, long& out) {
      std::string text;
      if (!value(text)) return false;
      if (!parse_long(text, low, high, out)) {
        error = "option " + flag + ": '" + text + "' is not a number from " + std::to_string(low) +
                " to " + std::to_string(high);
        return false;
      }
      return true;
    };
    std::string text;
    long n = 0;
    if (flag == "--help") {
      help = true;
      return kOk;
    } else if (flag == "-h" || flag == "--host") {
      if (!value(args.options.host)) return kUsage;
    } else if (flag == "-p" || flag == "--port") {
      if (!number(1, 65535, n)) return kUsage;
      args.options.port = static_cast<int>(n);
    } else if (flag == "-t" || flag == "--topic") {
      if (!value(text)) return kUsage;
      args.topics.push_back(text);
    } else if (flag == "-i" || flag == "--id") {
      if (!value(args.options.client_id)) return kUsage;
    } else if (flag == "-u" || flag == "--username") {
      if (!value(text)) return kUsage;
      args.options.username = text;
    } else if (flag == "-P" || flag == "--pw") {
      if (!value(text)) return kUsage;
      args.options.password = text;
    } else if (flag == "-k" || flag == "--keepalive") {
      if (!number(0, 65535, n)) return kUsage;
      args.options.keepalive_interval = n;
    } else if (flag == "-q" || flag == "--qos") {
      if (!number(0, 2, n)) return kUsage;
      args.qos = static_cast<int>(n);
    } else if (flag == "-V" || flag == "--protocol-version") {
      if (!value(text)) return kUsage;
      if (text == "311" || text == "mqttv311" || text == "4")
        args.options.protocol_version = 4;
      else if (text == "5" || text == "mqttv5")
        args.options.protocol_version = 5;
      else {
        error = "-V: use 311 (mqttv311) or 5 (mqttv5)";
        return kUsage;
      }
    } else if (flag == "-L" || flag == "--url") {
      if (!value(text) || !parse_url_arg(text, args, error)) return kUsage;
    } else if (flag == "--cafile") {
      if (!value(args.options.tls.ca_file)) return kUsage;
      tls = true;
    } else if (flag == "--cert") {
      if (!value(args.options.tls.cert_file)) return kUsage;
      tls = true;
    } else if (flag == "--key") {
      if (!value(args.options.tls.key_file)) return kUsage;
    } else if (flag == "--insecure") {
      args.options.tls.verify = false;
    } else if (flag == "--tls") {
      tls = true;
    } else if (flag == "--servername") {
      if (!value(args.options.tls.servername)) return kUsage;
    } else if (flag == "-c" || flag == "--disable-clean-session") {
      clean = false;
    } else if (flag == "-x" || flag == "--session-expiry-interval") {
      if (!number(0, 4294967295L, n)) return kUsage;
      args.options.session_expiry_interval = static_cast<uint32_t>(n);
    } else if (flag == "--will-topic") {
      if (!value(will.topic)) return kUsage;
      has_will = true;
    } else if (flag == "--will-payload") {
      if (!value(text)) return kUsage;
      will.payload.assign(text.begin(), text.end());
      will_detail = flag;
    } else if (flag == "--will-qos") {
      if (!number(0, 2, n)) return kUsage;
      will.qos = static_cast<int>(n);
      will_detail = flag;
    } else if (flag == "--will-retain") {
      will.retain = true;
      will_detail = flag;
    } else if (flag == "-d" || flag == "--debug") {
      args.debug = true;
    } else if (flag == "--quiet") {
      args.quiet = true;
    } else if (pub && (flag == "-m" || flag == "--message")) {
      if (!value(args.message)) return kUsage;
      args.source = Args::Source::message;
    } else if (pub && (flag == "-f" || flag == "--file")) {
      if (!value(args.file)) return kUsage;
      args.source = Args::Source::file;
    } else if (pub && (flag == "-s" || flag == "--stdin-file")) {
      args.source = Args::Source::stdin_all;
    } else if (pub && (flag == "-l" || flag == "--stdin-line")) {
      args.source = Args::Source::stdin_lines;
    } else if (pub && (flag == "-n" || flag == "--null-message")) {
      args.source = Args::Source::null_message;
    } else if (pub && (flag == "-r" || flag == "--retain")) {
      args.retain = true;
    } else if (pub && flag == "-D") {
      // -D publish <property> <value...>, as mosquitto_pub.
      std::string command, property;
      if (!value(command) || !value(property)) return kUsage;
      if (command != "publish" && command != "PUBLISH") {
        error = "-D: only 'publish' properties are supported";
        return kUsage;
      }
      if (property == "user-property") {
        OwnedUserProperty p;
        if (!value(p.key) || !value(p.value)) return kUsage;
        args.user_properties.push_back(p);
      } else if (property == "message-expiry-interval") {
        if (!number(0, 4294967295L, n)) return kUsage;
        args.message_expiry = static_cast<uint32_t>(n);
      } else if (property == "content-type") {
        if (!value(args.content_type)) return kUsage;
      } else if (property == "response-topic") {
        if (!value(args.response_topic)) return kUsage;
      } else {
        error = "-D publish: unsupported property '" + property + "'";
        return kUsage;
      }
    } else if (!pub && (flag == "-C" || flag == "--count")) {
      if (!number(1, 1000000000L, n)) return kUsage;
      args.count = n;
    } else if (!pub && (flag == "-v" || flag == "--verbose")) {
      args.verbose = true;
    } else if (!pub && (flag == "-N")) {
      args.no_newline = true;
    } else if (!pub && (flag == "-R")) {
      args.skip_retained = true;
    } else if (!pub && (flag == "-E")) {
      args.exit_after_subscribe = true;
    } else if (!pub && (flag == "-W")) {
      if (!number(1, 86400, n)) return kUsage;
      args.timeout_s = n;
    } else {
      error = "unknown option '" + flag + "'";
      return kUsage;
    }
  }
  if (args.options.host.empty() && args.options.url.empty()) args.options.host = "localhost";
  if (tls) args.options.protocol = Scheme::mqtts;
  args.options.clean = clean;
  if (has_will) args.options.will = will;
  if (!has_will && !will_detail.empty()) {
    error = will_detail + " needs --will-topic";  // as mosquitto_pub: not ignored silently
    return kUsage;
  }
  if (args.topics.empty()) {
    error = pub ? "a topic is required (-t)" : "at least one topic filter is required (-t)";
    return kUsage;
  }
  for (const std::string& t : args.topics) {
    ErrorCode rc = pub ? validate_topic_name(t) : validate_topic_filter(t);
    if (rc != ErrorCode::ok) {
      error = "'" + t + "': " + std::string(error_message(rc));
      return kUsage;
    }
  }
  if (pub && args.topics.size() > 1) {
    error = "pub takes one topic";
    return kUsage;
  }
  if (pub && args.source == Args::Source::none) {
    error = "a message is required (-m, -f, -s, -l or -n)";
    return kUsage;
  }
  if (!clean && args.options.client_id.empty()) {
    error = "-c (keep the session) needs a client id (-i)";
    return kUsage;
  }
  return kOk;
}

void print_usage(const char* program) {
  std::fprintf(stderr, "usage: %s pub|sub [options]   (%s pub --help, %s sub --help)\n", program,
               program, program);
}

void print_help(bool pub, const char* program) {
  std::printf("%s %s: %s\n\n", program, pub ? "pub" : "sub",
              pub ? "publish one message (or one per line of input) and exit"
                  : "subscribe and print the messages that arrive");
  std::printf(
      "Connection:\n"
      "  -h HOST            broker host name or address (default localhost)\n"
      "  -p PORT            broker port (default 1883, 8883 with TLS)\n"
      "  -L URL             mqtt(s)://[user[:password]@]host[:port]/topic\n"
      "  -i ID              client id (default: generated)\n"
      "  -u USER, -P PASS   user name and password\n"
      "  -k SECONDS         keep-alive (default 60, 0: off)\n"
      "  -V 311|5           protocol version: MQTT 3.1.1 (default) or 5.0\n"
      "  -c                 keep the session (clean session off; needs -i)\n"
      "  -x SECONDS         MQTT 5 session expiry interval\n"
      "  --will-topic T --will-payload P --will-qos Q --will-retain   last will\n"
      "TLS (mqtts):\n"
      "  --cafile FILE      trusted CA certificates (PEM); turns TLS on\n"
      "  --cert FILE --key FILE   client certificate and key\n"
      "  --tls              TLS with the system's CA store\n"
      "  --servername NAME  name to verify and send as SNI (default: the host)\n"
      "  --insecure         do not verify the broker's certificate or host name\n");
  if (pub) {
    std::printf(
        "Message:\n"
        "  -t TOPIC           topic to publish to (required)\n"
        "  -m TEXT            the message\n"
        "  -f FILE            the contents of FILE as the message\n"
        "  -s                 all of standard input as one message\n"
        "  -l                 one message per line of standard input, each sent as it comes\n"
        "  -n                 an empty (zero-length) message\n"
        "  -q 0|1|2           QoS (default 0)\n"
        "  -r                 retain\n"
        "  -D publish user-property KEY VALUE | message-expiry-interval S |\n"
        "     content-type T | response-topic T          MQTT 5 properties\n"
        "  -d                 print what happens on standard error\n"
        "  --quiet            do not print error events on standard error\n");
  } else {
    std::printf(
        "Subscription:\n"
        "  -t FILTER          topic filter (required, may repeat)\n"
        "  -q 0|1|2           QoS (default 0)\n"
        "  -C N               exit after N messages\n"
        "  -v                 print the topic, a space, then the payload\n"
        "  -N                 no newline after each payload\n"
        "  -R                 skip retained messages that were stored before we subscribed\n"
        "  -E                 exit once subscribed\n"
        "  -W SECONDS         stop after SECONDS with exit code 27 (as mosquitto_sub), unless\n"
        "                     the -C count was reached first\n"
        "  -d                 print what happens on standard error\n"
        "  --quiet            do not print error events nor 'Timed out' on standard error\n");
  }
  std::printf(
      "\nExit codes: 0 success, 1 bad command line, 2 could not connect (network, DNS, TLS),\n"
      "3 refused by the broker, 4 a publish or subscribe failed, 5 connection lost%s.\n",
      pub ? ", 130 interrupted (Ctrl-C) before every message was delivered"
          : ", 27 timeout (-W); Ctrl-C ends it with 0");
  if (pub) {
    std::printf(
        "\nExamples:\n"
        "  %s pub -h 127.0.0.1 -t sensors/temp -m 21.5\n"
        "  %s pub -t config/led -m on -q 1 -r\n"
        "  %s pub -t firmware/blob -f image.bin -q 2\n"
        "  %s pub -L mqtts://user:secret@broker.local:8883/alerts --cafile ca.pem -m hello\n"
        "  printf 'a\\nb\\n' | %s pub -t lines -l\n",
        program, program, program, program, program);
  } else {
    std::printf(
        "\nExamples:\n"
        "  %s sub -h 127.0.0.1 -t 'sensors/#' -v\n"
        "  %s sub -t config/led -C 1                # print the retained value and exit\n"
        "  %s sub -t a -t b -q 1 -V 5 -v\n"
        "  %s sub -p 8883 --cafile ca.pem -t alerts\n",
        program, program, program, program);
  }
}

}  // namespace mqtt::cli
