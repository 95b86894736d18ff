#include "core/error.hpp"

#include <cerrno>
#include <cstring>
#include <regex>

namespace terrier {

std::string redact_database_url(const std::string& url) {
  // postgresql://user:secret@host -> postgresql://user:***@host
  static const std::regex uri_password(R"(^(postgres(?:ql)?://[^:/@]*):[^@]*@)");
  // password=secret (key/value form or URI query parameter)
  static const std::regex kv_password(R"((password=)[^&\s]*)");
  std::string out = std::regex_replace(url, uri_password, "$1:***@");
  return std::regex_replace(out, kv_password, "$1***");
}

std::string first_line(const std::string& message) {
  auto end = message.find('\n');
  std::string line = message.substr(0, end);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  // libpq prefixes some messages with "ERROR:  "; keep the text after it.
  for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
    if (line.rfind(prefix, 0) == 0) line.erase(0, std::char_traits<char>::length(prefix));
  }
  return line;
}

std::string file_error(int errno_value) {
  switch (errno_value) {
    case ENOENT:
      return "le fichier ou le dossier n'existe pas";
    case EACCES:
    case EPERM:
      return "accès refusé";
    case EISDIR:
      return "c'est un dossier, pas un fichier";
    case ENOTDIR:
      return "un élément du chemin n'est pas un dossier";
    case ENOSPC:
    case EDQUOT:
      return "plus de place sur le disque";
    case EFBIG:
      return "fichier trop gros pour ce disque";
    case EROFS:
      return "disque en lecture seule";
    case EIO:
      return "erreur de lecture ou d'écriture du disque";
    default:
      return std::strerror(errno_value);
  }
}

}  // namespace terrier
