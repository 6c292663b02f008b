#include "broker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace mqtt::test {

namespace {

uint64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000u + static_cast<uint64_t>(ts.tv_nsec) / 1000000u;
}

void sleep_ms(int ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, nullptr);
}

pid_t spawn(const std::vector<std::string>& argv, int stdin_fd, int stdout_fd, int stderr_fd) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    // Brokers and tools die with the test, even when it is killed outright (ctest's timeout).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    if (stdin_fd >= 0) dup2(stdin_fd, 0);
    if (stdout_fd >= 0) dup2(stdout_fd, 1);
    if (stderr_fd >= 0) dup2(stderr_fd, 2);
    for (int fd = 3; fd < 256; ++fd) close(fd);
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid;
}

bool reap(pid_t pid, int timeout_ms, int& status) {
  uint64_t deadline = now_ms() + static_cast<uint64_t>(timeout_ms);
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r < 0) return false;
    if (now_ms() >= deadline) return false;
    sleep_ms(5);
  }
}

int exit_status(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

std::string make_temp_dir(const char* prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  char* dir = mkdtemp(buffer.data());
  return dir ? dir : "";
}

uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

uint16_t free_port6() {
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return 0;
  }
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin6_port);
}

bool wait_for_port(uint16_t port, int timeout_ms, pid_t alive_pid) {
  uint64_t deadline = now_ms() + static_cast<uint64_t>(timeout_ms);
  while (now_ms() < deadline) {
    if (alive_pid > 0 && waitpid(alive_pid, nullptr, WNOHANG) == alive_pid) return false;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    int rc = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    close(fd);
    if (rc == 0) return true;
    sleep_ms(10);
  }
  return false;
}

Broker::Broker(BrokerConfig config) : config_(std::move(config)) {
  dir_ = make_temp_dir("native-test-broker");
  for (int attempt = 0; attempt < 5 && pid_ < 0; ++attempt) {
    port_ = free_port();
    tls_port_ = config_.cafile.empty() ? 0 : free_port();
    ipv6_port_ = config_.ipv6 ? free_port6() : 0;
    write_config();
    if (!start()) pid_ = -1;
  }
}

Broker::~Broker() {
  if (pid_ > 0) {
    ::kill(pid_, SIGCONT);
    stop();
  }
  std::string command = "rm -rf '" + dir_ + "'";
  // MQTT_TEST_KEEP_BROKER=1 keeps the folder (configuration, log, persistence) for a post-mortem.
  if (!dir_.empty() && !std::getenv("MQTT_TEST_KEEP_BROKER")) (void)!std::system(command.c_str());
}

void Broker::write_config() {
  std::ofstream conf(dir_ + "/mosquitto.conf");
  if (geteuid() == 0) conf << "user root\n";
  conf << "log_dest file " << dir_ << "/mosquitto.log\n";
  conf << "log_type all\n";
  conf << "per_listener_settings false\n";
  conf << "listener " << port_ << " 127.0.0.1\n";
  if (!config_.password_file.empty()) {
    conf << "allow_anonymous false\n";
    conf << "password_file " << config_.password_file << "\n";
  } else {
    conf << "allow_anonymous true\n";
  }
  if (config_.persistence) {
    conf << "persistence true\n";
    conf << "persistence_location " << dir_ << "/\n";
    // Save after every change: a kill -9 then loses as little as the broker can.
    conf << "autosave_on_changes true\nautosave_interval 1\n";
    // No broker-side drops while sessions refill after a restart (else PUBACK says "quota
    // exceeded" to 5.0 clients and nothing at all to 3.1.1 ones).
    conf << "max_queued_messages 0\nmax_inflight_messages 0\n";
  }
  if (tls_port_) {
    conf << "listener " << tls_port_ << " 127.0.0.1\n";
    conf << "cafile " << config_.cafile << "\n";
    conf << "certfile " << config_.certfile << "\n";
    conf << "keyfile " << config_.keyfile << "\n";
  }
  if (ipv6_port_) conf << "listener " << ipv6_port_ << " ::1\n";
  if (!config_.acl.empty()) {
    std::ofstream(dir_ + "/acl") << config_.acl;
    conf << "acl_file " << dir_ << "/acl\n";
  }
  for (auto& line : config_.extra) conf << line << "\n";
}

bool Broker::start() {
  int devnull = open("/dev/null", O_RDWR);
  pid_ = spawn({tool("mosquitto"), "-c", dir_ + "/mosquitto.conf"}, devnull, devnull, devnull);
  close(devnull);
  if (pid_ <= 0) return false;
  bool up =
      wait_for_port(port_, 5000, pid_) && (!tls_port_ || wait_for_port(tls_port_, 5000, pid_));
  if (!up) {
    ::kill(pid_, SIGKILL);
    int status;
    reap(pid_, 1000, status);
    pid_ = -1;
  }
  return up;
}

void Broker::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status;
  reap(pid_, 5000, status);
  pid_ = -1;
}

bool Broker::restart() {
  if (pid_ > 0) kill9();
  // The old listening sockets are gone with the process; the ports are ours again.
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (start()) return true;
    sleep_ms(20);
  }
  return false;
}

void Broker::pause() {
  if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

void Broker::resume() {
  if (pid_ > 0) ::kill(pid_, SIGCONT);
}

void Broker::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status;
  if (!reap(pid_, 3000, status)) {
    ::kill(pid_, SIGKILL);
    reap(pid_, 3000, status);
  }
  pid_ = -1;
}

RunResult run(const std::vector<std::string>& argv, const std::string& input, int timeout_ms) {
  RunResult result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) return result;
  pid_t pid = spawn(argv, in_pipe[0], out_pipe[1], err_pipe[1]);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  signal(SIGPIPE, SIG_IGN);
  if (!input.empty()) (void)!write(in_pipe[1], input.data(), input.size());
  close(in_pipe[1]);
  uint64_t deadline = now_ms() + static_cast<uint64_t>(timeout_ms);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0 && now_ms() < deadline) {
    if (poll(fds, 2, 50) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !fds[i].revents) continue;
      char buffer[4096];
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  int left = static_cast<int>(deadline > now_ms() ? deadline - now_ms() : 0);
  if (reap(pid, left + 100, status)) {
    result.status = exit_status(status);
  } else {
    ::kill(pid, SIGKILL);
    reap(pid, 1000, status);
    result.status = -1;
  }
  return result;
}

Process::Process(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe)) return;
  if (pipe(err_pipe)) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return;
  }
  int devnull = open("/dev/null", O_RDWR);
  pid_ = spawn(argv, devnull, out_pipe[1], err_pipe[1]);
  close(devnull);
  close(out_pipe[1]);
  close(err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  fcntl(out_fd_, F_SETFL, O_NONBLOCK);
  fcntl(err_fd_, F_SETFL, O_NONBLOCK);
}

Process::~Process() {
  if (status_ == -2 && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status;
    reap(pid_, 2000, status);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

const std::string& Process::out() {
  char buffer[4096];
  ssize_t n;
  while (out_fd_ >= 0 && (n = read(out_fd_, buffer, sizeof buffer)) > 0)
    out_.append(buffer, static_cast<size_t>(n));
  // Standard error is drained too, so a chatty program never blocks on a full pipe.
  while (err_fd_ >= 0 && (n = read(err_fd_, buffer, sizeof buffer)) > 0)
    err_.append(buffer, static_cast<size_t>(n));
  return out_;
}

const std::string& Process::err() {
  out();
  return err_;
}

int Process::wait(int timeout_ms) {
  if (status_ != -2) return status_;
  uint64_t deadline = now_ms() + static_cast<uint64_t>(timeout_ms);
  for (;;) {
    out();
    int status;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      out();
      status_ = exit_status(status);
      return status_;
    }
    if (now_ms() >= deadline) return -1;
    sleep_ms(5);
  }
}

void Process::kill(int signal) {
  if (pid_ > 0 && status_ == -2) ::kill(pid_, signal);
}

std::string mqtt_cli() { return MQTT_CLI_PATH; }

std::string tool(const char* name) {
  std::string n = name;
  if (n == "mosquitto") return MOSQUITTO_PATH;
  return n;  // on PATH
}

}  // namespace mqtt::test
