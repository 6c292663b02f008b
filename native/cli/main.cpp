// `mqtt pub` and `mqtt sub`: mosquitto_pub and mosquitto_sub on this project's client.
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "args.h"
#include "mqtt/client.h"

namespace mqtt::cli {
namespace {

volatile sig_atomic_t g_interrupted = 0;
Loop* g_loop = nullptr;

void on_signal(int) {
  g_interrupted = 1;
  if (g_loop) g_loop->stop();  // only sets a flag and writes to a pipe: safe in a handler
}

int exit_code_for_connect(ErrorCode code) {
  if (static_cast<int>(code) < static_cast<int>(ErrorCode::queue_full))
    return kUsage;  // invalid options
  switch (code) {
    case ErrorCode::connection_refused:
    case ErrorCode::not_authorized:
    case ErrorCode::auth_failed:
    case ErrorCode::server_disconnect:
      return kRefused;
    default:
      return kConnectFailed;
  }
}

bool read_all(std::istream& in, std::string& out) {
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return !in.bad();
}

// True when standard input is a pipe, socket or terminal: `-l` then publishes each line as it
// comes (`tail -f log | mqtt pub -l`), as mosquitto_pub does. Anything else (a file,
// /dev/null) is read at once: epoll cannot watch it.
bool stdin_is_a_stream() {
  struct stat st;
  if (fstat(0, &st) != 0) return false;
  return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || isatty(0);
}

class Runner final : private Loop::Timer, private Loop::Source {
 public:
  explicit Runner(Args& args) : args_(args) {}

  int run(const char* program) {
    (void)program;
    Loop loop;
    loop_ = &loop;
    g_loop = &loop;
    streaming_ = args_.pub && args_.source == Args::Source::stdin_lines && stdin_is_a_stream();
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);

    if (args_.pub && !load_messages()) return kUsage;
    Options& options = args_.options;
    options.loop = &loop;
    // Like mosquitto_pub: a publisher gives up when it cannot connect; a subscriber reconnects
    // after the connection is lost, but not when the first attempt fails.
    options.reconnect = !args_.pub;
    options.success = [this] { connected(); };
    options.fail = [this](const ErrorInfo& e) {
      if (finished_) return;  // the run ended (Ctrl-C) and close() failed the attempt
      std::fprintf(stderr, "Error: %s\n", e.message.c_str());
      finish(exit_code_for_connect(e.code));
    };
    client_ = createClient(options);
    if (!client_) return finished_ ? exit_ : kUsage;
    client_->on("disconnect", [this](const ErrorInfo& e) {
      if (args_.pub) {
        std::fprintf(stderr, "Error: %s\n", e.message.c_str());
        finish(kLost);
      } else if (args_.debug) {
        std::fprintf(stderr, "Connection lost (%s); reconnecting\n", e.message.c_str());
      }
    });
    client_->on("reconnect", [this] {
      if (args_.debug) std::fprintf(stderr, "Reconnected\n");
    });
    client_->on("error", [this](const ErrorInfo& e) {
      // A non-fatal error is a request's failure, which its fail callback reports already.
      if (!args_.quiet && error_is_fatal(e.code))
        std::fprintf(stderr, "Error: %s\n", e.message.c_str());
    });
    if (!args_.pub) {
      client_->on("message", [this](const std::string& topic, const std::vector<uint8_t>& message,
                                    const Message& info) { print(topic, message, info); });
    }
    if (args_.timeout_s > 0)
      loop.start_timer(this, loop.now_ms() + static_cast<uint64_t>(args_.timeout_s) * 1000u);
    while (!finished_ && !g_interrupted) loop.run_once(-1);
    // Ctrl-C ends a subscriber as intended; a publisher whose messages were not all delivered
    // says so by its status (close() below fails them silently). A streaming `-l` publisher
    // that delivered every line it read ends with 0.
    if (!finished_) finish(args_.pub && (pending_ > 0 || !connected_) ? kInterrupted : kOk);
    if (watching_stdin_) loop.remove_source(this);
    loop.stop_timer(this);
    if (client_) {
      client_->close();
      client_.reset();
    }
    // A QoS 0 publish succeeds once handed over; let the last bytes and the DISCONNECT leave.
    loop.run_until([&] { return loop.sources() == 0; }, 5000);
    g_loop = nullptr;
    return exit_;
  }

 private:
  // Standard input, watched once connected when `-l` streams it.
  int poll_fd() const override { return input_done_ ? -1 : 0; }
  short poll_events() const override { return POLLIN; }
  void on_poll(short) override {
    char buffer[4096];
    ssize_t n = read(0, buffer, sizeof buffer);  // ready: does not block
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n > 0) {
      partial_.append(buffer, static_cast<size_t>(n));
      size_t start = 0;
      for (size_t end; (end = partial_.find('\n', start)) != std::string::npos; start = end + 1)
        if (!publish_one(partial_.substr(start, end - start))) return;
      partial_.erase(0, start);
      return;
    }
    // End of input (or an error reading it): the last line may lack its newline.
    if (!partial_.empty() && !publish_one(partial_)) return;
    partial_.clear();
    input_done_ = true;
    maybe_done();
  }

  // --timeout: the whole run took too long.
  void on_timer() override {
    if (!args_.quiet) std::fprintf(stderr, "Timed out\n");
    finish(kTimeout);
  }

  bool load_messages() {
    switch (args_.source) {
      case Args::Source::message:
        messages_.push_back(args_.message);
        break;
      case Args::Source::null_message:
        messages_.emplace_back();
        break;
      case Args::Source::file: {
        std::ifstream in(args_.file, std::ios::binary);
        std::string data;
        if (!in || !read_all(in, data)) {
          std::fprintf(stderr, "Error: cannot read '%s': %s\n", args_.file.c_str(),
                       std::strerror(errno));
          return false;
        }
        messages_.push_back(std::move(data));
        break;
      }
      case Args::Source::stdin_all: {
        std::string data;
        std::cin.unsetf(std::ios::skipws);
        if (!read_all(std::cin, data)) return false;
        messages_.push_back(std::move(data));
        break;
      }
      case Args::Source::stdin_lines: {
        if (streaming_) break;  // read as it comes, once connected (on_poll)
        std::string line;
        while (std::getline(std::cin, line)) messages_.push_back(line);
        break;
      }
      case Args::Source::none:
        return false;
    }
    return true;
  }

  void connected() {
    connected_ = true;
    if (args_.debug)
      std::fprintf(stderr, "Connected as %s\n", client_ ? client_->client_id().c_str() : "?");
    if (args_.pub)
      publish_all();
    else
      subscribe_all();
  }

  void publish_all() {
    for (const std::string& m : messages_)
      if (!publish_one(m)) return;  // fail was called
    messages_.clear();
    if (streaming_) {
      watching_stdin_ = true;
      loop_->add_source(this);
      return;
    }
    input_done_ = true;
    maybe_done();
  }

  // Publishes one message (read before this returns); false when it was refused.
  bool publish_one(const std::string& m) {
    PublishOptions p;
    p.topic = args_.topics.front();
    p.message = m;
    p.qos = args_.qos;
    p.retain = args_.retain;
    p.user_properties = args_.user_properties;
    if (args_.message_expiry) p.properties.message_expiry_interval = args_.message_expiry;
    if (!args_.content_type.empty())
      p.properties.content_type = std::string_view(args_.content_type);
    if (!args_.response_topic.empty())
      p.properties.response_topic = std::string_view(args_.response_topic);
    p.success = [this] {
      --pending_;
      maybe_done();
    };
    p.fail = [this](const ErrorInfo& e) {
      --pending_;
      if (finished_) return;
      std::fprintf(stderr, "Error: publish failed: %s\n", e.message.c_str());
      finish(kRequestFailed);
    };
    ++pending_;
    return client_->publish(p) == 0;
  }

  void maybe_done() {
    if (input_done_ && pending_ == 0) finish(kOk);
  }

  void subscribe_all() {
    if (subscribed_once_) return;  // subscriptions are restored by the client after a reconnection
    subscribed_once_ = true;
    remaining_ = args_.topics.size();
    for (const std::string& t : args_.topics) {
      SubscribeOptions s;
      s.topic = t;
      s.qos = args_.qos;
      s.success = [this, t] {
        if (args_.debug) std::fprintf(stderr, "Subscribed to %s\n", t.c_str());
        if (--remaining_ == 0) {
          subscribed_ = true;
          if (args_.exit_after_subscribe) finish(kOk);
        }
      };
      s.fail = [this, t](const ErrorInfo& e) {
        if (finished_) return;
        std::fprintf(stderr, "Error: subscribe to '%s' failed: %s\n", t.c_str(), e.message.c_str());
        finish(kRequestFailed);
      };
      if (client_->subscribe(s) != 0) return;
    }
  }

  void print(const std::string& topic, const std::vector<uint8_t>& message, const Message& info) {
    if (finished_) return;
    if (args_.skip_retained && info.retain) return;
    if (args_.verbose) {
      std::fwrite(topic.data(), 1, topic.size(), stdout);
      std::fputc(' ', stdout);
    }
    std::fwrite(message.data(), 1, message.size(), stdout);
    if (!args_.no_newline) std::fputc('\n', stdout);
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      // SIGPIPE is ignored (sockets), so a reader that went away (`| head -1`) shows as EPIPE:
      // that ends the run as mosquitto_sub's death by SIGPIPE would, but with status 0.
      if (errno != EPIPE)
        std::fprintf(stderr, "Error: cannot write the output: %s\n", std::strerror(errno));
      return finish(errno == EPIPE ? kOk : kUsage);
    }
    if (args_.count > 0 && ++received_ >= args_.count) finish(kOk);
  }

  void finish(int code) {
    if (finished_) return;
    finished_ = true;
    exit_ = code;
  }

  Args& args_;
  Loop* loop_ = nullptr;
  std::shared_ptr<Client> client_;
  std::vector<std::string> messages_;
  size_t remaining_ = 0;      // sub: subscriptions not yet granted
  size_t pending_ = 0;        // pub: publishes not yet completed
  bool streaming_ = false;    // pub -l from a pipe or terminal: lines published as they come
  bool watching_stdin_ = false;
  bool input_done_ = false;   // pub: every message has been handed to the client
  bool connected_ = false;
  std::string partial_;       // pub -l: the line being read
  long received_ = 0;
  bool subscribed_ = false;
  bool subscribed_once_ = false;
  bool finished_ = false;
  int exit_ = kOk;
};

}  // namespace
}  // namespace mqtt::cli

int main(int argc, char** argv) {
  using namespace mqtt::cli;
  const char* program = "mqtt";
  if (argc < 2) {
    print_usage(program);
    return kUsage;
  }
  std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    print_help(true, program);
    std::printf("\n");
    print_help(false, program);
    return kOk;
  }
  if (command != "pub" && command != "sub") {
    std::fprintf(stderr, "%s: unknown command '%s'\n", program, command.c_str());
    print_usage(program);
    return kUsage;
  }
  bool pub = command == "pub";
  Args args;
  std::string error;
  bool help = false;
  if (parse_args(pub, argc - 2, argv + 2, args, error, help) != kOk) {
    std::fprintf(stderr, "%s %s: %s\n", program, command.c_str(), error.c_str());
    std::fprintf(stderr, "Use '%s %s --help' to see the options.\n", program, command.c_str());
    return kUsage;
  }
  if (help) {
    print_help(pub, program);
    return kOk;
  }
  return Runner(args).run(program);
}
