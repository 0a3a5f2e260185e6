#include "html.h"

#include <fstream>
#include <sstream>

#include "../core/error.h"

namespace wi {

namespace {

// A layout that reads on a laptop and on a phone: one column at most 50rem wide, figures
// scaled down to fit, wide tables scrolled sideways inside their own box.
const char* const kStyle =
    "body{margin:0;padding:0 1rem;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",sans-serif;"
    "color:#1a1a1a;background:#fff}"
    "main{max-width:50rem;margin:0 auto;padding:1rem 0 3rem}"
    "h1{font-size:1.6rem;line-height:1.25;margin:1rem 0}"
    "h2{font-size:1.25rem;margin:2.5rem 0 .5rem;padding-top:.5rem;border-top:2px solid #0072b2}"
    "p.q{font-style:italic;color:#333}"
    "p.cmd{margin:.25rem 0}"
    "code{font:.9em/1.4 ui-monospace,\"DejaVu Sans Mono\",monospace;background:#f2f4f7;padding:.1em .3em;"
    "border-radius:3px;overflow-wrap:anywhere}"
    ".answer{background:#eef6fb;border-left:4px solid #0072b2;padding:.5rem .9rem;margin:.75rem 0}"
    ".answer p{margin:.35rem 0}"
    "table{border-collapse:collapse;font-size:.9rem}"
    "p.tcap{font-weight:600;margin:1rem 0 .25rem}"
    ".scroll{overflow-x:auto;margin:.25rem 0 .75rem}"
    "th,td{border-bottom:1px solid #d0d7de;padding:.2rem .6rem;text-align:right;white-space:nowrap}"
    "th:first-child,td:first-child{text-align:left}"
    "th{background:#f6f8fa}"
    "ul.diag{font-size:.9rem;padding-left:1.2rem}"
    "figure{margin:1rem 0}"
    "img{max-width:100%;height:auto;border:1px solid #e1e4e8}"
    "figcaption{font-size:.85rem;color:#555}"
    ".setting{font-size:.9rem;color:#333}";

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot read the figure to embed it");
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) throw Error(path + ": cannot read the figure to embed it");
    return s.str();
}

// A PNG's size from its IHDR chunk (bytes 16-23, big-endian), so the page reserves the right box.
bool png_size(const std::string& png, unsigned* width, unsigned* height) {
    if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || png.compare(12, 4, "IHDR") != 0) return false;
    auto be32 = [&png](std::size_t at) {
        unsigned v = 0;
        for (std::size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(png[at + i]);
        return v;
    };
    *width = be32(16);
    *height = be32(20);
    return true;
}

void table_html(std::string& h, const DocTable& t) {
    // The caption above the box, not a <caption>: that would be squeezed to the table's width.
    if (!t.caption.empty()) h += "<p class=\"tcap\">" + html_escape(t.caption) + "</p>";
    h += "<div class=\"scroll\"><table>";
    h += "<thead><tr>";
    for (const std::string& c : t.header) h += "<th scope=\"col\">" + html_escape(c) + "</th>";
    h += "</tr></thead><tbody>";
    for (const auto& row : t.rows) {
        h += "<tr>";
        for (const std::string& c : row) h += "<td>" + html_escape(c) + "</td>";
        h += "</tr>";
    }
    h += "</tbody></table></div>\n";
}

}  // namespace

std::string html_escape(const std::string& text) {
    std::string s;
    s.reserve(text.size());
    for (char c : text) switch (c) {
            case '&': s += "&amp;"; break;
            case '<': s += "&lt;"; break;
            case '>': s += "&gt;"; break;
            case '"': s += "&quot;"; break;
            case '\'': s += "&#39;"; break;
            default: s += c;
        }
    return s;
}

std::string base64_encode(const std::string& bytes) {
    static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string s;
    s.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {  // 3 bytes -> 4 characters of 6 bits
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                           static_cast<unsigned char>(bytes[i + 2]);
        s += kAlphabet[v >> 18 & 63];
        s += kAlphabet[v >> 12 & 63];
        s += kAlphabet[v >> 6 & 63];
        s += kAlphabet[v & 63];
    }
    const std::size_t left = bytes.size() - i;  // leftovers: 1 or 2 bytes, padded with '='
    if (left > 0) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (left == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        s += kAlphabet[v >> 18 & 63];
        s += kAlphabet[v >> 12 & 63];
        s += left == 2 ? kAlphabet[v >> 6 & 63] : '=';
        s += '=';
    }
    return s;
}

std::string render_html(const Document& doc) {
    std::string h =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
        html_escape(doc.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<main>\n<h1>" +
        html_escape(doc.title) + "</h1>\n";
    for (const std::string& line : doc.setting) h += "<p class=\"setting\">" + html_escape(line) + "</p>\n";
    for (const DocCell& c : doc.cells) {
        h += "<section id=\"cell-" + std::to_string(c.number) + "\">\n<h2>" + std::to_string(c.number) + ". " +
             html_escape(c.title) + "</h2>\n<p class=\"q\">" + html_escape(c.question) + "</p>\n";
        for (const std::string& cmd : c.commands)
            h += "<p class=\"cmd\">Run alone: <code>" + html_escape(cmd) + "</code></p>\n";
        h += "<div class=\"answer\">";
        for (const std::string& a : c.answer) h += "<p>" + html_escape(a) + "</p>";
        h += "</div>\n";
        for (const DocTable& t : c.tables) table_html(h, t);
        if (!c.diagnosis.empty()) {
            h += "<ul class=\"diag\">";
            for (const std::string& d : c.diagnosis) h += "<li>" + html_escape(d) + "</li>";
            h += "</ul>\n";
        }
        for (const DocFigure& f : c.figures) {
            const std::string name = f.path.substr(f.path.find_last_of('/') + 1);
            const std::string png = read_bytes(f.path);
            unsigned width = 0, height = 0;
            if (!png_size(png, &width, &height)) throw Error(f.path + ": not a PNG file, cannot embed it");
            h += "<figure><img src=\"data:image/png;base64," + base64_encode(png) + "\" alt=\"" + html_escape(f.alt) +
                 "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) + "\"><figcaption>" +
                 html_escape(name) + "</figcaption></figure>\n";
        }
        h += "</section>\n";
    }
    h += "</main>\n</body>\n</html>\n";
    return h;
}

}  // namespace wi
