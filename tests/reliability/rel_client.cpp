// rel_client: one native MQTT client (mqtt::createClient on a Loop run by this thread), driven by
// line commands on stdin, reporting every event as one JSON object per line on stdout. The Node
// reliability suites (tests/reliability/*.test.mjs) run it behind the fault proxy, against the
// fake broker, against two bridged brokers, and in the soak.
//
//   rel_client --url mqtt://127.0.0.1:1883 [--server URL]... [--id ID] [--clean 0|1] [--version 4|5]
//              [--keepalive S] [--queue-max N] [--queue-bytes N] [--max-inflight N]
//              [--receive-max N] [--max-packet N] [--topic-alias-max N] [--reconnect-min MS]
//              [--reconnect-max MS] [--no-reconnect] [--connect-timeout MS] [--username U]
//              [--password P] [--cafile F] [--insecure] [--servername NAME] [--session-expiry S]
//              [--auth-method NAME] [--print-messages]
//
// Commands (one per line, fields separated by spaces):
//   sub TOPIC QOS                          -> {"ev":"suback",...}
//   pub TOPIC QOS PAYLOAD                  one publish, accounted under the tag "pub"
//   flow TAG TOPIC QOS COUNT WINDOW [SIZE] COUNT publishes "TAG-i" (padded to SIZE bytes), at most
//                                          WINDOW accepted and not completed at once; prints
//                                          {"ev":"flow_done",...} when every one has completed
//   burst TAG TOPIC QOS COUNT [SIZE [RETAIN]] COUNT publishes at once (no window), accounted under
//                                          TAG; RETAIN 1 sets the retain flag
//   onreconnect COMMAND...                 runs COMMAND inside the next reconnect listener (as an
//                                          application that publishes as soon as it is back)
//   report TAG                             -> {"ev":"report","tag":...,"accepted",...}
//   tally TOPIC                            -> {"ev":"tally","received","unique","duplicates"}
//                                          (each QoS 2 duplicate is also reported when it arrives:
//                                          {"ev":"duplicate","topic","payload","copy","dup",
//                                          "connection","at_ms","first_dup","first_connection",
//                                          "first_at_ms"}; connection counts from 1, +1 per
//                                          reconnect; at_ms is CLOCK_MONOTONIC)
//   missing TOPIC TAG COUNT                -> {"ev":"missing","count","indexes"}: "TAG-i" (SIZE 0)
//                                          that never arrived on TOPIC
//   failed TAG                             -> {"ev":"failed","indexes"}: publishes that failed
//   forget NAME                            drops the tally of topic NAME and the account of tag NAME
//   stats                                  -> {"ev":"stats","rss_kb","queued","inflight","state"}
//   close                                  client.close()
//   exit                                   leaves (also at the end of stdin)
//
// Accounting per tag: accepted (publish returned 0), rejected (by code name), success, fail (by
// code name), double (a request completed more than once: must stay 0), outstanding.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "mqtt/client.h"

namespace {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

void emit(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string error_fields(const mqtt::ErrorInfo& e) {
  return "\"code\":" + json_string(e.name()) + ",\"value\":" + std::to_string(e.value()) +
         ",\"message\":" + json_string(e.message) + ",\"reason_code\":" + std::to_string(e.reason_code);
}

long rss_kb() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return -1;
  long pages = 0, resident = 0;
  int n = std::fscanf(f, "%ld %ld", &pages, &resident);
  std::fclose(f);
  return n == 2 ? resident * (sysconf(_SC_PAGESIZE) / 1024) : -1;
}

const char* state_name(mqtt::State s) {
  switch (s) {
    case mqtt::State::idle: return "idle";
    case mqtt::State::connecting: return "connecting";
    case mqtt::State::connected: return "connected";
    case mqtt::State::waiting: return "waiting";
    case mqtt::State::closed: return "closed";
  }
  return "?";
}

std::string counts_json(const std::map<std::string, long>& m) {
  std::string out = "{";
  for (auto& [k, v] : m) {
    if (out.size() > 1) out += ",";
    out += json_string(k) + ":" + std::to_string(v);
  }
  return out + "}";
}

struct Account {
  long accepted = 0, success = 0, fail = 0, doubled = 0;
  std::map<std::string, long> rejected, fail_codes;
  std::vector<uint8_t> completions;  // per index: how many times it completed
  std::vector<long> failed;          // indexes that completed with fail
  long outstanding() const { return accepted - success - fail; }
};

struct Flow {
  std::string tag, topic;
  int qos = 0;
  long count = 0, next = 0, window = 1;
  size_t size = 0;
  bool done = false;
};

// Where and how the first copy of a message arrived: a duplicate's report compares the two.
struct Seen {
  int copies = 0;
  long connection = 0;  // 1 = the first connection, +1 per reconnection
  bool dup = false;     // the DUP flag of the first copy
  long long at_ms = 0;  // steady clock (CLOCK_MONOTONIC, as Node's process.hrtime)
};

struct Tally {
  long received = 0;
  std::unordered_map<std::string, Seen> seen;
  long duplicates = 0;
};

long long monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class Driver final : public mqtt::Loop::Source {
 public:
  explicit Driver(mqtt::Loop& loop) : loop_(loop) {}

  bool start(mqtt::Options options, bool print_messages) {
    print_messages_ = print_messages;
    options.loop = &loop_;
    options.success = [] { emit("{\"ev\":\"success\"}"); };
    options.fail = [](const mqtt::ErrorInfo& e) { emit("{\"ev\":\"fail\"," + error_fields(e) + "}"); };
    client_ = mqtt::createClient(options);
    if (!client_) {
      emit("{\"ev\":\"create_failed\"}");
      return false;
    }
    client_->on("connect", [this] {
      connection_ = 1;
      emit("{\"ev\":\"connect\"}");
    });
    client_->on("reconnect", [this] {
      ++connection_;
      emit("{\"ev\":\"reconnect\",\"connection\":" + std::to_string(connection_) + "}");
      std::vector<std::string> now;
      now.swap(on_reconnect_);
      for (const std::string& c : now) command(c);
    });
    client_->on("close", [this] {
      closed_ = true;
      emit("{\"ev\":\"close\"}");
    });
    client_->on("disconnect", [](const mqtt::ErrorInfo& e) { emit("{\"ev\":\"disconnect\"," + error_fields(e) + "}"); });
    client_->on("error", [](const mqtt::ErrorInfo& e) { emit("{\"ev\":\"error\"," + error_fields(e) + "}"); });
    client_->on("message", [this](const std::string& topic, const std::vector<uint8_t>& payload, const mqtt::Message& info) {
      std::string text(payload.begin(), payload.end());
      Tally& t = tallies_[topic];
      ++t.received;
      Seen& seen = t.seen[text];
      long long now = monotonic_ms();
      if (seen.copies++ == 0) {
        seen = Seen{1, connection_, info.dup, now};
      } else {
        ++t.duplicates;
        // QoS 2 must never arrive twice: say which copies, so the suite can tell whose fault it is.
        if (info.qos == 2) {
          emit("{\"ev\":\"duplicate\",\"topic\":" + json_string(topic) + ",\"payload\":" + json_string(text) +
               ",\"copy\":" + std::to_string(seen.copies) + ",\"dup\":" + (info.dup ? "true" : "false") +
               ",\"connection\":" + std::to_string(connection_) + ",\"at_ms\":" + std::to_string(now) +
               ",\"first_dup\":" + (seen.dup ? "true" : "false") + ",\"first_connection\":" +
               std::to_string(seen.connection) + ",\"first_at_ms\":" + std::to_string(seen.at_ms) + "}");
        }
      }
      if (print_messages_) {
        emit("{\"ev\":\"message\",\"topic\":" + json_string(topic) + ",\"payload\":" + json_string(text) +
             ",\"qos\":" + std::to_string(info.qos) + ",\"dup\":" + (info.dup ? "true" : "false") + "}");
      }
    });
    loop_.add_source(this);
    return true;
  }

  bool running() const { return !exit_; }

  int poll_fd() const override { return stdin_open_ ? 0 : -1; }
  short poll_events() const override { return POLLIN_; }
  void on_poll(short) override {
    char buf[4096];
    ssize_t n = ::read(0, buf, sizeof buf);
    if (n <= 0) {
      stdin_open_ = false;
      exit_ = true;
      return;
    }
    input_.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = input_.find('\n')) != std::string::npos) {
      std::string line = input_.substr(0, nl);
      input_.erase(0, nl + 1);
      command(line);
    }
  }

  static constexpr short POLLIN_ = 0x001;

 private:
  std::string payload_for(const std::string& tag, long i, size_t size) {
    std::string p = tag + "-" + std::to_string(i);
    if (p.size() < size) p.append(size - p.size(), 'x');
    return p;
  }

  // One publish under the accounting of `tag`; index i identifies the request.
  void publish(const std::string& tag, const std::string& topic, int qos, long i, const std::string& payload,
               Flow* flow, bool retain = false) {
    Account& a = accounts_[tag];
    if (a.completions.size() <= static_cast<size_t>(i)) a.completions.resize(static_cast<size_t>(i) + 1, 0);
    auto in_call = std::make_shared<bool>(true);
    auto completed = [this, tag, i, in_call, flow_tag = flow ? flow->tag : std::string()](bool ok,
                                                                                        const mqtt::ErrorInfo* e) {
      // A refused request gets its fail callback during publish(): that is a refusal, counted
      // from the return value below, not a completion.
      if (*in_call && !ok) return;
      Account& acc = accounts_[tag];
      uint8_t& c = acc.completions[static_cast<size_t>(i)];
      if (c++ > 0) ++acc.doubled;
      if (ok) {
        ++acc.success;
      } else {
        ++acc.fail;
        ++acc.fail_codes[std::string(e->name())];
        acc.failed.push_back(i);
      }
      if (!flow_tag.empty()) pump(flow_tag);
    };
    mqtt::PublishOptions p(topic, payload, qos, [completed] { completed(true, nullptr); },
                           [completed](const mqtt::ErrorInfo& e) { completed(false, &e); });
    p.retain = retain;
    int rc = client_->publish(p);
    *in_call = false;
    if (rc == 0) {
      ++a.accepted;
    } else {
      ++a.rejected[std::string(mqtt::error_name(static_cast<mqtt::ErrorCode>(rc)))];
    }
  }

  void pump(const std::string& tag) {
    auto it = flows_.find(tag);
    if (it == flows_.end() || it->second.done || pumping_) return;
    pumping_ = true;
    Flow& f = it->second;
    Account& a = accounts_[tag];
    while (f.next < f.count && a.outstanding() < f.window) {
      long i = f.next++;
      publish(tag, f.topic, f.qos, i, payload_for(tag, i, f.size), &f);
    }
    if (f.next == f.count && a.outstanding() == 0) {
      f.done = true;
      emit("{\"ev\":\"flow_done\",\"tag\":" + json_string(tag) + "}");
    }
    pumping_ = false;
  }

  std::string report(const std::string& tag) {
    Account& a = accounts_[tag];
    return "{\"ev\":\"report\",\"tag\":" + json_string(tag) + ",\"accepted\":" + std::to_string(a.accepted) +
           ",\"rejected\":" + counts_json(a.rejected) + ",\"success\":" + std::to_string(a.success) +
           ",\"fail\":" + std::to_string(a.fail) + ",\"fail_codes\":" + counts_json(a.fail_codes) +
           ",\"double\":" + std::to_string(a.doubled) + ",\"outstanding\":" + std::to_string(a.outstanding()) + "}";
  }

  void command(const std::string& line) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    if (cmd.empty()) return;
    if (cmd == "sub") {
      std::string topic;
      int qos = 0;
      in >> topic >> qos;
      mqtt::SubscribeOptions s(
          topic, qos, [topic] { emit("{\"ev\":\"suback\",\"topic\":" + json_string(topic) + ",\"ok\":true}"); },
          [topic](const mqtt::ErrorInfo& e) {
            emit("{\"ev\":\"suback\",\"topic\":" + json_string(topic) + ",\"ok\":false," + error_fields(e) + "}");
          });
      client_->subscribe(s);
    } else if (cmd == "pub") {
      std::string topic, payload;
      int qos = 0;
      in >> topic >> qos >> payload;
      publish("pub", topic, qos, pub_index_++, payload, nullptr);
    } else if (cmd == "flow") {
      Flow f;
      in >> f.tag >> f.topic >> f.qos >> f.count >> f.window;
      if (!(in >> f.size)) f.size = 0;
      if (f.window < 1) f.window = 1;
      accounts_[f.tag].completions.assign(static_cast<size_t>(f.count), 0);
      std::string tag = f.tag;
      flows_[tag] = f;
      pump(tag);
    } else if (cmd == "burst") {
      std::string tag, topic;
      int qos = 0;
      long count = 0;
      size_t size = 0;
      int retain = 0;
      in >> tag >> topic >> qos >> count;
      if (!(in >> size)) size = 0;
      if (!(in >> retain)) retain = 0;
      long& base = burst_index_[tag];
      for (long k = 0; k < count; ++k, ++base)
        publish(tag, topic, qos, base, payload_for(tag, base, size), nullptr, retain != 0);
      emit("{\"ev\":\"burst_done\",\"tag\":" + json_string(tag) + "}");
    } else if (cmd == "onreconnect") {
      std::string rest;
      std::getline(in >> std::ws, rest);
      on_reconnect_.push_back(rest);
    } else if (cmd == "report") {
      std::string tag;
      in >> tag;
      emit(report(tag));
    } else if (cmd == "tally") {
      std::string topic;
      in >> topic;
      Tally& t = tallies_[topic];
      emit("{\"ev\":\"tally\",\"topic\":" + json_string(topic) + ",\"received\":" + std::to_string(t.received) +
           ",\"unique\":" + std::to_string(t.seen.size()) + ",\"duplicates\":" + std::to_string(t.duplicates) + "}");
    } else if (cmd == "missing") {
      // missing TOPIC TAG COUNT: which of "TAG-0".."TAG-(COUNT-1)" never arrived on TOPIC.
      std::string topic, tag;
      long count = 0;
      in >> topic >> tag >> count;
      Tally& t = tallies_[topic];
      std::string list;
      long n = 0;
      for (long i = 0; i < count; ++i) {
        if (t.seen.count(tag + "-" + std::to_string(i))) continue;
        if (n++ > 0) list += ",";
        list += std::to_string(i);
      }
      emit("{\"ev\":\"missing\",\"topic\":" + json_string(topic) + ",\"count\":" + std::to_string(n) +
           ",\"indexes\":[" + list + "]}");
    } else if (cmd == "failed") {
      // failed TAG: the indexes whose publish completed with fail.
      std::string tag;
      in >> tag;
      std::string list;
      for (long i : accounts_[tag].failed) list += (list.empty() ? "" : ",") + std::to_string(i);
      emit("{\"ev\":\"failed\",\"tag\":" + json_string(tag) + ",\"indexes\":[" + list + "]}");
    } else if (cmd == "forget") {
      // forget TOPIC|TAG: drop a tally or an account (long runs keep memory flat).
      std::string name;
      in >> name;
      tallies_.erase(name);
      accounts_.erase(name);
      flows_.erase(name);
      emit("{\"ev\":\"forgotten\",\"name\":" + json_string(name) + "}");
    } else if (cmd == "stats") {
      emit("{\"ev\":\"stats\",\"rss_kb\":" + std::to_string(rss_kb()) + ",\"queued\":" +
           std::to_string(client_->queued()) + ",\"inflight\":" + std::to_string(client_->inflight()) +
           ",\"state\":\"" + state_name(client_->state()) + "\"}");
    } else if (cmd == "close") {
      int rc = client_->close();
      emit("{\"ev\":\"close_called\",\"rc\":" + std::to_string(rc) + "}");
    } else if (cmd == "exit") {
      exit_ = true;
    } else {
      emit("{\"ev\":\"bad_command\",\"line\":" + json_string(line) + "}");
    }
  }

  mqtt::Loop& loop_;
  std::shared_ptr<mqtt::Client> client_;
  bool print_messages_ = false;
  bool stdin_open_ = true;
  bool exit_ = false;
  bool closed_ = false;
  bool pumping_ = false;
  long pub_index_ = 0;
  long connection_ = 0;
  std::string input_;
  std::vector<std::string> on_reconnect_;
  std::map<std::string, Account> accounts_;
  std::map<std::string, Flow> flows_;
  std::map<std::string, long> burst_index_;
  std::map<std::string, Tally> tallies_;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "rel_client: %s (see the comment at the top of rel_client.cpp)\n", why);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  mqtt::Options o;
  bool print_messages = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    auto number = [&]() { return std::strtoul(value().c_str(), nullptr, 10); };
    if (a == "--url") o.url = value();
    else if (a == "--server") o.servers.push_back(value());
    else if (a == "--id") o.client_id = value();
    else if (a == "--clean") o.clean = number() != 0;
    else if (a == "--version") o.protocol_version = static_cast<int>(number());
    else if (a == "--keepalive") o.keepalive_interval = static_cast<long>(number());
    else if (a == "--session-expiry") o.session_expiry_interval = static_cast<uint32_t>(number());
    else if (a == "--queue-max") o.queue_max_messages = static_cast<uint32_t>(number());
    else if (a == "--queue-bytes") o.queue_max_bytes = static_cast<uint32_t>(number());
    else if (a == "--max-inflight") o.max_inflight = static_cast<uint32_t>(number());
    else if (a == "--receive-max") o.receive_maximum = static_cast<uint32_t>(number());
    else if (a == "--max-packet") o.max_packet_size = static_cast<uint32_t>(number());
    else if (a == "--topic-alias-max") o.topic_alias_maximum = static_cast<uint32_t>(number());
    else if (a == "--reconnect-min") o.reconnect_min_ms = static_cast<uint32_t>(number());
    else if (a == "--reconnect-max") o.reconnect_max_ms = static_cast<uint32_t>(number());
    else if (a == "--no-reconnect") o.reconnect = false;
    else if (a == "--connect-timeout") o.connect_timeout_ms = static_cast<uint32_t>(number());
    else if (a == "--username") o.username = value();
    else if (a == "--password") o.password = value();
    else if (a == "--cafile") o.tls.ca_file = value();
    else if (a == "--insecure") o.tls.verify = false;
    else if (a == "--servername") o.tls.servername = value();
    else if (a == "--auth-method") o.authentication_method = value();
    else if (a == "--print-messages") print_messages = true;
    else usage(("unknown option " + a).c_str());
  }
  mqtt::Loop loop;
  auto driver = std::make_unique<Driver>(loop);
  if (!driver->start(o, print_messages)) return 3;
  emit("{\"ev\":\"ready\",\"pid\":" + std::to_string(getpid()) + "}");
  while (driver->running()) loop.run_once(1000);
  return 0;
}
