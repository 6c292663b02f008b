// Scale: N idle clients of ours in one process and one thread (one mqtt::Loop), connected to a
// real broker. Measures the resident memory each client adds and the CPU each keep-alive round
// costs.
//
//   idle_ours --port P --clients N [--keepalive S] [--rounds R] [--batch B]
//
// Clients connect in batches of B (the broker's accept queue is finite); then the program
// idles for R keep-alive intervals and reports CPU over that time. Prints "RESULT {json}".
//
// Besides resident memory (which moves in whole pages) it counts the live heap precisely: every
// operator new/delete of the process goes through the counters below, both the bytes asked for
// and the bytes the allocator really reserves (malloc_usable_size plus its 8-byte chunk header).
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "client_bench.h"
#include "mqtt/client.h"

namespace {

// Live heap through operator new (the library allocates only that way).
std::atomic<long> g_allocs{0}, g_usable{0};

void* counted_new(size_t size) {
  void* p = malloc(size ? size : 1);
  if (!p) throw std::bad_alloc();
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  g_usable.fetch_add(static_cast<long>(malloc_usable_size(p) + sizeof(size_t)),
                     std::memory_order_relaxed);
  return p;
}

void counted_delete(void* p) {
  if (!p) return;
  g_allocs.fetch_sub(1, std::memory_order_relaxed);
  g_usable.fetch_sub(static_cast<long>(malloc_usable_size(p) + sizeof(size_t)),
                     std::memory_order_relaxed);
  free(p);
}

}  // namespace

void* operator new(size_t size) { return counted_new(size); }
void* operator new[](size_t size) { return counted_new(size); }
void operator delete(void* p) noexcept { counted_delete(p); }
void operator delete[](void* p) noexcept { counted_delete(p); }
void operator delete(void* p, size_t) noexcept { counted_delete(p); }
void operator delete[](void* p, size_t) noexcept { counted_delete(p); }

namespace {

long rss_kib() {
  FILE* f = fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    fclose(f);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 1883, clients = 1000, keepalive = 5, rounds = 2, batch = 250;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    int v = atoi(argv[i + 1]);
    if (k == "--port") port = v;
    else if (k == "--clients") clients = v;
    else if (k == "--keepalive") keepalive = v;
    else if (k == "--rounds") rounds = v;
    else if (k == "--batch") batch = v;
    else if (k == "--host") host = argv[i + 1];
  }
  rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);

  mqtt::Loop loop;
  // One client first, so the loop, the allocator and the library's one-time costs are paid
  // before the baseline.
  std::vector<std::shared_ptr<mqtt::Client>> all;
  int connected = 0, failed = 0;
  auto make = [&](int i) {
    mqtt::Options o;
    o.host = host;
    o.port = port;
    o.client_id = "idle-" + std::to_string(getpid()) + "-" + std::to_string(i);
    o.keepalive_interval = keepalive;
    o.loop = &loop;
    o.success = [&] { ++connected; };
    o.fail = [&](const mqtt::ErrorInfo&) { ++failed; };
    auto c = mqtt::createClient(o);
    if (c) all.push_back(c);
  };
  make(-1);
  loop.run_until([&] { return connected + failed >= 1; }, 10000);
  connected = failed = 0;
  long rss0 = rss_kib();
  long heap0 = g_usable.load(), allocs0 = g_allocs.load();
  double t_connect = bench::now_s();
  int made = 0;
  while (made < clients) {
    int upto = std::min(clients, made + batch);
    for (; made < upto; ++made) make(made);
    if (!loop.run_until([&] { return connected + failed >= made; }, 30000)) break;
  }
  t_connect = bench::now_s() - t_connect;
  // Let the connections settle (first keep-alive timers armed, buffers shrunk).
  loop.run_until([] { return false; }, 200);
  long rss1 = rss_kib();
  long heap1 = g_usable.load(), allocs1 = g_allocs.load();
  rlimit now_rl;
  getrlimit(RLIMIT_NOFILE, &now_rl);

  double cpu0 = bench::cpu_s(), t0 = bench::now_s();
  loop.run_until([] { return false; }, keepalive * rounds * 1000);
  double cpu = bench::cpu_s() - cpu0, dt = bench::now_s() - t0;
  int alive = 0;
  for (auto& c : all)
    if (c->state() == mqtt::State::connected) ++alive;
  --alive;  // the warm-up client

  printf("RESULT {\"lib\":\"ours\",\"mode\":\"idle\",\"clients\":%d,\"connected\":%d,\"failed\":%d,\"alive\":%d,"
         "\"rss_before_kib\":%ld,\"rss_after_kib\":%ld,\"bytes_per_client\":%.1f,"
         "\"heap_bytes_per_client\":%.1f,\"heap_allocs_per_client\":%.2f,\"connect_seconds\":%.3f,"
         "\"keepalive_s\":%d,\"rounds\":%.2f,\"cpu_s\":%.6f,\"cpu_us_per_client_round\":%.3f,\"nofile\":%llu}\n",
         clients, connected, failed, alive, rss0, rss1, connected ? (rss1 - rss0) * 1024.0 / connected : 0.0,
         connected ? double(heap1 - heap0) / connected : 0.0,
         connected ? double(allocs1 - allocs0) / connected : 0.0,
         t_connect, keepalive, dt / keepalive, cpu,
         alive > 0 ? cpu * 1e6 / (alive * (dt / keepalive)) : 0.0, (unsigned long long)now_rl.rlim_cur);
  for (auto& c : all) c->close();
  loop.run_until([] { return false; }, 200);
  return connected == clients ? 0 : 1;
}
