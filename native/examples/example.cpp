// The C++ API in a few lines: connect, subscribe, publish to ourselves, print, close.
//   example_cpp [host] [port]
#include <cstdio>
#include <string>

#include "mqtt/client.h"

int main(int argc, char** argv) {
  mqtt::Loop loop;  // our own loop on this thread (leave options.loop unset for a background one)
  mqtt::Options options;
  options.host = argc > 1 ? argv[1] : "127.0.0.1";
  options.port = argc > 2 ? std::stoi(argv[2]) : 1883;
  options.loop = &loop;
  options.fail = [&](const mqtt::ErrorInfo& e) {
    std::fprintf(stderr, "could not connect: %s\n", e.message.c_str());
    loop.stop();
  };
  std::shared_ptr<mqtt::Client> client;
  options.success = [&] {
    client->subscribe({"example/greeting", 1, [&] {
                         client->publish({"example/greeting", "hello from C++", 1});
                       }});
  };
  client = mqtt::createClient(options);
  if (!client) return 1;
  client->on("message", [&](const std::string& topic, const std::vector<uint8_t>& message) {
    std::printf("%s: %.*s\n", topic.c_str(), static_cast<int>(message.size()),
                reinterpret_cast<const char*>(message.data()));
    client->close();
  });
  client->on("close", [&] { loop.stop(); });
  loop.run();
  return 0;
}
