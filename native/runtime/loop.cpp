// The loop: an epoll set on Linux (poll(2) elsewhere, or with -DMQTT_LOOP_USE_POLL=1), timers in
// a min-heap of the owners' own Timer records, and post() waking the loop through a self-pipe.
//
// Sources are re-examined only when something may have changed them (added, just handled, or
// update_source()), and the kernel is told only what changed, so with epoll an idle client costs
// nothing per round: 10,000 idle clients cost what their keep-alive timers cost.
//
// After a round that handled I/O the loop polls without blocking for a short while before it
// sleeps: in a conversation with a broker (acknowledgements, messages coming back) the next
// packet usually arrives within tens of microseconds, and a loop asleep in epoll_wait makes the
// sender pay for waking it (a cross-CPU wake-up, costly on virtual machines). Mosquitto is
// single-threaded, so that cost capped a client's end-to-end throughput with 16 KiB messages.
#include "mqtt/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__) && !defined(MQTT_LOOP_USE_POLL)
#define MQTT_LOOP_EPOLL 1
#include <sys/epoll.h>
#else
#define MQTT_LOOP_EPOLL 0
#endif

namespace mqtt {

namespace {
// Where other threads leave work for the loop. Shared with Poster handles, so work finishing
// after the loop is gone is dropped instead of touching freed memory.
struct Mailbox {
  std::mutex mutex;
  std::deque<std::function<void()>> posted;
  int wake_fd = -1;
  bool open = true;

  bool post(std::function<void()> fn) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!open) return false;
    posted.push_back(std::move(fn));
    char byte = 1;
    if (wake_fd >= 0) (void)!::write(wake_fd, &byte, 1);
    return true;
  }
};
}  // namespace

class Loop::Impl {
 public:
  Impl() {
    if (::pipe2(wake_pipe_, O_NONBLOCK | O_CLOEXEC) != 0) wake_pipe_[0] = wake_pipe_[1] = -1;
    mailbox_->wake_fd = wake_pipe_[1];
#if MQTT_LOOP_EPOLL
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = wake_pipe_[0];
    epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_pipe_[0], &e);
#endif
  }
  ~Impl() {
    for (int fd : wake_pipe_)
      if (fd >= 0) ::close(fd);
#if MQTT_LOOP_EPOLL
    if (epoll_ >= 0) ::close(epoll_);
#endif
  }

  void wake() {
    char byte = 1;
    if (wake_pipe_[1] >= 0) (void)!::write(wake_pipe_[1], &byte, 1);
  }

  void drain_wake_pipe() {
    char buffer[64];
    while (::read(wake_pipe_[0], buffer, sizeof buffer) > 0) {
    }
  }

  // Runs posted functions (those queued so far; new ones wait for the next round).
  bool run_posted() {
    std::deque<std::function<void()>> batch;
    {
      std::lock_guard<std::mutex> lock(mailbox_->mutex);
      batch.swap(mailbox_->posted);
    }
    for (auto& fn : batch) fn();
    return !batch.empty();
  }

  bool has_posted() {
    std::lock_guard<std::mutex> lock(mailbox_->mutex);
    return !mailbox_->posted.empty();
  }

  // The timer heap: a binary min-heap of the owners' Timer records, each knowing its index, so
  // stopping or moving one is O(log n) and nothing stale stays behind.
  static bool earlier(const Timer* a, const Timer* b) {
    if (a->deadline_ != b->deadline_) return a->deadline_ < b->deadline_;
    return static_cast<int32_t>(a->order_ - b->order_) < 0;  // right across the wrap-around
  }
  void place(Timer* t, size_t i) {
    heap_[i] = t;
    t->index_ = static_cast<uint32_t>(i);
  }
  void sift_up(size_t i) {
    Timer* t = heap_[i];
    while (i > 0 && earlier(t, heap_[(i - 1) / 2])) {
      place(heap_[(i - 1) / 2], i);
      i = (i - 1) / 2;
    }
    place(t, i);
  }
  void sift_down(size_t i) {
    Timer* t = heap_[i];
    for (;;) {
      size_t child = 2 * i + 1;
      if (child >= heap_.size()) break;
      if (child + 1 < heap_.size() && earlier(heap_[child + 1], heap_[child])) ++child;
      if (!earlier(heap_[child], t)) break;
      place(heap_[child], i);
      i = child;
    }
    place(t, i);
  }
  void unlink(Timer* t) {
    size_t i = t->index_;
    t->index_ = Timer::kIdle;
    Timer* last = heap_.back();
    heap_.pop_back();
    if (last == t) return;
    place(last, i);
    sift_down(i);
    sift_up(last->index_);
  }

  void run_timers(uint64_t now) {
    while (!heap_.empty() && heap_.front()->deadline_ <= now) {
      Timer* t = heap_.front();
      unlink(t);
      t->on_timer();  // may re-arm it, stop others, or destroy its owner
    }
  }

  int next_timeout(uint64_t now, int limit) {
    if (heap_.empty()) return limit;
    uint64_t deadline = heap_.front()->deadline_;
    if (deadline <= now) return 0;
    uint64_t wait = deadline - now;
    if (limit >= 0 && wait > static_cast<uint64_t>(limit)) return limit;
    return wait > 3600000 ? 3600000 : static_cast<int>(wait);
  }

  // renew: the descriptor may be a new socket under the same number (update_source()).
  void mark_dirty(Source* s, bool renew) {
    if (!s->added_) return;
    s->renew_ = s->renew_ || renew;
    if (s->dirty_) return;
    s->dirty_ = true;
    dirty_.push_back(s);
  }

  // Tells the kernel (epoll) or the next poll() what the dirty sources now want.
  //
  // A connected socket that now has bytes to write is nearly always writable: it is handed
  // POLLOUT at once instead of being registered for it, which spares two epoll_ctl calls and a
  // round per write (and the write goes out before the loop waits for the answer).
  void sync() {
    // By index: a write may mark more sources dirty (appended) or remove some (entries nulled;
    // a source stays marked while it writes, so its own entry is nulled too).
    for (size_t i = 0; i < dirty_.size(); ++i) {
      Source* s = dirty_[i];
      if (!s) continue;  // removed meanwhile
      int fd = s->poll_fd();
      short events = fd >= 0 ? s->poll_events() : 0;
      bool renew = s->renew_;
      // Reading and writing are asked for together only on a connected socket, and connecting
      // took a round with the socket registered: the number is the socket the kernel knows.
      if (fd >= 0 && fd == s->registered_fd_ && s->registered_events_ == POLLIN &&
          events == (POLLIN | POLLOUT)) {
        handled_io_ = true;  // an answer is likely on its way: poll for it before sleeping
        s->on_poll(POLLOUT);
        if (i >= dirty_.size() || dirty_[i] != s) continue;  // removed (or synced by a nested round)
        renew = s->poll_fd() != fd;
        fd = s->poll_fd();
        events = fd >= 0 ? s->poll_events() : 0;
      }
      s->dirty_ = s->renew_ = false;
      if (fd < 0 || events == 0) fd = -1, events = 0;
      if (!renew && fd == s->registered_fd_ && events == s->registered_events_) continue;
#if MQTT_LOOP_EPOLL
      int old_fd = s->registered_fd_;
      if (old_fd >= 0 && old_fd != fd) forget(s, old_fd);
      if (fd >= 0) {
        epoll_event e{};
        e.events = static_cast<uint32_t>(events);  // POLLIN/POLLOUT have the EPOLL* values
        e.data.fd = fd;
        // The same number may be a new socket (the old one was closed, which left the set):
        // MOD then fails with ENOENT and ADD is right; a new number may still be in the set
        // under a source that has not caught up yet: ADD fails with EEXIST and MOD is right.
        int op = old_fd == fd ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        if (epoll_ctl(epoll_, op, fd, &e) != 0) {
          op = errno == ENOENT ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
          epoll_ctl(epoll_, op, fd, &e);
        }
        if (static_cast<size_t>(fd) >= by_fd_.size()) by_fd_.resize(static_cast<size_t>(fd) + 1);
        by_fd_[static_cast<size_t>(fd)] = s;
      } else if (old_fd >= 0) {
        forget(s, old_fd);
      }
#endif
      s->registered_fd_ = fd;
      s->registered_events_ = events;
    }
    dirty_.clear();
  }

#if MQTT_LOOP_EPOLL
  Source* owner(int fd) const {
    return fd >= 0 && static_cast<size_t>(fd) < by_fd_.size() ? by_fd_[static_cast<size_t>(fd)]
                                                              : nullptr;
  }
  void forget(Source* s, int fd) {
    if (owner(fd) != s) return;  // the number is someone else's now
    epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);  // fails harmlessly when already closed
    by_fd_[static_cast<size_t>(fd)] = nullptr;
  }
  int epoll_ = -1;
  std::vector<Source*> by_fd_;  // indexed by descriptor: numbers are small and dense
  std::vector<epoll_event> events_ = std::vector<epoll_event>(256);
#endif

  // Waits up to `timeout` ms and fills `ready_` with (source, revents). False: nothing came
  // (no I/O, no post()).
  bool wait(int timeout) {
    ready_.clear();
#if MQTT_LOOP_EPOLL
    int n = epoll_wait(epoll_, events_.data(), static_cast<int>(events_.size()), timeout);
    for (int i = 0; i < n; ++i) {
      int fd = events_[static_cast<size_t>(i)].data.fd;
      if (fd == wake_pipe_[0]) {
        drain_wake_pipe();
        continue;
      }
      if (Source* s = owner(fd))
        ready_.push_back({s, static_cast<short>(events_[static_cast<size_t>(i)].events)});
    }
    if (n == static_cast<int>(events_.size())) events_.resize(events_.size() * 2);
    return n > 0;
#else
    fds_.clear();
    polled_.clear();
    fds_.push_back({wake_pipe_[0], POLLIN, 0});
    polled_.push_back(nullptr);
    for (Source* s : polled_sources_) {
      if (s->registered_fd_ < 0) continue;
      fds_.push_back({s->registered_fd_, s->registered_events_, 0});
      polled_.push_back(s);
    }
    int n = ::poll(fds_.data(), fds_.size(), timeout);
    if (n <= 0) return false;
    if (fds_[0].revents) drain_wake_pipe();
    for (size_t i = 1; i < fds_.size(); ++i)
      if (fds_[i].revents) ready_.push_back({polled_[i], fds_[i].revents});
    return true;
#endif
  }

  // wait(timeout), but after a round that handled I/O it first looks again every kPollGapNs,
  // for up to kSpinNs, waiting on the clock in between: looking back to back took each of the
  // peer's packets as it came, which cost Mosquitto more per message than the wake-ups saved
  // (64-byte QoS 2: 21.7 -> 24.0 us of broker CPU per message; with the gap, 21.1). Not on a
  // single CPU, where the answer cannot come while the loop holds it. No sched_yield() between
  // looks: on a busy machine it may hand the CPU away for a whole time slice.
  void wait_or_spin(int timeout) {
    bool spin = timeout != 0 && handled_io_ && kManyCpus;
    handled_io_ = false;
    if (spin) {
      uint64_t start = now_ns();
      for (;;) {
        if (wait(0)) return;
        uint64_t now = now_ns();
        if (now - start >= kSpinNs) break;
        for (uint64_t next = now + kPollGapNs; now_ns() < next;) {
        }
      }
    }
    wait(timeout);
  }
  static inline const bool kManyCpus = sysconf(_SC_NPROCESSORS_ONLN) > 1;
  static uint64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
  }
  // Against Mosquitto on loopback (16 KiB QoS 1, a window of 100), a client without it slept
  // 3,400 times per 20,000 messages, with it 80-200 times.
  static constexpr uint64_t kSpinNs = 50000;
  static constexpr uint64_t kPollGapNs = 10000;
  bool handled_io_ = false;  // the last round called on_poll()

  int wake_pipe_[2] = {-1, -1};
  std::shared_ptr<Mailbox> mailbox_ = std::make_shared<Mailbox>();
  std::vector<Timer*> heap_;
  uint32_t timers_armed_ = 0;  // gives each arming its order
  size_t sources_ = 0;
  std::vector<Source*> dirty_;
  std::vector<std::pair<Source*, short>> ready_;  // this round's events; entries nulled on removal
  std::vector<Source*> buffered_;                 // sources with input the fd will not signal
  std::atomic<bool> stop_{false};
  std::atomic<bool> has_owner_{false};
  std::thread::id owner_;
#if !MQTT_LOOP_EPOLL
  std::vector<pollfd> fds_;
  std::vector<Source*> polled_;
  std::vector<Source*> polled_sources_;  // every source (poll() is given all of them)
#endif
  std::vector<std::unique_ptr<Owned>> owned_;
};

Loop::Loop() : impl_(std::make_unique<Impl>()) {}

Loop::~Loop() {
  // What the loop still holds may call back into it while it goes: release it while all of the
  // loop is intact (lingering writers, clients whose release was posted).
  impl_->owned_.clear();
  std::deque<std::function<void()>> posted;
  {
    std::lock_guard<std::mutex> lock(impl_->mailbox_->mutex);
    impl_->mailbox_->open = false;  // Posters outliving the loop now drop their work
    impl_->mailbox_->wake_fd = -1;
    posted.swap(impl_->mailbox_->posted);
  }
  posted.clear();
}

Loop::Poster Loop::poster() {
  std::shared_ptr<Mailbox> mailbox = impl_->mailbox_;
  return [mailbox](std::function<void()> fn) { return mailbox->post(std::move(fn)); };
}

void Loop::own(std::unique_ptr<Owned> object) { impl_->owned_.push_back(std::move(object)); }

void Loop::release(Owned* object) {
  auto& v = impl_->owned_;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it->get() == object) {
      std::unique_ptr<Owned> doomed = std::move(*it);
      v.erase(it);
      return;  // `doomed` destroys the object here
    }
  }
}

uint64_t Loop::now_ms() const {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000u + static_cast<uint64_t>(ts.tv_nsec) / 1000000u;
}

bool Loop::in_loop_thread() const {
  return !impl_->has_owner_.load() || impl_->owner_ == std::this_thread::get_id();
}

void Loop::post(std::function<void()> fn) { impl_->mailbox_->post(std::move(fn)); }

void Loop::call(const std::function<void()>& fn) {
  if (in_loop_thread()) {
    fn();
    return;
  }
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  post([&] {
    fn();
    std::lock_guard<std::mutex> lock(m);
    done = true;
    cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(m);
  cv.wait(lock, [&] { return done; });
}

void Loop::start_timer(Timer* timer, uint64_t deadline_ms) {
  Impl& d = *impl_;
  if (timer->armed()) d.unlink(timer);
  timer->deadline_ = deadline_ms;
  timer->order_ = d.timers_armed_++;
  d.heap_.push_back(timer);
  d.sift_up(d.heap_.size() - 1);
}

void Loop::stop_timer(Timer* timer) {
  if (timer->armed()) impl_->unlink(timer);
}

void Loop::add_source(Source* source) {
  if (source->added_) return;
  source->added_ = true;
  source->registered_fd_ = -1;
  source->registered_events_ = 0;
  ++impl_->sources_;
#if !MQTT_LOOP_EPOLL
  impl_->polled_sources_.push_back(source);
#endif
  impl_->mark_dirty(source, true);
}

void Loop::update_source(Source* source) { impl_->mark_dirty(source, true); }

size_t Loop::sources() const { return impl_->sources_; }

void Loop::remove_source(Source* source) {
  Impl& d = *impl_;
  if (!source->added_) return;
#if MQTT_LOOP_EPOLL
  if (source->registered_fd_ >= 0) d.forget(source, source->registered_fd_);
#else
  auto& all = d.polled_sources_;
  all.erase(std::find(all.begin(), all.end(), source));
#endif
  source->added_ = false;
  --d.sources_;
  // A source removed during a round must not be called later in that round, nor synced.
  for (auto& entry : d.ready_)
    if (entry.first == source) entry.first = nullptr;
  std::replace(d.buffered_.begin(), d.buffered_.end(), source, static_cast<Source*>(nullptr));
  if (source->dirty_)
    std::replace(d.dirty_.begin(), d.dirty_.end(), source, static_cast<Source*>(nullptr));
  source->dirty_ = source->renew_ = false;
}

void Loop::run_once(int timeout_ms) {
  Impl& d = *impl_;
  if (!d.has_owner_.load()) {
    d.owner_ = std::this_thread::get_id();
    d.has_owner_ = true;
  }
  d.sync();
  bool ready_now = d.has_posted() || !d.buffered_.empty();
  int timeout = ready_now ? 0 : d.next_timeout(now_ms(), timeout_ms);
  d.wait_or_spin(timeout);

  // Sources holding decrypted input are served even when their fd is quiet.
  std::vector<Source*> buffered;
  buffered.swap(d.buffered_);
  for (Source* s : buffered) {
    if (!s) continue;
    auto entry = std::find_if(d.ready_.begin(), d.ready_.end(),
                              [s](const auto& e) { return e.first == s; });
    if (entry == d.ready_.end()) d.ready_.push_back({s, POLLIN});
    else entry->second |= POLLIN;  // polled for writing only: still has input to read
  }
  // Index loop: on_poll may remove sources (entries become null) but never appends here.
  for (size_t i = 0; i < d.ready_.size(); ++i) {
    Source* s = d.ready_[i].first;
    if (!s) continue;
    d.handled_io_ = true;
    s->on_poll(d.ready_[i].second);
    if (!d.ready_[i].first) continue;  // removed itself (and maybe destroyed)
    d.mark_dirty(s, false);
    if (s->ready_without_poll()) d.buffered_.push_back(s);
  }
  d.ready_.clear();
  d.run_timers(now_ms());
  d.run_posted();
}

void Loop::run() {
  impl_->stop_ = false;
  while (!impl_->stop_) run_once(-1);
}

bool Loop::run_until(const std::function<bool()>& done, int timeout_ms) {
  uint64_t deadline = now_ms() + static_cast<uint64_t>(timeout_ms < 0 ? 0 : timeout_ms);
  while (!done()) {
    uint64_t now = now_ms();
    if (now >= deadline) return done();
    uint64_t left = deadline - now;
    run_once(static_cast<int>(left > 50 ? 50 : left));
  }
  return true;
}

void Loop::stop() {
  impl_->stop_ = true;
  impl_->wake();
}

Loop& Loop::background() {
  static Loop* loop = [] {
    auto* l = new Loop();  // kept for the process: clients may outlive static destruction order
    std::mutex m;
    std::condition_variable cv;
    bool started = false;
    std::thread([l, &m, &cv, &started] {
      l->impl_->owner_ = std::this_thread::get_id();
      l->impl_->has_owner_ = true;
      {
        std::lock_guard<std::mutex> lock(m);
        started = true;
        cv.notify_one();
      }
      l->run();
    }).detach();
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return started; });
    return l;
  }();
  return *loop;
}

}  // namespace mqtt
