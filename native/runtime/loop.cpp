// poll(2)-based loop: the descriptor set is rebuilt each round from the sources (their fd can
// change while connecting), timers live in a min-heap with lazy cancellation, and post() wakes
// the loop through a self-pipe.
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
#include <queue>
#include <thread>
#include <unordered_map>
#include <vector>

namespace mqtt {

class Loop::Impl {
 public:
  Impl() {
    if (::pipe2(wake_pipe_, O_NONBLOCK | O_CLOEXEC) != 0) wake_pipe_[0] = wake_pipe_[1] = -1;
  }
  ~Impl() {
    for (int fd : wake_pipe_)
      if (fd >= 0) ::close(fd);
  }

  struct Timer {
    uint64_t deadline;
    TimerId id;
    bool operator>(const Timer& other) const {
      return deadline != other.deadline ? deadline > other.deadline : id > other.id;
    }
  };

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
      std::lock_guard<std::mutex> lock(mutex_);
      batch.swap(posted_);
    }
    for (auto& fn : batch) fn();
    return !batch.empty();
  }

  bool has_posted() {
    std::lock_guard<std::mutex> lock(mutex_);
    return !posted_.empty();
  }

  void run_timers(uint64_t now) {
    while (!heap_.empty() && heap_.top().deadline <= now) {
      Timer top = heap_.top();
      heap_.pop();
      auto it = timers_.find(top.id);
      if (it == timers_.end()) continue;  // cancelled
      auto fn = std::move(it->second);
      timers_.erase(it);
      fn();
    }
  }

  int next_timeout(uint64_t now, int limit) {
    while (!heap_.empty() && timers_.find(heap_.top().id) == timers_.end()) heap_.pop();
    if (heap_.empty()) return limit;
    uint64_t deadline = heap_.top().deadline;
    if (deadline <= now) return 0;
    uint64_t wait = deadline - now;
    if (limit >= 0 && wait > static_cast<uint64_t>(limit)) return limit;
    return wait > 3600000 ? 3600000 : static_cast<int>(wait);
  }

  int wake_pipe_[2] = {-1, -1};
  std::mutex mutex_;
  std::deque<std::function<void()>> posted_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> heap_;
  std::unordered_map<TimerId, std::function<void()>> timers_;
  TimerId next_timer_ = 1;
  std::vector<Source*> sources_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> has_owner_{false};
  std::thread::id owner_;
  std::vector<pollfd> fds_;
  std::vector<Source*> polled_;
  std::vector<std::unique_ptr<Owned>> owned_;
};

Loop::Loop() : impl_(std::make_unique<Impl>()) {}
Loop::~Loop() {
  // What the loop still holds may call back into it while it goes: release it while all of the
  // loop is intact (lingering writers, clients whose release was posted).
  impl_->owned_.clear();
  std::deque<std::function<void()>> posted;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex_);
    posted.swap(impl_->posted_);
  }
  posted.clear();
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

void Loop::post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex_);
    impl_->posted_.push_back(std::move(fn));
  }
  impl_->wake();
}

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

Loop::TimerId Loop::add_timer(uint64_t deadline_ms, std::function<void()> fn) {
  TimerId id = impl_->next_timer_++;
  impl_->timers_.emplace(id, std::move(fn));
  impl_->heap_.push({deadline_ms, id});
  return id;
}

void Loop::cancel_timer(TimerId id) { impl_->timers_.erase(id); }

void Loop::add_source(Source* source) { impl_->sources_.push_back(source); }

size_t Loop::sources() const { return impl_->sources_.size(); }

void Loop::remove_source(Source* source) {
  auto& v = impl_->sources_;
  v.erase(std::remove(v.begin(), v.end(), source), v.end());
  // A source removed during a round must not be called later in that round.
  std::replace(impl_->polled_.begin(), impl_->polled_.end(), source, static_cast<Source*>(nullptr));
}

void Loop::run_once(int timeout_ms) {
  Impl& d = *impl_;
  if (!d.has_owner_.load()) {
    d.owner_ = std::this_thread::get_id();
    d.has_owner_ = true;
  }
  d.fds_.clear();
  d.polled_.clear();
  d.fds_.push_back({d.wake_pipe_[0], POLLIN, 0});
  d.polled_.push_back(nullptr);
  bool ready_now = d.has_posted();
  for (Source* s : d.sources_) {
    int fd = s->poll_fd();
    if (s->ready_without_poll()) ready_now = true;
    if (fd < 0) continue;
    d.fds_.push_back({fd, s->poll_events(), 0});
    d.polled_.push_back(s);
  }
  int timeout = ready_now ? 0 : d.next_timeout(now_ms(), timeout_ms);
  int n = ::poll(d.fds_.data(), d.fds_.size(), timeout);
  if (n < 0 && errno != EINTR) n = 0;
  if (d.fds_[0].revents) d.drain_wake_pipe();
  // Sources that hold buffered input are served even when their fd is quiet.
  std::vector<Source*> buffered;
  for (Source* s : d.sources_)
    if (s->ready_without_poll()) buffered.push_back(s);
  for (size_t i = 1; i < d.fds_.size(); ++i) {
    Source* s = d.polled_[i];
    short revents = d.fds_[i].revents;
    if (!s || !revents) continue;
    buffered.erase(std::remove(buffered.begin(), buffered.end(), s), buffered.end());
    s->on_poll(revents);
  }
  for (Source* s : buffered) {
    if (std::find(d.sources_.begin(), d.sources_.end(), s) != d.sources_.end()) s->on_poll(POLLIN);
  }
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
