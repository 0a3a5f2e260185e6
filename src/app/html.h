// html.h - the notebook as one self-contained HTML page: no network, no JavaScript, every
// figure embedded as a data: URI, every string escaped.
#pragma once
#include <string>

#include "document.h"

namespace wi {

// & < > " ' as entities: safe in text and in a double- or single-quoted attribute.
std::string html_escape(const std::string& text);

// RFC 4648 base64 (standard alphabet, '=' padding), of any bytes.
std::string base64_encode(const std::string& bytes);

// The page. Each figure's PNG is read from its path and embedded; throws wi::Error naming a
// figure that cannot be read.
std::string render_html(const Document& doc);

}  // namespace wi
