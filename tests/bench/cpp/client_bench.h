// What every client benchmark program shares: the modes, written once over a small Adapter that
// each library implements (client_ours.cpp, client_mosquitto.cpp, client_paho.cpp).
//
//   <program> --mode recv --port P --count N              a blaster streams N QoS 0 messages
//   <program> --mode pub  --port P --count N [--payload B] publish N QoS 0 messages into a sink
//   <program> --mode e2e  --port P --count N --qos Q --payload B
//                                                          through a real broker: one connection
//                                                          subscribes to a topic and publishes N
//                                                          messages to it (window of W unfinished:
//                                                          not yet completed or not yet back)
//   <program> --mode rtt  --port P --count N --qos Q       publish one, wait for it, N times
//
// Prints one line "RESULT {json}": seconds, messages, CPU seconds of the whole process
// (getrusage: every thread, user + system) over the measured interval, latency percentiles.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace bench {

struct Args {
  std::string mode = "recv";
  std::string host = "127.0.0.1";
  int port = 1883;
  uint64_t count = 100000;
  size_t payload = 64;
  int qos = 0;
  uint64_t window = 1000;
  int timeout_s = 120;
  int protocol = 4;
};

inline Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--mode") a.mode = v;
    else if (k == "--host") a.host = v;
    else if (k == "--port") a.port = atoi(v.c_str());
    else if (k == "--count") a.count = strtoull(v.c_str(), nullptr, 10);
    else if (k == "--payload") a.payload = strtoul(v.c_str(), nullptr, 10);
    else if (k == "--qos") a.qos = atoi(v.c_str());
    else if (k == "--window") a.window = strtoull(v.c_str(), nullptr, 10);
    else if (k == "--timeout") a.timeout_s = atoi(v.c_str());
    else if (k == "--protocol") a.protocol = atoi(v.c_str());
    else {
      fprintf(stderr, "unknown option %s\n", k.c_str());
      exit(2);
    }
  }
  return a;
}

inline double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline double cpu_s() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

// One library's client, driven from the main thread.
class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual const char* name() const = 0;
  // Blocking: true once connected / once the broker granted the subscription.
  virtual bool connect(const Args& args, const std::string& client_id) = 0;
  virtual bool subscribe(const std::string& topic, int qos) = 0;
  // Non-blocking; calls done() when the library reports the publish finished (written for QoS 0,
  // PUBACK for 1, PUBCOMP for 2).
  virtual void publish(const std::string& topic, const uint8_t* data, size_t size, int qos) = 0;
  // Handles what is ready, waiting at most timeout_ms for something to happen.
  virtual void pump(int timeout_ms) = 0;
  virtual void disconnect() = 0;

  // Set by the modes; called by the adapters (possibly on a library thread: keep them cheap).
  std::function<void(const char* topic, const uint8_t* data, size_t size)> on_message;
  volatile uint64_t completed = 0;  // written by one thread, read by the main thread
  volatile bool lost = false;       // the connection ended (the sink closes it when done)
};

inline std::string result_json(const char* lib, const Args& a, uint64_t messages, double seconds, double cpu,
                               const std::vector<double>& lat_ms) {
  char buf[1024];
  double p50 = 0, p99 = 0, pmax = 0;
  if (!lat_ms.empty()) {
    std::vector<double> s = lat_ms;
    std::sort(s.begin(), s.end());
    p50 = s[s.size() / 2];
    p99 = s[std::min(s.size() - 1, size_t(s.size() * 0.99))];
    pmax = s.back();
  }
  snprintf(buf, sizeof buf,
           "{\"lib\":\"%s\",\"mode\":\"%s\",\"qos\":%d,\"payload\":%zu,\"count\":%llu,\"messages\":%llu,"
           "\"seconds\":%.6f,\"cpu_s\":%.6f,\"msgs_per_s\":%.1f,\"cpu_us_per_msg\":%.4f,"
           "\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"max_ms\":%.4f}",
           lib, a.mode.c_str(), a.qos, a.payload, (unsigned long long)a.count, (unsigned long long)messages,
           seconds, cpu, seconds > 0 ? messages / seconds : 0.0, messages ? cpu * 1e6 / messages : 0.0, p50, p99,
           pmax);
  return buf;
}

inline bool wait_for(Adapter& c, const std::function<bool()>& done, double timeout_s) {
  double deadline = now_s() + timeout_s;
  while (!done()) {
    if (now_s() > deadline) return false;
    c.pump(5);
  }
  return true;
}

inline int run(Adapter& c, const Args& a) {
  std::vector<uint8_t> payload(a.payload);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = uint8_t('A' + i % 26);
  char id[64];
  snprintf(id, sizeof id, "bench-%s-%d", c.name(), int(getpid()));
  if (!c.connect(a, id)) {
    fprintf(stderr, "%s: could not connect to %s:%d\n", c.name(), a.host.c_str(), a.port);
    return 1;
  }
  uint64_t received = 0;
  double t_first = 0, t_last = 0, cpu_first = 0;
  std::vector<double> lat;

  if (a.mode == "recv") {
    c.on_message = [&](const char*, const uint8_t*, size_t) {
      // The clock is read only at the first and the last message: reading it per message would
      // cost as much as some clients' whole message handling.
      if (received++ == 0) t_first = now_s(), cpu_first = cpu_s();
      if (received == a.count) t_last = now_s();
    };
    if (!c.subscribe("bench/blast", 0)) return 1;
    bool ok = wait_for(c, [&] { return received >= a.count || c.lost; }, a.timeout_s);
    double cpu = cpu_s() - cpu_first;
    if (received < a.count) t_last = now_s();
    // The first message starts the clock, so N-1 messages arrived in the interval.
    printf("RESULT %s\n", result_json(c.name(), a, received - 1, t_last - t_first, cpu, lat).c_str());
    c.disconnect();
    return ok && received >= a.count ? 0 : 1;
  }

  if (a.mode == "pub") {
    double t0 = now_s(), cpu0 = cpu_s();
    uint64_t sent = 0;
    while (!c.lost) {
      // At most `window` unfinished, and at most `window` per turn of the event loop (a client
      // that finishes QoS 0 publishes at once must still get to write them).
      for (uint64_t k = 0; k < a.window && sent < a.count && sent - c.completed < a.window && !c.lost; ++k) {
        c.publish("bench/sink", payload.data(), payload.size(), 0);
        ++sent;
      }
      c.pump(sent < a.count && sent - c.completed < a.window ? 0 : 5);
      if (now_s() - t0 > a.timeout_s) break;
    }
    double t1 = now_s(), cpu = cpu_s() - cpu0;
    printf("RESULT %s\n", result_json(c.name(), a, sent, t1 - t0, cpu, lat).c_str());
    return c.lost ? 0 : 1;  // the sink closes the connection after the last message
  }

  std::string topic = std::string("bench/") + id;
  if (!c.subscribe(topic, a.qos)) return 1;

  if (a.mode == "e2e") {
    c.on_message = [&](const char*, const uint8_t*, size_t) {
      ++received;
      t_last = now_s();
    };
    double t0 = now_s(), cpu0 = cpu_s();
    uint64_t sent = 0;
    double idle_since = now_s();
    uint64_t last_seen = 0;
    // A message is unfinished until its publish completed and it came back: the libraries call
    // a QoS 0 publish complete at different points (ours when the engine hands it over,
    // libmosquitto once its socket took it), so completion alone let some queue every message.
    auto room = [&] {
      uint64_t completed = c.completed;
      return sent - std::min(completed, received) < a.window;
    };
    while (received < a.count && !c.lost) {
      for (uint64_t k = 0; k < a.window && sent < a.count && room(); ++k) {
        c.publish(topic, payload.data(), payload.size(), a.qos);
        ++sent;
      }
      c.pump(sent < a.count && room() ? 0 : 5);
      if (received != last_seen) last_seen = received, idle_since = now_s();
      if (now_s() - idle_since > 5 || now_s() - t0 > a.timeout_s) break;  // messages lost: report it
    }
    double cpu = cpu_s() - cpu0;
    printf("RESULT %s\n", result_json(c.name(), a, received, t_last - t0, cpu, lat).c_str());
    c.disconnect();
    return received == a.count ? 0 : 1;
  }

  if (a.mode == "rtt") {
    double sent_at = 0;
    bool got = false;
    c.on_message = [&](const char*, const uint8_t*, size_t) {
      lat.push_back((now_s() - sent_at) * 1e3);
      got = true;
    };
    // Warm-up: a few rounds that are not counted.
    for (int i = 0; i < 20; ++i) {
      got = false;
      sent_at = now_s();
      c.publish(topic, payload.data(), payload.size(), a.qos);
      if (!wait_for(c, [&] { return got; }, 10)) return 1;
    }
    lat.clear();
    double t0 = now_s(), cpu0 = cpu_s();
    for (uint64_t i = 0; i < a.count; ++i) {
      if (now_s() - t0 > 20) break;  // a client with 40 ms round trips: enough rounds for p99
      got = false;
      sent_at = now_s();
      c.publish(topic, payload.data(), payload.size(), a.qos);
      if (!wait_for(c, [&] { return got; }, 10)) break;
    }
    double cpu = cpu_s() - cpu0;
    printf("RESULT %s\n", result_json(c.name(), a, lat.size(), now_s() - t0, cpu, lat).c_str());
    c.disconnect();
    return lat.size() >= std::min<uint64_t>(a.count, 100) ? 0 : 1;
  }
  fprintf(stderr, "unknown mode %s\n", a.mode.c_str());
  return 2;
}

}  // namespace bench
