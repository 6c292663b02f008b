// Eclipse Paho C (MQTTAsync) in the client benchmarks. MQTTAsync runs its own send and receive
// threads and calls back on them; the main thread waits on a condition variable.
#include <MQTTAsync.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>

#include "client_bench.h"

namespace {

class Paho final : public bench::Adapter {
 public:
  ~Paho() override {
    if (c_) MQTTAsync_destroy(&c_);
  }
  const char* name() const override { return "paho-c"; }

  bool connect(const bench::Args& a, const std::string& id) override {
    std::string uri = "tcp://" + a.host + ":" + std::to_string(a.port);
    MQTTAsync_createOptions co = MQTTAsync_createOptions_initializer;
    co.sendWhileDisconnected = 0;
    co.maxBufferedMessages = 1 << 20;  // default 100 also caps commands queued while connected
    if (a.protocol == 5) co.MQTTVersion = MQTTVERSION_5;
    if (MQTTAsync_createWithOptions(&c_, uri.c_str(), id.c_str(), MQTTCLIENT_PERSISTENCE_NONE, nullptr, &co) !=
        MQTTASYNC_SUCCESS)
      return false;
    MQTTAsync_setCallbacks(c_, this, &Paho::connection_lost, &Paho::message_arrived, nullptr);
    MQTTAsync_connectOptions o = MQTTAsync_connectOptions_initializer;
    if (a.protocol == 5) {
      MQTTAsync_connectOptions o5 = MQTTAsync_connectOptions_initializer5;
      o = o5;
    }
    o.keepAliveInterval = 60;
    o.cleansession = a.protocol == 5 ? 0 : 1;
    o.cleanstart = a.protocol == 5 ? 1 : 0;
    o.maxInflight = 65535;
    o.context = this;
    o.onSuccess = [](void* self, MQTTAsync_successData*) { static_cast<Paho*>(self)->set_connected( 1); };
    o.onFailure = [](void* self, MQTTAsync_failureData*) { static_cast<Paho*>(self)->set_connected( -1); };
    o.onSuccess5 = nullptr;
    o.onFailure5 = nullptr;
    if (a.protocol == 5) {
      o.onSuccess = nullptr;
      o.onFailure = nullptr;
      o.onSuccess5 = [](void* self, MQTTAsync_successData5*) { static_cast<Paho*>(self)->set_connected( 1); };
      o.onFailure5 = [](void* self, MQTTAsync_failureData5*) { static_cast<Paho*>(self)->set_connected( -1); };
    }
    if (MQTTAsync_connect(c_, &o) != MQTTASYNC_SUCCESS) return false;
    bench::wait_for(*this, [&] { return connected_ != 0; }, 10);
    return connected_ == 1;
  }

  bool subscribe(const std::string& topic, int qos) override {
    MQTTAsync_responseOptions r = MQTTAsync_responseOptions_initializer;
    r.context = this;
    r.onSuccess = [](void* self, MQTTAsync_successData*) { static_cast<Paho*>(self)->set_subscribed( 1); };
    r.onFailure = [](void* self, MQTTAsync_failureData*) { static_cast<Paho*>(self)->set_subscribed( -1); };
    if (MQTTAsync_subscribe(c_, topic.c_str(), qos, &r) != MQTTASYNC_SUCCESS) return false;
    bench::wait_for(*this, [&] { return subscribed_ != 0; }, 10);
    return subscribed_ == 1;
  }

  void publish(const std::string& topic, const uint8_t* data, size_t size, int qos) override {
    MQTTAsync_responseOptions r = MQTTAsync_responseOptions_initializer;
    r.context = this;
    r.onSuccess = [](void* self, MQTTAsync_successData*) { static_cast<Paho*>(self)->done(); };
    r.onFailure = [](void* self, MQTTAsync_failureData*) { static_cast<Paho*>(self)->done(); };
    MQTTAsync_message m = MQTTAsync_message_initializer;
    m.payload = const_cast<uint8_t*>(data);
    m.payloadlen = int(size);
    m.qos = qos;
    int rc = MQTTAsync_sendMessage(c_, topic.c_str(), &m, &r);
    if (rc != MQTTASYNC_SUCCESS) {
      if (rc != last_rc_) fprintf(stderr, "paho-c: MQTTAsync_sendMessage: %d\n", rc), last_rc_ = rc;
      done();
    }
  }

  void pump(int timeout_ms) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (events_ == seen_ && timeout_ms > 0) cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms));
    seen_ = events_;
  }

  void disconnect() override {
    MQTTAsync_disconnectOptions d = MQTTAsync_disconnectOptions_initializer;
    d.timeout = 1000;
    MQTTAsync_disconnect(c_, &d);
    usleep(20000);
  }

 private:
  void notify() {
    ++events_;
    cv_.notify_one();
  }
  void flag(int& what, int value) {
    std::lock_guard<std::mutex> lock(mu_);
    what = value;
    notify();
  }
  void set_connected(int v) { flag(connected_, v); }
  void set_subscribed(int v) { flag(subscribed_, v); }
  void done() {
    std::lock_guard<std::mutex> lock(mu_);
    ++completed;
    notify();
  }
  static void connection_lost(void* self, char*) {
    auto* p = static_cast<Paho*>(self);
    std::lock_guard<std::mutex> lock(p->mu_);
    p->lost = true;
    p->notify();
  }
  static int message_arrived(void* self, char* topic, int, MQTTAsync_message* m) {
    auto* p = static_cast<Paho*>(self);
    {
      std::lock_guard<std::mutex> lock(p->mu_);
      p->on_message(topic, static_cast<const uint8_t*>(m->payload), size_t(m->payloadlen));
      p->notify();
    }
    MQTTAsync_freeMessage(&m);
    MQTTAsync_free(topic);
    return 1;
  }

  MQTTAsync c_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t events_ = 0, seen_ = 0;
  int connected_ = 0, subscribed_ = 0, last_rc_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  auto args = bench::parse(argc, argv);
  Paho c;
  return bench::run(c, args);
}
