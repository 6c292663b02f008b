// The native event loop: one thread drives many MQTT clients (sockets, timers, deferred calls).
//
// Either run it yourself (Loop loop; ... loop.run();) and make every client call on that thread,
// or let a client use Loop::background(), a loop on its own thread that the client methods reach
// through post(). Every callback of a client runs on its loop's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

namespace mqtt {

class Loop {
 public:
  Loop();
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Runs until stop() is called.
  void run();
  // Runs one round: waits at most timeout_ms (0: does not wait) for I/O, a timer or a post(),
  // then handles everything that is ready.
  void run_once(int timeout_ms);
  // Runs rounds until `done()` is true (checked after every round) or timeout_ms passed.
  // Returns done(). Handy for tools and tests: wait on a state, not on time.
  bool run_until(const std::function<bool()>& done, int timeout_ms);
  // Makes run() return. Thread-safe.
  void stop();

  // Queues `fn` to run on the loop's thread. Thread-safe; wakes a waiting loop.
  void post(std::function<void()> fn);
  // A handle that posts to this loop from any thread and stays safe to call after the loop is
  // destroyed (it then drops the function and returns false): for work that finishes on other
  // threads, such as host-name resolution.
  using Poster = std::function<bool(std::function<void()>)>;
  Poster poster();
  // Runs `fn` on the loop's thread and waits for it (directly when already on that thread).
  // Only for a loop that is running on another thread (background()).
  void call(const std::function<void()>& fn);
  // True on the thread running the loop (or when no thread runs it yet).
  bool in_loop_thread() const;

  // Monotonic milliseconds (CLOCK_MONOTONIC), the clock the clients' timers use.
  uint64_t now_ms() const;

  // A loop running on its own thread, started at the first call and kept for the process.
  static Loop& background();

  // Timers and file descriptors, for the runtime's own use.
  //
  // A timer is a part of its owner, not a record of the loop's: arming one allocates nothing
  // (10,000 idle clients are 10,000 armed keep-alive timers). start_timer() arms it, or moves
  // it to a new deadline; at the deadline the loop disarms it and calls on_timer() once.
  // Timers due at the same time run in the order they were armed. The owner stops its timer
  // before it is destroyed.
  class Timer {
   public:
    virtual void on_timer() = 0;
    bool armed() const { return index_ != kIdle; }
    uint64_t deadline() const { return deadline_; }

   protected:
    Timer() = default;
    Timer(const Timer&) {}  // a copy starts disarmed
    Timer& operator=(const Timer&) { return *this; }
    ~Timer() = default;

   private:
    friend class Loop;
    static constexpr uint32_t kIdle = ~uint32_t{0};
    uint64_t deadline_ = 0;
    uint32_t order_ = 0;      // arming order, for ties (compared modulo 2^32)
    uint32_t index_ = kIdle;  // position in the loop's heap
  };
  void start_timer(Timer* timer, uint64_t deadline_ms);
  void stop_timer(Timer* timer);

  // Something the loop watches. The loop asks for poll_fd() and poll_events() when the source
  // is added, after each on_poll(), and after update_source(); a source whose descriptor or
  // interest changes at another time (a socket opened from a timer, bytes queued for writing)
  // calls update_source(). On Linux the loop keeps them in an epoll set, so a round costs what
  // is ready, not how many clients there are.
  //
  // After on_poll() the loop tells the kernel only what changed: the same number with the same
  // interest is taken to be the same socket. A source that closed its descriptor and opened
  // another (which may get the same number) calls update_source(), also from inside on_poll():
  // that registers the descriptor anew.
  class Source {
   public:
    virtual int poll_fd() const = 0;        // -1: nothing to watch now
    virtual short poll_events() const = 0;  // POLLIN / POLLOUT
    virtual void on_poll(short revents) = 0;
    // Asked after on_poll(): input already buffered (TLS records) that the fd will not signal.
    virtual bool ready_without_poll() const { return false; }

   protected:
    Source() : added_(false), dirty_(false), renew_(false) {}
    Source(const Source&) : Source() {}  // a copy starts unregistered
    Source& operator=(const Source&) { return *this; }
    ~Source() = default;

   private:
    friend class Loop;
    // The loop's record of this source, kept here rather than in a map of the loop's: no
    // allocation per source (10,000 idle clients are 10,000 sources).
    int registered_fd_ = -1;  // what the kernel was last told
    short registered_events_ = 0;
    bool added_ : 1;
    bool dirty_ : 1;  // queued for the next sync
    bool renew_ : 1;  // register again even if fd and interest look unchanged
  };
  void add_source(Source* source);
  void remove_source(Source* source);
  void update_source(Source* source);
  // Sources registered: clients, and closed connections still writing their last bytes. A
  // program about to exit runs the loop until this is 0 (see the `mqtt` tool).
  size_t sources() const;

  // Objects the loop keeps until they release themselves (or the loop is destroyed).
  class Owned {
   public:
    virtual ~Owned() = default;
  };
  void own(std::unique_ptr<Owned> object);
  void release(Owned* object);  // destroys it (may be called by the object itself, last)

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mqtt
