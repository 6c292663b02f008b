// Replays the decoder's fuzz seeds (tests/fuzz/corpus/decoder/, including units merged in by
// fuzzing campaigns) and every saved crash input (tests/fuzz/regressions/decoder/) through the
// checks of fuzz_decoder, so a fixed crash stays fixed in the ordinary test run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "../fuzz/decoder_check.h"

namespace mqtt::test {
namespace {

namespace fs = std::filesystem;

size_t replay(const fs::path& dir) {
  size_t count = 0;
  if (!fs::is_directory(dir)) return 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<uint8_t> input((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    if (!kV5 && !input.empty() && (input[0] & 1)) continue;  // a 5.0 input in a 3.1.1-only build
    EXPECT_EQ(check_decoder_input(input.data(), input.size()), "") << entry.path().filename();
    ++count;
  }
  return count;
}

TEST(CodecFuzzReplay, SeedCorpusAndRegressionsPassTheFuzzChecks) {
  const fs::path fuzz = fs::path(MQTT_VECTORS_DIR) / ".." / "fuzz";
  EXPECT_GE(replay(fuzz / "corpus" / "decoder"), 50u);
  replay(fuzz / "regressions" / "decoder");
}

TEST(CodecFuzzReplay, TheChecksCanFail) {
  // A harness that passes everything proves nothing: a round trip that breaks must be reported.
  // No such packet exists, so check the pieces: a differing chunked result is caught by name.
  const uint8_t two_packets[] = {0x00, 0xD0, 0x00, 0xD0, 0x00};  // 3.1.1, PINGRESP twice
  EXPECT_EQ(check_decoder_input(two_packets, sizeof two_packets), "");
  RoundTripSink sink(Version::v311);
  Ping ping;
  EXPECT_TRUE(sink.on_packet(ping));
  EXPECT_EQ(sink.failure, "");
  Publish bad;  // QoS 3 cannot be encoded: what a decoder bug producing it would look like
  bad.qos = 3;
  bad.topic = "t";
  bad.packet_id = 1;
  sink.on_packet(bad);
  EXPECT_NE(sink.failure.find("does not encode: invalid_qos"), std::string::npos) << sink.failure;
}

}  // namespace
}  // namespace mqtt::test
