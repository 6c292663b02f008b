// libmosquitto in the client benchmarks, driven the way that costs it least: no thread of its
// own (mosquitto_loop() called from the main thread).
#include <mosquitto.h>
#include <unistd.h>

#include "client_bench.h"

namespace {

class Mosq final : public bench::Adapter {
 public:
  Mosq() { mosquitto_lib_init(); }
  ~Mosq() override {
    if (m_) mosquitto_destroy(m_);
    mosquitto_lib_cleanup();
  }
  const char* name() const override { return "libmosquitto"; }

  bool connect(const bench::Args& a, const std::string& id) override {
    m_ = mosquitto_new(id.c_str(), true, this);
    if (a.protocol == 5) mosquitto_int_option(m_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_int_option(m_, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_max_inflight_messages_set(m_, 0);  // unlimited (the window bounds it)
    mosquitto_connect_callback_set(m_, [](mosquitto*, void* self, int rc) {
      static_cast<Mosq*>(self)->connected_ = rc == 0 ? 1 : -1;
    });
    mosquitto_disconnect_callback_set(m_, [](mosquitto*, void* self, int) { static_cast<Mosq*>(self)->lost = true; });
    mosquitto_subscribe_callback_set(m_, [](mosquitto*, void* self, int, int, const int*) {
      static_cast<Mosq*>(self)->subscribed_ = true;
    });
    mosquitto_publish_callback_set(m_, [](mosquitto*, void* self, int) { ++static_cast<Mosq*>(self)->completed; });
    mosquitto_message_callback_set(m_, [](mosquitto*, void* self, const mosquitto_message* msg) {
      static_cast<Mosq*>(self)->on_message(msg->topic, static_cast<const uint8_t*>(msg->payload),
                                           size_t(msg->payloadlen));
    });
    if (mosquitto_connect(m_, a.host.c_str(), a.port, 60) != MOSQ_ERR_SUCCESS) return false;
    bench::wait_for(*this, [&] { return connected_ != 0 || lost; }, 10);
    return connected_ == 1;
  }

  bool subscribe(const std::string& topic, int qos) override {
    subscribed_ = false;
    if (mosquitto_subscribe(m_, nullptr, topic.c_str(), qos) != MOSQ_ERR_SUCCESS) return false;
    return bench::wait_for(*this, [&] { return subscribed_; }, 10);
  }

  void publish(const std::string& topic, const uint8_t* data, size_t size, int qos) override {
    if (mosquitto_publish(m_, nullptr, topic.c_str(), int(size), data, qos, false) != MOSQ_ERR_SUCCESS) ++completed;
  }

  void pump(int timeout_ms) override {
    if (lost) return;
    int rc = mosquitto_loop(m_, timeout_ms, 1);
    if (rc != MOSQ_ERR_SUCCESS) lost = true;
  }

  void disconnect() override {
    mosquitto_disconnect(m_);
    mosquitto_loop(m_, 0, 1);
  }

 private:
  mosquitto* m_ = nullptr;
  int connected_ = 0;
  bool subscribed_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  auto args = bench::parse(argc, argv);
  Mosq c;
  return bench::run(c, args);
}
