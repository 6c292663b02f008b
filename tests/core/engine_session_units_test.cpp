// The session building blocks on their own: packet identifiers, queue bounds, QoS 2 ids, aliases.
#include <gtest/gtest.h>

#include "session/incoming_qos2.h"
#include "session/offline_queue.h"
#include "session/packet_id_pool.h"
#include "session/topic_alias.h"

namespace mqtt::session {
namespace {

TEST(EngineSessionUnits, PacketIdsAreNonZeroUniqueAndWrap) {
  PacketIdPool pool;
  EXPECT_EQ(pool.acquire(), 1);
  EXPECT_EQ(pool.acquire(), 2);
  pool.release(1);
  EXPECT_EQ(pool.acquire(), 3);  // increasing, not the first free one
  for (int i = 4; i <= 65535; ++i) ASSERT_EQ(pool.acquire(), i);
  EXPECT_EQ(pool.acquire(), 1);  // wrapped, skipping 2 … 65535 in use
  EXPECT_EQ(pool.acquire(), 0);  // all 65535 in use
  pool.release(40000);
  EXPECT_EQ(pool.acquire(), 40000);
  EXPECT_FALSE(pool.reserve(40000));
  EXPECT_FALSE(pool.reserve(0));
}

TEST(EngineSessionUnits, OfflineQueueBoundsAndOrder) {
  OfflineQueue q;
  q.set_limits(3, 10);
  auto make = [](size_t size, uint32_t token) {
    Request r;
    r.packet.assign(size, 0);
    r.token = token;
    return r;
  };
  Request a = make(4, 1), b = make(4, 2), c = make(3, 3), d = make(1, 4);
  EXPECT_TRUE(q.push(a));
  EXPECT_TRUE(q.push(b));
  EXPECT_FALSE(q.push(c));  // 11 bytes
  EXPECT_EQ(c.packet.size(), 3u) << "a refused request is left intact";
  EXPECT_TRUE(q.push(d));
  Request e = make(0, 5);
  EXPECT_FALSE(q.push(e));  // 3 messages
  EXPECT_EQ(q.pop().token, 1u);
  EXPECT_EQ(q.bytes(), 5u);
  EXPECT_EQ(q.pop().token, 2u);
  EXPECT_EQ(q.pop().token, 4u);
  EXPECT_TRUE(q.empty());
}

TEST(EngineSessionUnits, IncomingQos2Ids) {
  IncomingQos2 ids;
  ids.add(5);
  ids.add(5);
  ids.add(2);
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_TRUE(ids.contains(5));
  EXPECT_TRUE(ids.release(5));
  EXPECT_FALSE(ids.release(5));
  EXPECT_FALSE(ids.contains(5));
}

TEST(EngineSessionUnits, TopicAliasMaps) {
  OutgoingTopicAliases out;
  out.reset(1);
  EXPECT_EQ(out.lookup("a"), 0);
  EXPECT_EQ(out.next(), 1);
  EXPECT_EQ(out.next(), 1);  // nothing recorded before assign()
  out.assign("a");
  EXPECT_EQ(out.lookup("a"), 1);
  EXPECT_EQ(out.next(), 0);  // the only alias is taken
  out.reset(60000);          // capped by MQTT_TOPIC_ALIAS_OUT_MAX
  for (unsigned i = 0; i < MQTT_TOPIC_ALIAS_OUT_MAX; ++i) {
    EXPECT_EQ(out.next(), i + 1);
    out.assign(std::to_string(i));
  }
  EXPECT_EQ(out.next(), 0);

  IncomingTopicAliases in;
  in.reset(2);
  std::string_view topic;
  EXPECT_FALSE(in.resolve(0, "x", topic));
  EXPECT_FALSE(in.resolve(3, "x", topic));
  EXPECT_FALSE(in.resolve(1, "", topic));
  EXPECT_TRUE(in.resolve(1, "x", topic));
  EXPECT_TRUE(in.resolve(1, "", topic));
  EXPECT_EQ(topic, "x");
  EXPECT_TRUE(in.resolve(1, "y", topic));  // remapped
  EXPECT_TRUE(in.resolve(1, "", topic));
  EXPECT_EQ(topic, "y");
}

}  // namespace
}  // namespace mqtt::session
