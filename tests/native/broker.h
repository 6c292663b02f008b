// A real Mosquitto for the integration tests: writes a mosquitto.conf into a fresh temporary
// folder, starts `mosquitto -c` on free 127.0.0.1 ports, waits until it accepts connections,
// and can kill -9, restart (same ports, same persistence), pause (SIGSTOP) and resume it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mqtt::test {

struct BrokerConfig {
  bool persistence = false;
  std::string password_file;  // set: allow_anonymous false
  // TLS listener (a second port) when all three are set.
  std::string cafile, certfile, keyfile;
  std::vector<std::string> extra;  // more lines for mosquitto.conf
  std::string acl;                 // set: these lines are the broker's acl_file
  bool ipv6 = false;               // also listen on [::1] (ipv6_port())
};

class Broker {
 public:
  explicit Broker(BrokerConfig config = {});
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  bool running() const { return pid_ > 0; }
  uint16_t port() const { return port_; }
  uint16_t tls_port() const { return tls_port_; }
  uint16_t ipv6_port() const { return ipv6_port_; }
  const std::string& dir() const { return dir_; }

  void kill9();    // SIGKILL and reap
  bool restart();  // start again on the same ports and files
  void pause();    // SIGSTOP
  void resume();   // SIGCONT
  void stop();     // SIGTERM and reap

 private:
  bool start();
  void write_config();

  BrokerConfig config_;
  std::string dir_;
  uint16_t port_ = 0;
  uint16_t tls_port_ = 0;
  uint16_t ipv6_port_ = 0;
  pid_t pid_ = -1;
};

// A free TCP port on 127.0.0.1 (bound and released; the broker takes it right after); 0 when
// none could be bound. free_port6: the same on [::1] (0 without IPv6).
uint16_t free_port();
uint16_t free_port6();
// True once something accepts TCP connections on 127.0.0.1:port (polls every 10 ms).
bool wait_for_port(uint16_t port, int timeout_ms, pid_t alive_pid = -1);
// A fresh temporary folder.
std::string make_temp_dir(const char* prefix);

// Runs a program to completion: exit status (or -1), its standard output, with `input` on stdin.
struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};
RunResult run(const std::vector<std::string>& argv, const std::string& input = "",
              int timeout_ms = 20000);

// A program running in the background; its standard output and error are collected.
class Process {
 public:
  explicit Process(const std::vector<std::string>& argv);
  ~Process();
  // Reads what the program printed so far (non-blocking) and returns all of it.
  const std::string& out();
  const std::string& err();
  // Waits for the exit status (reads the output meanwhile); -1 on timeout.
  int wait(int timeout_ms);
  void kill(int signal);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  int status_ = -2;
};

// Paths filled in by CMake.
std::string mqtt_cli();
std::string tool(
    const char* name);  // mosquitto, mosquitto_pub, mosquitto_sub, mosquitto_passwd, openssl

}  // namespace mqtt::test
