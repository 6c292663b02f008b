// A fake broker that costs as little as possible, so a benchmark measures the client alone.
//
//   blaster --mode blast --count N [--payload 64] [--port P]
//   blaster --mode sink  --count N [--port P]
//
// Listens on 127.0.0.1 (port 0: the kernel picks one), prints "PORT <n>" on stdout, then serves
// one client at a time, over plain TCP or WebSocket (detected from the first bytes: "GET ").
// It answers CONNECT with CONNACK (3.1.1 or 5.0, as the CONNECT asked), SUBSCRIBE with SUBACK,
// PINGREQ with PINGRESP, and:
//   blast: after the first SUBACK, streams `count` QoS 0 PUBLISH packets (topic "bench/blast",
//          `payload` bytes) as fast as the socket drains. The packets are encoded once; each
//          write hands the kernel a 64 KiB chunk of them (one WebSocket frame per chunk).
//   sink:  counts the PUBLISH packets it receives (answering PUBACK / PUBREC+PUBCOMP so any QoS
//          works) and closes the connection after the `count`-th: the client's signal that
//          everything arrived. Prints "SINK <count> <seconds from first to last>".
// Ends after serving --clients clients (default 1; 0: forever).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

struct Args {
  std::string mode = "blast";
  uint64_t count = 1000000;
  size_t payload = 64;
  int port = 0;
  int clients = 1;
};

double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

[[noreturn]] void die(const char* what) {
  fprintf(stderr, "blaster: %s: %s\n", what, strerror(errno));
  exit(1);
}

void put_varint(std::vector<uint8_t>& out, size_t n) {
  do {
    uint8_t b = n % 128;
    n /= 128;
    if (n) b |= 0x80;
    out.push_back(b);
  } while (n);
}

std::vector<uint8_t> publish_packet(const std::string& topic, size_t payload) {
  std::vector<uint8_t> p{0x30};
  put_varint(p, 2 + topic.size() + payload);
  p.push_back(uint8_t(topic.size() >> 8));
  p.push_back(uint8_t(topic.size()));
  p.insert(p.end(), topic.begin(), topic.end());
  for (size_t i = 0; i < payload; ++i) p.push_back(uint8_t('a' + i % 26));
  return p;
}

std::string base64(const uint8_t* d, size_t n) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = d[i] << 16 | (i + 1 < n ? d[i + 1] << 8 : 0) | (i + 2 < n ? d[i + 2] : 0);
    s += t[v >> 18 & 63];
    s += t[v >> 12 & 63];
    s += i + 1 < n ? t[v >> 6 & 63] : '=';
    s += i + 2 < n ? t[v & 63] : '=';
  }
  return s;
}

// WebSocket frame header for a server-to-client binary frame (never masked).
void ws_header(std::vector<uint8_t>& out, size_t len) {
  out.push_back(0x82);
  if (len < 126) {
    out.push_back(uint8_t(len));
  } else if (len < 65536) {
    out.push_back(126);
    out.push_back(uint8_t(len >> 8));
    out.push_back(uint8_t(len));
  } else {
    out.push_back(127);
    for (int i = 7; i >= 0; --i) out.push_back(uint8_t(uint64_t(len) >> (8 * i)));
  }
}

class Session {
 public:
  Session(int fd, const Args& args) : fd_(fd), args_(args) {}

  // Returns false when the connection is over.
  bool on_readable() {
    uint8_t buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    raw_.insert(raw_.end(), buf, buf + n);
    if (!handshaken_) {
      if (raw_.size() < 4) return true;
      if (memcmp(raw_.data(), "GET ", 4) != 0) {
        handshaken_ = true;  // plain MQTT over TCP
      } else {
        std::string text(raw_.begin(), raw_.end());
        size_t end = text.find("\r\n\r\n");
        if (end == std::string::npos) return true;
        if (!ws_handshake(text.substr(0, end))) return false;
        raw_.erase(raw_.begin(), raw_.begin() + end + 4);
        ws_ = handshaken_ = true;
      }
    }
    if (ws_) {
      if (!unframe()) return false;
    } else {
      mqtt_.insert(mqtt_.end(), raw_.begin(), raw_.end());
      raw_.clear();
    }
    return packets();
  }

  bool wants_write() const { return !out_.empty() || (streaming_ && sent_ < args_.count); }

  bool on_writable() {
    if (out_.empty() && streaming_ && sent_ < args_.count) fill();
    while (!out_.empty()) {
      ssize_t n = ::send(fd_, out_.data() + out_off_, out_.size() - out_off_, MSG_NOSIGNAL);
      if (n < 0) return errno == EAGAIN || errno == EINTR;
      out_off_ += size_t(n);
      if (out_off_ == out_.size()) {
        out_.clear();
        out_off_ = 0;
        if (streaming_ && sent_ < args_.count) fill();
      }
    }
    return true;
  }

  bool done_sink() const { return closing_; }

 private:
  bool ws_handshake(const std::string& head) {
    std::string key;
    size_t pos = 0;
    while (pos < head.size()) {
      size_t eol = head.find("\r\n", pos);
      if (eol == std::string::npos) eol = head.size();
      std::string line = head.substr(pos, eol - pos);
      pos = eol + 2;
      std::string lower = line;
      for (auto& c : lower) c = char(tolower(c));
      if (lower.rfind("sec-websocket-key:", 0) == 0) {
        key = line.substr(18);
        while (!key.empty() && key.front() == ' ') key.erase(0, 1);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\r')) key.pop_back();
      }
    }
    if (key.empty()) return false;
    std::string accept_src = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    uint8_t digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const uint8_t*>(accept_src.data()), accept_src.size(), digest);
    std::string reply =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Protocol: mqtt\r\nSec-WebSocket-Accept: " +
        base64(digest, sizeof digest) + "\r\n\r\n";
    out_.insert(out_.end(), reply.begin(), reply.end());
    return true;
  }

  // Client frames are masked; control frames (close, ping) are handled here.
  bool unframe() {
    size_t off = 0;
    while (raw_.size() - off >= 2) {
      const uint8_t* p = raw_.data() + off;
      uint8_t op = p[0] & 0x0f;
      bool masked = p[1] & 0x80;
      uint64_t len = p[1] & 0x7f;
      size_t hdr = 2;
      if (len == 126) {
        if (raw_.size() - off < 4) break;
        len = uint64_t(p[2]) << 8 | p[3];
        hdr = 4;
      } else if (len == 127) {
        if (raw_.size() - off < 10) break;
        len = 0;
        for (int i = 0; i < 8; ++i) len = len << 8 | p[2 + i];
        hdr = 10;
      }
      size_t mask_at = hdr;
      if (masked) hdr += 4;
      if (raw_.size() - off < hdr + len) break;
      const uint8_t* body = p + hdr;
      if (op == 0x8) return false;  // close
      if (op == 0x0 || op == 0x1 || op == 0x2) {
        size_t at = mqtt_.size();
        mqtt_.insert(mqtt_.end(), body, body + len);
        if (masked)
          for (size_t i = 0; i < len; ++i) mqtt_[at + i] ^= p[mask_at + i % 4];
      } else if (op == 0x9) {  // ping: answer pong with the same body
        std::vector<uint8_t> b(body, body + len);
        if (masked)
          for (size_t i = 0; i < len; ++i) b[i] ^= p[mask_at + i % 4];
        out_.push_back(0x8a);
        out_.push_back(uint8_t(len));
        out_.insert(out_.end(), b.begin(), b.end());
      }
      off += hdr + len;
    }
    raw_.erase(raw_.begin(), raw_.begin() + off);
    return true;
  }

  void reply(std::initializer_list<uint8_t> bytes) {
    if (ws_) ws_header(out_, bytes.size());
    out_.insert(out_.end(), bytes);
  }

  bool packets() {
    size_t off = 0;
    while (true) {
      size_t avail = mqtt_.size() - off;
      if (avail < 2) break;
      const uint8_t* p = mqtt_.data() + off;
      size_t len = 0, mul = 1, i = 1;
      bool complete = false;
      for (; i < avail && i <= 4; ++i) {
        len += (p[i] & 0x7f) * mul;
        mul *= 128;
        if (!(p[i] & 0x80)) {
          complete = true;
          ++i;
          break;
        }
      }
      if (!complete) break;
      if (avail < i + len) break;
      const uint8_t* body = p + i;
      if (!handle(p[0], body, len)) return false;
      off += i + len;
    }
    mqtt_.erase(mqtt_.begin(), mqtt_.begin() + off);
    return true;
  }

  bool handle(uint8_t header, const uint8_t* body, size_t len) {
    switch (header >> 4) {
      case 1: {  // CONNECT: the protocol level is after the 2-byte length and "MQTT"
        version_ = len > 6 ? body[6] : 4;
        if (version_ == 5) reply({0x20, 0x03, 0x00, 0x00, 0x00});
        else reply({0x20, 0x02, 0x00, 0x00});
        break;
      }
      case 8: {  // SUBSCRIBE: grant what was asked
        uint8_t id_hi = body[0], id_lo = body[1];
        size_t pos = 2;
        if (version_ == 5) {
          size_t plen = 0, mul = 1;
          while (pos < len) {
            uint8_t b = body[pos++];
            plen += (b & 0x7f) * mul;
            mul *= 128;
            if (!(b & 0x80)) break;
          }
          pos += plen;
        }
        std::vector<uint8_t> granted;
        while (pos + 2 < len) {
          size_t tl = size_t(body[pos]) << 8 | body[pos + 1];
          pos += 2 + tl;
          if (pos < len) granted.push_back(body[pos++] & 0x03);
        }
        std::vector<uint8_t> pkt{0x90};
        put_varint(pkt, 2 + (version_ == 5 ? 1 : 0) + granted.size());
        pkt.push_back(id_hi);
        pkt.push_back(id_lo);
        if (version_ == 5) pkt.push_back(0);
        pkt.insert(pkt.end(), granted.begin(), granted.end());
        if (ws_) ws_header(out_, pkt.size());
        out_.insert(out_.end(), pkt.begin(), pkt.end());
        if (args_.mode == "blast" && !streaming_) {
          streaming_ = true;
          publish_ = publish_packet("bench/blast", args_.payload);
          per_chunk_ = std::max<size_t>(1, 65536 / publish_.size());
          chunk_.clear();
          for (size_t k = 0; k < per_chunk_; ++k) chunk_.insert(chunk_.end(), publish_.begin(), publish_.end());
        }
        break;
      }
      case 3: {  // PUBLISH
        uint8_t qos = (header >> 1) & 3;
        if (qos) {
          size_t tl = size_t(body[0]) << 8 | body[1];
          uint8_t hi = body[2 + tl], lo = body[3 + tl];
          if (qos == 1) reply({0x40, 0x02, hi, lo});
          else reply({0x50, 0x02, hi, lo});
        }
        if (received_ == 0) first_ = now_s();
        if (++received_ == args_.count && args_.mode == "sink") {
          double dt = now_s() - first_;
          printf("SINK %llu %.6f\n", (unsigned long long)received_, dt);
          fflush(stdout);
          closing_ = true;
        }
        break;
      }
      case 6: {  // PUBREL
        reply({0x70, 0x02, body[0], body[1]});
        break;
      }
      case 12:  // PINGREQ
        reply({0xd0, 0x00});
        break;
      case 14:  // DISCONNECT
        return false;
      default:
        break;
    }
    (void)len;
    return true;
  }

  void fill() {
    uint64_t left = args_.count - sent_;
    size_t n = left < per_chunk_ ? size_t(left) : per_chunk_;
    size_t bytes = n * publish_.size();
    if (ws_) ws_header(out_, bytes);
    out_.insert(out_.end(), chunk_.begin(), chunk_.begin() + bytes);
    sent_ += n;
  }

  int fd_;
  const Args& args_;
  bool handshaken_ = false, ws_ = false, streaming_ = false, closing_ = false;
  uint8_t version_ = 4;
  std::vector<uint8_t> raw_, mqtt_, out_, publish_, chunk_;
  size_t out_off_ = 0, per_chunk_ = 1;
  uint64_t sent_ = 0, received_ = 0;
  double first_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--mode") args.mode = v;
    else if (k == "--count") args.count = strtoull(v.c_str(), nullptr, 10);
    else if (k == "--payload") args.payload = strtoul(v.c_str(), nullptr, 10);
    else if (k == "--port") args.port = atoi(v.c_str());
    else if (k == "--clients") args.clients = atoi(v.c_str());
    else {
      fprintf(stderr, "blaster: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(args.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) die("bind");
  if (listen(ls, 16) < 0) die("listen");
  socklen_t alen = sizeof addr;
  getsockname(ls, reinterpret_cast<sockaddr*>(&addr), &alen);
  printf("PORT %d\n", ntohs(addr.sin_port));
  fflush(stdout);

  for (int served = 0; args.clients == 0 || served < args.clients; ++served) {
    int fd = accept(ls, nullptr, nullptr);
    if (fd < 0) die("accept");
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Session s(fd, args);
    while (true) {
      pollfd p{fd, short(POLLIN | (s.wants_write() ? POLLOUT : 0)), 0};
      if (poll(&p, 1, -1) < 0 && errno != EINTR) die("poll");
      if (p.revents & (POLLIN | POLLHUP | POLLERR))
        if (!s.on_readable()) break;
      if (s.done_sink()) {
        s.on_writable();  // the last acknowledgements
        break;
      }
      if (p.revents & POLLOUT || s.wants_write())
        if (!s.on_writable()) break;
    }
    close(fd);
  }
  close(ls);
  return 0;
}
