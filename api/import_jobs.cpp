// Background imports (async=true, from POST /api/imports or POST
// /api/uploads/{id}/import): the request takes the person's lock on a
// connection of the job's own and starts the progress record, then the job
// runs on an ImportRunner worker and writes its end, the whole answer, into
// the record.

#include <nlohmann/json.hpp>
#include <pqxx/except>

#include "api/import_runner.hpp"
#include "api/import_upload.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"
#include "db/import_progress_store.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::json;

// The server stops during a background import.
struct ImportStopped {};

// A background import (async=true): its upload, and the connection that
// holds the person's lock and writes the progress record.
class UploadJob : public ImportJob {
 public:
  UploadJob(std::unique_ptr<pqxx::connection> control, std::string key, ImportCall call,
            std::shared_ptr<const UploadFile> upload)
      : control_(std::move(control)),
        key_(std::move(key)),
        call_(std::move(call)),
        upload_(std::move(upload)) {}

  void run(pqxx::connection& conn, const std::atomic<bool>& stopping) override {
    try {
      auto answer =
          import_upload(conn, call_, *upload_, [&](auto phase, long long rows, auto fraction) {
            if (stopping) throw ImportStopped{};
            rows_ = rows;
            db::record_import_progress(*control_, key_, importers::phase_name(phase), rows,
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
    // Once the record says how it ended: the person may import again.
    try {
      db::unlock_importer(*control_, call_.who);
    } catch (const std::exception&) {
      // The connection closes with the job, and the lock with it.
    }
  }

  void drop() override {
    fail(503, "Service Unavailable",
         "Le serveur s'est arrêté avant de commencer l'import : rien n'a été enregistré. "
         "Envoyez le fichier à nouveau.");
  }

  void fail(int status, const std::string& title, const std::string& detail) {
    finish("failed", rows_, std::nullopt, problem_json(status, title, detail), status);
  }

 private:
  static std::string stopped_during_import() {
    return "Le serveur s'est arrêté pendant l'import : rien n'a été enregistré. Envoyez le "
           "fichier à nouveau.";
  }
  void finish(const std::string& state, long long rows, const std::optional<std::string>& summary,
              const std::string& answer, int status) {
    try {
      db::finish_import_progress(*control_, key_, state, rows, summary, answer, status);
    } catch (const std::exception& e) {
      log::error("import {}: its end could not be recorded: {}", key_, first_line(e.what()));
    }
  }

  std::unique_ptr<pqxx::connection> control_;
  std::string key_;
  ImportCall call_;
  std::shared_ptr<const UploadFile> upload_;
  long long rows_ = 0;
};

}  // namespace

// async=true: the lock taken, the record started and the job queued, here;
// the import itself on a worker.
Response start_background_import(Context& ctx, ImportCall call,
                                 std::shared_ptr<const UploadFile> upload) {
  if (!ctx.imports) {
    throw Problem(503, "Service Unavailable",
                  "ce serveur ne fait pas d'imports en arrière-plan : envoyez-le sans async");
  }
  auto control = ctx.imports->take_connection();
  lock_importer_or_409(*control, call.who);
  std::string key = call.params.progress.value_or(random_hex(16));
  if (!db::start_import_progress(*control, key, call.who, kind_label(call.params))) {
    throw key_taken();
  }
  auto job =
      std::make_unique<UploadJob>(std::move(control), key, std::move(call), std::move(upload));
  UploadJob& queued = *job;
  std::unique_ptr<ImportJob> taken = std::move(job);
  if (!ctx.imports->submit(taken)) {
    const char* busy = "Trop d'imports attendent déjà sur ce serveur : réessayez dans une minute.";
    queued.fail(503, "Service Unavailable", busy);
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
