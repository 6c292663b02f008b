// Host-name resolution off the loop's thread: getaddrinfo blocks (for seconds when DNS is slow),
// and one loop serves many clients. A few worker threads, started on demand and kept for the
// process, take lookups from a queue.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "stream.h"

namespace mqtt::native {
namespace {

constexpr int kMaxWorkers = 4;

struct Job {
  std::string host;
  uint16_t port;
  std::function<void(Addresses, StreamError)> done;
};

struct Pool {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<Job> jobs;
  int workers = 0;
  int idle = 0;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: detached workers wait on it until exit
  return *p;
}

void work() {
  Pool& p = pool();
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(p.mutex);
      ++p.idle;
      p.ready.wait(lock, [&] { return !p.jobs.empty(); });
      --p.idle;
      job = std::move(p.jobs.front());
      p.jobs.pop_front();
    }
    Addresses addresses;
    StreamError error;
    resolve(job.host, job.port, addresses, error);
    job.done(std::move(addresses), std::move(error));
  }
}

}  // namespace

void resolve_async(std::string host, uint16_t port,
                   std::function<void(Addresses, StreamError)> done) {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  p.jobs.push_back({std::move(host), port, std::move(done)});
  if (p.idle == 0 && p.workers < kMaxWorkers) {
    ++p.workers;
    std::thread(work).detach();
  }
  p.ready.notify_one();
}

}  // namespace mqtt::native
