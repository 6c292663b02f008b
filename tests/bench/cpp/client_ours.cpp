// Our native client (mqtt::createClient) in the client benchmarks: one Loop run on the main
// thread (options.loop), so nothing crosses threads, which is how a busy program should use it.
#include <unistd.h>

#include "client_bench.h"
#include "mqtt/client.h"

namespace {

class Ours final : public bench::Adapter {
 public:
  const char* name() const override { return "ours"; }

  bool connect(const bench::Args& a, const std::string& id) override {
    mqtt::Options o;
    o.host = a.host;
    o.port = a.port;
    o.client_id = id;
    o.protocol_version = a.protocol;
    o.keepalive_interval = 60;
    o.reconnect = false;
    o.loop = &loop_;
    o.max_inflight = 65535;
    o.queue_max_messages = 1u << 20;
    o.queue_max_bytes = 1u << 30;
    bool connected = false, failed = false;
    o.success = [&] { connected = true; };
    o.fail = [&](const mqtt::ErrorInfo& e) {
      fprintf(stderr, "ours: %s\n", e.message.c_str());
      failed = true;
    };
    client_ = mqtt::createClient(o);
    if (!client_) return false;
    client_->on("message", mqtt::MessageListener([this](const std::string& topic, const std::vector<uint8_t>& m) {
      on_message(topic.c_str(), m.data(), m.size());
    }));
    client_->on("disconnect", mqtt::ErrorListener([this](const mqtt::ErrorInfo&) { lost = true; }));
    client_->on("close", mqtt::Listener([this] { lost = true; }));
    loop_.run_until([&] { return connected || failed; }, 10000);
    return connected;
  }

  bool subscribe(const std::string& topic, int qos) override {
    bool done = false, ok = false;
    client_->subscribe({topic, qos, [&] { done = ok = true; }, [&](const mqtt::ErrorInfo&) { done = true; }});
    loop_.run_until([&] { return done; }, 10000);
    return ok;
  }

  void publish(const std::string& topic, const uint8_t* data, size_t size, int qos) override {
    mqtt::PublishOptions p;
    p.topic = topic;
    p.message = mqtt::Payload(data, size);
    p.qos = qos;
    p.success = [this] { ++completed; };
    p.fail = [this](const mqtt::ErrorInfo&) { ++completed; };
    client_->publish(p);
  }

  void pump(int timeout_ms) override { loop_.run_once(timeout_ms); }

  void disconnect() override {
    if (client_) client_->close();
    loop_.run_once(0);
    client_.reset();
  }

 private:
  mqtt::Loop loop_;
  std::shared_ptr<mqtt::Client> client_;
};

}  // namespace

int main(int argc, char** argv) {
  auto args = bench::parse(argc, argv);
  Ours c;
  return bench::run(c, args);
}
