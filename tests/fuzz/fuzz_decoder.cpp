// Fuzzes the Decoder with arbitrary bytes in arbitrary chunks, for both protocol versions; the
// checks (and the input layout) are in decoder_check.h, shared with the corpus replay test.
#include <cstdint>
#include <cstdlib>

#include "decoder_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!mqtt::test::check_decoder_input(data, size).empty()) std::abort();
  return 0;
}
