#include "api/server.hpp"

#include <fmt/core.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <pistache/transport.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "api/http_wire.hpp"
#include "api/problem.hpp"
#include "core/error.hpp"

namespace terrier::api {
namespace {

using namespace Pistache;

// The bytes of the current request's head, kept beside Pistache's parser
// (which drops a repeated query parameter and a repeated Content-Length).
struct RawHead {
  std::string bytes;
  bool complete = false;
  HeadCheck check;
  void reset() { *this = RawHead{}; }
};

constexpr const char* kRawHeadData = "terrier.head";
constexpr const char* kConnectionData = "terrier.connection";

// What a graceful shutdown waits for, per open connection: a request being
// read or answered, or a connection just accepted whose first bytes have not
// been read yet.
struct ConnectionState {
  std::chrono::steady_clock::time_point accepted = std::chrono::steady_clock::now();
  std::atomic<bool> got_input{false};
  std::atomic<bool> busy{false};  // from a request's first bytes to its answer
};

}  // namespace

// The server's open connections, shared by the handler's clones (one per
// Pistache thread).
class Connections {
 public:
  void add(const std::shared_ptr<Tcp::Peer>& peer, std::shared_ptr<ConnectionState> state) {
    std::lock_guard lock(mutex_);
    open_[peer.get()] = {peer, std::move(state)};
  }
  // Called by Pistache before it closes the descriptor.
  void remove(const Tcp::Peer* peer) {
    std::lock_guard lock(mutex_);
    open_.erase(peer);
  }
  // Whether some connection has a request unanswered: being read or handled,
  // bytes not read yet, or (accepted less than a second ago) none yet.
  bool busy() const {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    for (const auto& [raw, entry] : open_) {
      auto peer = entry.peer.lock();
      if (!peer) continue;
      const auto& state = *entry.state;
      if (state.busy) return true;
      int pending = 0;
      if (ioctl(peer->fd(), FIONREAD, &pending) == 0 && pending > 0) return true;
      if (!state.got_input && now - state.accepted < std::chrono::seconds(1)) return true;
    }
    return false;
  }

 private:
  struct Entry {
    std::weak_ptr<Tcp::Peer> peer;
    std::shared_ptr<ConnectionState> state;
  };
  mutable std::mutex mutex_;
  std::unordered_map<const Tcp::Peer*, Entry> open_;
};

namespace {
// A head larger than this (request line and fields) is refused.
constexpr std::size_t kMaxHeadBytes = 64 * 1024;

// Pistache's Http::Handler with its input step replaced: the same parser,
// but the raw head is checked before the body is read, and responses are
// serialised here (HEAD answers, Connection honoured, a 400 that closes).
class HttpAdapter : public Http::Handler {
 public:
  HTTP_PROTOTYPE(HttpAdapter)
  HttpAdapter(Service* service, Connections* connections)
      : service_(service), connections_(connections) {}

  void onRequest(const Http::Request&, Http::ResponseWriter) override {}  // unused: see onInput

 private:
  void onConnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    peer->putData(ParserData, std::make_shared<Http::RequestParser>(getMaxRequestSize()));
    peer->putData(kRawHeadData, std::make_shared<RawHead>());
    auto state = std::make_shared<ConnectionState>();
    peer->putData(kConnectionData, state);
    connections_->add(peer, std::move(state));
  }

  void onDisconnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    connections_->remove(peer.get());
  }

  void onInput(const char* buffer, size_t len, const std::shared_ptr<Tcp::Peer>& peer) override {
    auto parser = getParser(peer);
    auto raw = std::static_pointer_cast<RawHead>(peer->getData(kRawHeadData));
    auto& state = *std::static_pointer_cast<ConnectionState>(peer->getData(kConnectionData));
    state.got_input = true;
    state.busy = true;  // until the answer is written
    try {
      if (!raw->complete) keep_head(*raw, buffer, len);
      if (!parser->feed(buffer, len)) {
        throw Http::HttpError(Http::Code::Request_Entity_Too_Large, "the request is too large");
      }
      // Framing errors are answered before Pistache reads a body by them.
      if (raw->complete && raw->check.problem) {
        throw Http::HttpError(Http::Code::Bad_Request, *raw->check.problem);
      }
      if (parser->parse() != Http::Private::State::Done) return;
      peer->setIdle(false);
      const auto& head = raw->check.head;
      // While shutting down, clients are told not to send another request.
      bool keep_alive = head.keep_alive() && !service_->draining();
      bool head_only = head.method == "HEAD";
      Response resp = answer(parser->request, head, peer->address().host());
      parser->reset();
      raw->reset();
      send(peer, resp, head_only, keep_alive);
    } catch (const Http::HttpError& e) {
      refuse(peer, *parser, *raw, e.code(), e.reason());
    } catch (const std::exception& e) {
      // Pistache's parser throws plain exceptions on some malformed input:
      // the request is refused, never answered 500.
      refuse(peer, *parser, *raw, 400, e.what());
    }
  }

  static void keep_head(RawHead& raw, const char* buffer, size_t len) {
    std::size_t from = raw.bytes.size() >= 3 ? raw.bytes.size() - 3 : 0;
    raw.bytes.append(
        buffer, std::min(len, kMaxHeadBytes + 4 - std::min(raw.bytes.size(), kMaxHeadBytes + 4)));
    auto end = raw.bytes.find("\r\n\r\n", from);
    if (end == std::string::npos) {
      if (raw.bytes.size() > kMaxHeadBytes) {
        throw Http::HttpError(Http::Code::Request_Header_Fields_Too_Large,
                              "the request head is too large");
      }
      return;
    }
    raw.complete = true;
    raw.check = check_request_head(std::string_view(raw.bytes).substr(0, end));
    raw.bytes.clear();
  }

  Response answer(const Http::Request& req, const RequestHead& head, std::string peer_address) {
    Request r;
    // HEAD is answered as GET; the body is left out when sent.
    r.method = head.method == "HEAD" ? "GET" : Http::methodString(req.method());
    r.path = req.resource();
    r.query = head.query();
    for (const auto& [name, value] : head.fields) r.headers[name] = value;
    r.body = req.body();
    r.peer = std::move(peer_address);
    Response resp;
    try {
      resp = service_->handle(r);
    } catch (...) {  // handle() maps errors itself; this is the last guard
      resp.status = 500;
      resp.content_type = "application/problem+json";
      resp.body = R"({"type":"about:blank","title":"Internal Server Error","status":500})";
    }
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
    return resp;
  }

  void send(const std::shared_ptr<Tcp::Peer>& peer, const Response& resp, bool head_only,
            bool keep_alive) {
    auto headers = resp.headers;
    if (!resp.content_type.empty())
      headers.insert(headers.begin(), {"Content-Type", resp.content_type});
    headers.emplace_back("X-Content-Type-Options", "nosniff");
    std::string out = serialize_response(resp.status, headers, resp.body, head_only, keep_alive);
    write(peer, std::move(out), keep_alive);
  }

  // A request that cannot be read: 400 (or 413, 431) and the connection
  // closed, so nothing after it is taken for another request.
  void refuse(const std::shared_ptr<Tcp::Peer>& peer, Http::RequestParser& parser, RawHead& raw,
              int status, const std::string& reason) {
    parser.reset();
    raw.reset();
    Response resp;
    resp.status = status;
    resp.content_type = "application/problem+json";
    resp.body = problem_json(status, reason_phrase(status), reason);
    send(peer, resp, false, false);
  }

  void write(const std::shared_ptr<Tcp::Peer>& peer, std::string bytes, bool keep_alive) {
    peer->setIdle(true);
    std::size_t size = bytes.size();
    auto state = std::static_pointer_cast<ConnectionState>(peer->getData(kConnectionData));
    auto written = transport()->asyncWrite(peer->fd(), RawBuffer(std::move(bytes), size));
    // Once the answer is out, on the transport's thread (where the peer is
    // still registered, so its descriptor is still its own): no more input
    // unless kept alive.
    std::weak_ptr<Tcp::Peer> weak = peer;
    written.then(
        [weak, state, keep_alive](ssize_t) {
          if (auto p = weak.lock(); p && !keep_alive) ::shutdown(p->fd(), SHUT_RDWR);
          state->busy = false;
        },
        [state](std::exception_ptr) { state->busy = false; });
  }

  Service* service_;
  Connections* connections_;
};

}  // namespace

void ServerConfig::set_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw ConfigError(fmt::format("--listen '{}': expected HOST:PORT", listen));
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
  Impl(ServerConfig c, Service& s) : config(std::move(c)), service(s) {}
  ServerConfig config;
  Service& service;
  Connections connections;
  std::unique_ptr<Http::Endpoint> endpoint;
};

Server::Server(ServerConfig config, Service& service)
    : impl_(std::make_unique<Impl>(std::move(config), service)) {
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
  impl_->endpoint->setHandler(
      Http::make_handler<HttpAdapter>(&impl_->service, &impl_->connections));
  try {
    impl_->endpoint->serveThreaded();
  } catch (const std::exception& e) {
    throw ConfigError(fmt::format("cannot listen on {}:{}: {}", c.host, c.port, e.what()));
  }
}

int Server::port() const {
  return impl_->endpoint ? static_cast<int>(impl_->endpoint->getPort()) : 0;
}

namespace {

// The listening socket, found by its port: Pistache 0.0.5 does not expose it.
int listening_socket(int port) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = 0;
    try {
      fd = std::stoi(entry.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    int listening = 0;
    socklen_t len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
    sockaddr_storage addr{};
    socklen_t addr_len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0) continue;
    int bound = addr.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port)
                : addr.ss_family == AF_INET6
                    ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                    : -1;
    if (bound == port) return fd;
  }
  return -1;
}

// New connections stop completing: a socket filter drops every SYN that
// opens one (the client retries a second later, and is refused once the
// socket is closed, or reaches the server started in its place), while the
// handshakes under way and the connections waiting in the accept queue
// still complete and are answered. Closing the socket right away would reset
// those: the kernel completed them, the client sent its request, and it would
// get nothing back.
void refuse_new_connections(int fd) {
  // Classic BPF over the TCP header: flags at byte 13; SYN without ACK: drop.
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 13),          BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x12),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x02, 0, 1), BPF_STMT(BPF_RET | BPF_K, 0),
      BPF_STMT(BPF_RET | BPF_K, 0xFFFFFFFF),
  };
  sock_fprog program{static_cast<unsigned short>(std::size(code)), code};
  setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program);
}

// Connections completed by the kernel and not accepted yet.
unsigned accept_queue(int fd) {
  tcp_info info{};
  socklen_t len = sizeof info;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return 0;
  return info.tcpi_unacked;  // for a listening socket: its accept queue
}

}  // namespace

void Server::shutdown_gracefully(std::chrono::milliseconds grace) {
  impl_->service.start_draining();  // new requests: 503 and Connection: close
  if (!impl_->endpoint) return;
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + grace;
  int listener = listening_socket(port());
  if (listener >= 0) refuse_new_connections(listener);
  // Until every connection taken has its answer: the accept queue empty, no
  // request being read, handled or written, no bytes left unread. Twice in a
  // row, 20 ms apart, as a thread may be between reading bytes and handling
  // them.
  auto settled = [&] {
    return (listener < 0 || accept_queue(listener) == 0) && impl_->service.in_flight() == 0 &&
           !impl_->connections.busy();
  };
  int quiet = 0;
  // Handshakes under way when the filter came complete within this.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  while (quiet < 2 && clock::now() < deadline) {
    quiet = settled() ? quiet + 1 : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Pistache keeps its listening socket open until the endpoint is
  // destroyed: shut now, new connections are refused at once.
  if (listener >= 0) ::shutdown(listener, SHUT_RD);
  impl_->endpoint->shutdown();
  impl_->endpoint.reset();
}

}  // namespace terrier::api
