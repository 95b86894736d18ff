#include "api/server.hpp"

#include <fmt/core.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/error.hpp"

namespace terrier::api {
namespace {

using namespace Pistache;

// Pistache 0.0.5 writes only typed headers in responses (raw ones are
// dropped), so every other header goes out through this one type.
class NamedHeader final : public Http::Header::Header {
 public:
  NamedHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void parse(const std::string& data) override { value_ = data; }
  void write(std::ostream& stream) const override { stream << value_; }
#ifdef SAFE_HEADER_CAST
  uint64_t hash() const override { return std::hash<std::string>{}(name_); }
#endif

 private:
  std::string name_;
  std::string value_;
};

class HttpAdapter : public Http::Handler {
 public:
  HTTP_PROTOTYPE(HttpAdapter)
  explicit HttpAdapter(Service* service) : service_(service) {}

  void onRequest(const Http::Request& req, Http::ResponseWriter writer) override {
    Request r;
    r.method = Http::methodString(req.method());
    r.path = req.resource();
    std::string query = req.query().as_str();
    r.query = query.empty() || query[0] != '?' ? query : query.substr(1);
    for (const auto& header : req.headers().list()) {
      std::ostringstream value;
      header->write(value);
      r.headers[lower(header->name())] = value.str();
    }
    for (const auto& [name, raw] : req.headers().rawList()) r.headers[lower(name)] = raw.value();
    // Pistache parses Cookie into a jar of its own: put it back as a header.
    std::string cookies;
    for (const auto& cookie : req.cookies()) {
      cookies += (cookies.empty() ? "" : "; ") + cookie.name + "=" + cookie.value;
    }
    if (!cookies.empty()) r.headers["cookie"] = cookies;
    r.peer = req.address().host();
    r.body = req.body();

    Response resp;
    try {
      resp = service_->handle(r);
    } catch (...) {  // handle() maps errors itself; this is the last guard
      resp.status = 500;
      resp.content_type = "application/problem+json";
      resp.body = R"({"type":"about:blank","title":"Internal Server Error","status":500})";
    }
    if (!resp.content_type.empty()) {
      writer.headers().add<Http::Header::ContentType>(
          Http::Mime::MediaType::fromString(resp.content_type));
    }
    for (const auto& [k, v] : resp.headers) writer.headers().add(std::make_shared<NamedHeader>(k, v));
    writer.headers().add(std::make_shared<NamedHeader>("X-Content-Type-Options", "nosniff"));
    if (!resp.file.empty()) {
      // An export, written to disk first: read back and sent whole, then
      // deleted. Pistache 0.0.5's asynchronous serveFile dropped connections
      // (and once the server) when several exports ran under load.
      std::ifstream in(resp.file, std::ios::binary);
      std::ostringstream body;
      body << in.rdbuf();
      std::remove(resp.file.c_str());
      resp.body = body.str();
    }
    writer.send(static_cast<Http::Code>(resp.status), resp.body);
  }

 private:
  static std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  }
  Service* service_;
};

}  // namespace

void ServerConfig::set_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw ConfigError(fmt::format("--listen '{}': expected HOST:PORT", listen));
  host = listen.substr(0, colon);
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    throw ConfigError(fmt::format("--listen '{}': the port is not a number", listen));
  }
}

void ServerConfig::validate() const {
  if (port < 0 || port > 65535) throw ConfigError(fmt::format("port {} is out of range", port));
  if (threads < 1 || threads > 64) throw ConfigError("--threads must be between 1 and 64");
  if (host.empty()) throw ConfigError("the listen address has no host");
}

struct Server::Impl {
  ServerConfig config;
  Service& service;
  std::unique_ptr<Http::Endpoint> endpoint;
};

Server::Server(ServerConfig config, Service& service)
    : impl_(std::make_unique<Impl>(Impl{std::move(config), service, nullptr})) {
  impl_->config.validate();
}

Server::~Server() {
  if (impl_->endpoint) impl_->endpoint->shutdown();
}

void Server::start() {
  const auto& c = impl_->config;
  Address address(c.host, Port(static_cast<uint16_t>(c.port)));
  impl_->endpoint = std::make_unique<Http::Endpoint>(address);
  auto options = Http::Endpoint::options()
                     .threads(c.threads)
                     .flags(Tcp::Options::ReuseAddr)
                     .maxRequestSize(c.max_request_bytes)
                     .maxResponseSize(256 * 1024 * 1024)
                     .headerTimeout(std::chrono::seconds(10))
                     .bodyTimeout(std::chrono::seconds(60));
  impl_->endpoint->init(options);
  impl_->endpoint->setHandler(Http::make_handler<HttpAdapter>(&impl_->service));
  try {
    impl_->endpoint->serveThreaded();
  } catch (const std::exception& e) {
    throw ConfigError(fmt::format("cannot listen on {}:{}: {}", c.host, c.port, e.what()));
  }
}

int Server::port() const { return impl_->endpoint ? static_cast<int>(impl_->endpoint->getPort()) : 0; }

void Server::shutdown_gracefully(std::chrono::milliseconds grace) {
  impl_->service.start_draining();
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (impl_->service.in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (impl_->endpoint) {
    impl_->endpoint->shutdown();
    impl_->endpoint.reset();
  }
}

}  // namespace terrier::api
