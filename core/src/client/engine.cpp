// The public Engine: a thin shell over Engine::Impl, so the header stays free of session types.
#include "mqtt/engine.h"

#include <new>

#include "client/engine_impl.h"

namespace mqtt {

Engine::Engine(Host& host, Events& events, ClientOptions options)
    : impl_(new Impl(host, events, options)) {}

Engine::~Engine() {
  if (impl_->state() != State::closed) impl_->close();
}

ErrorCode Engine::connect(Token token) { return impl_->connect(token); }
ErrorCode Engine::subscribe(const SubscribeRequest& request, Token token) {
  return impl_->subscribe(request, token);
}
ErrorCode Engine::unsubscribe(const UnsubscribeRequest& request, Token token) {
  return impl_->unsubscribe(request, token);
}
ErrorCode Engine::publish(const PublishRequest& request, Token token) { return impl_->publish(request, token); }
ErrorCode Engine::close() { return impl_->close(); }
ErrorCode Engine::auth(uint8_t reason_code, Bytes data) { return impl_->auth(reason_code, data); }

void Engine::on_open() { impl_->on_open(); }
void Engine::on_bytes(const uint8_t* data, size_t size) { impl_->on_bytes(data, size); }
void Engine::on_closed(ErrorCode reason) { impl_->on_closed(reason); }
void Engine::on_wake() { impl_->on_wake(); }

State Engine::state() const { return impl_->state(); }
std::string_view Engine::client_id() const { return impl_->client_id(); }
const ClientOptions& Engine::options() const { return impl_->options(); }
const TlsOptions& Engine::tls() const { return impl_->tls(); }

const ClientOptions& Engine::Impl::options() const {
  if (!unpacked_) unpacked_.reset(new ClientOptions(options_.unpack()));
  return *unpacked_;
}

const TlsOptions& Engine::Impl::tls() const {
  // Never destroyed: no exit-time destructor (and no atexit machinery on a microcontroller).
  alignas(TlsOptions) static unsigned char storage[sizeof(TlsOptions)];
  static const TlsOptions* defaults = new (storage) TlsOptions();
  if (!options_.has_tls_settings()) return *defaults;
  if (!tls_) tls_.reset(new TlsOptions(options_.unpack_tls()));
  return *tls_;
}
size_t Engine::queued() const { return impl_->queued(); }
size_t Engine::inflight() const { return impl_->inflight(); }

}  // namespace mqtt
