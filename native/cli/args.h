// Command line of `mqtt pub` and `mqtt sub`: the flags of mosquitto_pub and mosquitto_sub.
#pragma once

#include <string>
#include <vector>

#include "mqtt/client.h"

namespace mqtt::cli {

// Exit codes (also in --help).
enum Exit : int {
  kOk = 0,
  kUsage = 1,          // bad command line
  kConnectFailed = 2,  // could not reach the broker (network, DNS, TLS, timeout)
  kRefused = 3,        // the broker refused the connection (credentials, client id, ...)
  kRequestFailed = 4,  // a publish or subscribe failed or was refused
  kLost = 5,           // connection lost and not recovered (pub)
  kTimeout = 27,       // sub -W: the time ran out (the value mosquitto_sub uses)
  kInterrupted = 130,  // pub: Ctrl-C (SIGINT) or SIGTERM before every message was delivered
};

struct Args {
  bool pub = true;
  Options options;
  std::vector<std::string> topics;
  // pub
  enum class Source {
    none,
    message,
    file,
    stdin_all,
    stdin_lines,
    null_message
  } source = Source::none;
  std::string message;
  std::string file;
  int qos = 0;
  bool retain = false;
  std::vector<OwnedUserProperty> user_properties;
  uint32_t message_expiry = 0;
  std::string content_type;
  std::string response_topic;
  // sub
  long count = 0;                     // -C: exit after this many messages (0: never)
  bool verbose = false;               // -v: topic before the payload
  bool no_newline = false;            // -N
  bool skip_retained = false;         // -R
  bool exit_after_subscribe = false;  // -E
  long timeout_s = 0;                 // -W
  bool debug = false;                 // -d
  bool quiet = false;                 // --quiet
};

// Fills `args` from argv (after the `pub`/`sub` word). Returns kOk, or kUsage with `error` set;
// `help` is set when --help was given.
int parse_args(bool pub, int argc, char** argv, Args& args, std::string& error, bool& help);
void print_help(bool pub, const char* program);
void print_usage(const char* program);

}  // namespace mqtt::cli
