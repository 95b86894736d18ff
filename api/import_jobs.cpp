// Background imports (async=true, from POST /api/imports or POST
// /api/uploads/{id}/import): the request checks that the person has no
// import running, starts the progress record and queues the job in
// import_jobs with the file's bytes; a worker of any server claims it
// (ImportRunner), runs it and writes its end, the whole answer, into the
// record.

#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/except>
#include <sstream>

#include "api/import_runner.hpp"
#include "api/import_upload.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"
#include "db/import_job_store.hpp"
#include "db/import_progress_store.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::json;

// The server stops during a background import.
struct ImportStopped {};

// A claimed background import: its call, its upload, and the worker's
// connection that holds the person's lock and writes the progress.
class UploadJob {
 public:
  UploadJob(pqxx::connection& control, std::string key, std::string worker, ImportCall call,
            std::unique_ptr<const UploadFile> upload)
      : control_(control),
        key_(std::move(key)),
        worker_(std::move(worker)),
        call_(std::move(call)),
        upload_(std::move(upload)) {}

  void run(pqxx::connection& conn, const std::atomic<bool>& stopping) {
    try {
      auto answer =
          import_upload(conn, call_, *upload_, [&](auto phase, long long rows, auto fraction) {
            if (stopping) throw ImportStopped{};
            rows_ = rows;
            db::record_import_progress(control_, key_, importers::phase_name(phase), rows,
                                       fraction);
          });
      finish("done", answer.read, answer.summary, answer.body, answer.status);
    } catch (const Problem& p) {
      finish("failed", rows_, std::nullopt, problem_body(p), p.status());
    } catch (const ImportStopped&) {
      fail(503, "Service Unavailable", stopped_during_import());
    } catch (const pqxx::broken_connection& e) {
      log::error("import {}: {}", key_, first_line(e.what()));
      fail(503, "Service Unavailable",
           "La connexion à la base de données a été perdue pendant l'import : rien n'a été "
           "enregistré. Envoyez le fichier à nouveau.");
    } catch (const pqxx::sql_error& e) {
      if (stopping) {
        fail(503, "Service Unavailable", stopped_during_import());
      } else {
        log::error("import {}: [{}] {}", key_, e.sqlstate(), first_line(e.what()));
        fail(500, "Internal Server Error",
             "L'import a échoué : rien n'a été enregistré ; la cause est dans le journal du "
             "serveur.");
      }
    } catch (const std::exception& e) {
      log::error("import {}: {}", key_, first_line(e.what()));
      fail(500, "Internal Server Error",
           "L'import a échoué : rien n'a été enregistré ; la cause est dans le journal du "
           "serveur.");
    }
  }

  void fail(int status, const std::string& title, const std::string& detail) {
    finish("failed", rows_, std::nullopt, problem_json(status, title, detail), status);
  }

 private:
  static std::string stopped_during_import() {
    return "Le serveur s'est arrêté pendant l'import : rien n'a été enregistré. Envoyez le "
           "fichier à nouveau.";
  }
  // The answer recorded, the job removed, then the person may import again.
  void finish(const std::string& state, long long rows, const std::optional<std::string>& summary,
              const std::string& answer, int status) {
    try {
      db::finish_import_progress(control_, key_, state, rows, summary, answer, status);
      if (!db::finish_import_job(control_, key_, worker_)) {
        log::warn("import {}: another server took it over meanwhile", key_);
      }
    } catch (const std::exception& e) {
      log::error("import {}: its end could not be recorded: {}", key_, first_line(e.what()));
    }
    try {
      db::unlock_importer(control_, call_.who);
    } catch (const std::exception&) {
      // The worker drops a connection that failed, and the lock with it.
    }
  }

  pqxx::connection& control_;
  std::string key_;
  std::string worker_;
  ImportCall call_;
  std::unique_ptr<const UploadFile> upload_;
  long long rows_ = 0;
};

// What the import needs from its request, for the worker that claims it.
std::string call_json(const ImportCall& call) {
  json j = {{"kind", importers::kind_name(call.params.kind)},
            {"format", call.params.format},
            {"strict", call.params.strict},
            {"dry_run", call.params.dry_run},
            {"scope", static_cast<int>(call.scope)},
            {"role", role_name(call.role)},
            {"who", call.who}};
  if (call.params.source) j["source"] = *call.params.source;
  if (call.territory) j["territory"] = *call.territory;
  return j.dump();
}

ImportCall parse_call(const db::ClaimedImportJob& job) {
  json j = json::parse(job.call);
  ImportCall call;
  call.params.kind = importers::parse_kind(j.at("kind").get<std::string>()).value();
  call.params.format = j.at("format").get<std::string>();
  call.params.strict = j.at("strict").get<bool>();
  call.params.dry_run = j.at("dry_run").get<bool>();
  call.params.progress = job.key;
  call.params.async = true;
  if (j.contains("source")) call.params.source = j["source"].get<std::string>();
  call.scope = static_cast<ImportScope>(j.at("scope").get<int>());
  call.role = parse_role(j.at("role").get<std::string>()).value();
  call.who = j.at("who").get<std::string>();
  if (j.contains("territory")) call.territory = j["territory"].get<std::string>();
  return call;
}

std::string file_bytes(const UploadFile& upload) {
  std::ifstream in(upload.path(), std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) throw Error("cannot read the uploaded file");
  return std::move(bytes).str();
}

// A job run this many times whose workers all died: given up.
constexpr int kMaxAttempts = 3;

}  // namespace

void run_claimed_import(pqxx::connection& control, pqxx::connection& conn,
                        const db::ClaimedImportJob& job, const std::string& worker,
                        const std::atomic<bool>& stopping) {
  std::optional<UploadJob> upload_job;
  try {
    upload_job.emplace(control, job.key, worker, parse_call(job),
                       std::make_unique<const UploadFile>(job.file, job.format));
  } catch (const std::exception& e) {
    log::error("import {}: cannot read its job: {}", job.key, first_line(e.what()));
    db::finish_import_progress(control, job.key, "failed", 0, std::nullopt, abandoned_problem(),
                               500);
    db::finish_import_job(control, job.key, worker);
    db::unlock_importer(control, job.actor);
    return;
  }
  if (job.attempts > kMaxAttempts) {
    // Every server that ran it died under it: it may be what kills them.
    log::error("import {}: its workers stopped {} times; given up", job.key, job.attempts - 1);
    upload_job->fail(500, "Internal Server Error",
                     "L'import s'est interrompu plusieurs fois (les serveurs qui le faisaient se "
                     "sont arrêtés) : rien n'a été enregistré.");
    return;
  }
  upload_job->run(conn, stopping);
}

void give_back_import(pqxx::connection& control, const db::ClaimedImportJob& job,
                      const std::string& worker) {
  db::unlock_importer(control, job.actor);
  db::release_import_job(control, job.key, worker);
}

// async=true: checked, recorded and queued here; the import itself on a
// worker of any server.
Response start_background_import(Context& ctx, ImportCall call,
                                 std::shared_ptr<const UploadFile> upload) {
  if (!ctx.imports) {
    throw Problem(503, "Service Unavailable",
                  "ce serveur ne fait pas d'imports en arrière-plan : envoyez-le sans async");
  }
  // The person's lock, held until the job is in import_jobs, by the
  // runner's thread that writes it there (closed with the connection if
  // anything fails here).
  auto control = ctx.imports->take_connection();
  lock_importer_or_409(*control, call.who);
  std::string key = call.params.progress.value_or(random_hex(16));
  if (!db::start_import_progress(*control, key, call.who, kind_label(call.params))) {
    throw key_taken();
  }
  const char* busy = "Trop d'imports attendent déjà : réessayez dans une minute.";
  auto fail = [key](pqxx::connection& conn, int status, const char* title, const char* detail) {
    try {
      db::finish_import_progress(conn, key, "failed", 0, std::nullopt,
                                 problem_json(status, title, detail), status);
    } catch (const std::exception& e) {
      log::error("import {}: its end could not be recorded: {}", key, first_line(e.what()));
    }
  };
  const int max_waiting = static_cast<int>(ctx.imports->max_waiting());
  auto queue = [key, call, upload, max_waiting, busy, fail](pqxx::connection& conn) {
    try {
      if (!db::enqueue_import_job(conn, key, call.who, call_json(call), call.params.format,
                                  file_bytes(*upload), max_waiting)) {
        fail(conn, 503, "Service Unavailable", busy);
      }
    } catch (const std::exception& e) {
      log::error("import {}: cannot queue it: {}", key, first_line(e.what()));
      fail(conn, 500, "Internal Server Error",
           "L'import n'a pas pu être mis en file d'attente : rien n'a été enregistré ; la cause "
           "est dans le journal du serveur.");
    }
    db::unlock_importer(conn, call.who);
  };
  if (!ctx.imports->hand_over(control, queue)) {
    fail(*control, 503, "Service Unavailable", busy);
    throw Problem(503, "Service Unavailable", busy);
  }
  std::string url = "/api/imports/progress/" + key;
  Response r = json_response(json{{"progress_url", url}}.dump());
  r.status = 202;
  r.headers.emplace_back("Location", url);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace terrier::api
