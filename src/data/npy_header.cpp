#include "npy_header.h"

#include <cstdint>
#include <cstdio>

#include "../core/error.h"

namespace wi {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;
// A shape may hold at most this many elements (2^31 float32, 8 GiB); a header whose shape is
// larger, or whose product would overflow, is refused as it is read.
constexpr long long kMaxElements = 1LL << 31;
constexpr long long kBig = 1LL << 62;  // integers from here on count as "too large"
constexpr int kMaxNesting = 200;       // brackets open at once, as Python's tokenizer allows

// A Python literal, as far as a .npy header can use one.
struct Value {
    enum Kind { Str, Int, Bool, None, Tuple, List, Dict, Set } kind = None;
    std::string str;            // Str
    long long num = 0;          // Int (saturated at kBig), Bool (0 or 1)
    std::vector<Value> items;   // Tuple, List, Set; Dict: key, value, key, value, ...
};

const char* kind_name(Value::Kind k) {
    static const char* names[] = {"a string", "an integer", "a bool", "None", "a tuple", "a list", "a dict", "a set"};
    return names[k];
}

bool is_ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Reads the header text as Python's tokenizer and ast.literal_eval would.
class LiteralParser {
public:
    // filtered: a format 1.0 or 2.0 header, which numpy passes through its Python 2 filter
    LiteralParser(const std::string& text, const std::string& path, bool filtered)
        : s_(text), path_(path), drop_l_(filtered) {}

    Value parse() {
        leading();
        if (p_ >= s_.size() || (s_[p_] != '{' && s_[p_] != '(')) fail("the header is not a dict");
        Value v = value();
        trailing();
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw Error(path_ + ": cannot parse the .npy header: " + what + " (at byte " + std::to_string(p_) + " of it)");
    }

    bool at(char c) const { return p_ < s_.size() && s_[p_] == c; }
    bool newline_at(std::size_t i) const { return i < s_.size() && (s_[i] == '\n' || s_[i] == '\r'); }
    std::size_t after_newline(std::size_t i) const { return s_[i] == '\r' && i + 1 < s_.size() && s_[i + 1] == '\n' ? i + 2 : i + 1; }

    // Inside brackets: any whitespace, newlines, comments and backslash line joins.
    void skip_inside() {
        while (p_ < s_.size()) {
            const char c = s_[p_];
            if (c == ' ' || c == '\t' || c == '\f' || c == '\n' || c == '\r') {
                ++p_;
            } else if (c == '#') {
                while (p_ < s_.size() && !newline_at(p_)) ++p_;
            } else if (c == '\\') {
                if (!newline_at(p_ + 1)) fail("a backslash outside a string that does not end the line");
                p_ = after_newline(p_ + 1);
            } else {
                break;
            }
        }
    }

    // Before the dict: ast.literal_eval strips leading spaces and tabs; then blank and comment
    // lines may come, and the line the dict starts on must not be indented.
    void leading() {
        while (at(' ') || at('\t')) ++p_;
        int col = 0;
        while (p_ < s_.size()) {
            const char c = s_[p_];
            if (c == ' ') {
                ++col, ++p_;
            } else if (c == '\t') {
                col = (col / 8 + 1) * 8, ++p_;
            } else if (c == '\f') {
                col = 0, ++p_;
            } else if (c == '#') {
                while (p_ < s_.size() && !newline_at(p_)) ++p_;
            } else if (c == '\n' || c == '\r') {
                p_ = after_newline(p_), col = 0;
            } else if (c == '\\' && newline_at(p_ + 1)) {
                p_ = after_newline(p_ + 1);
            } else {
                break;
            }
        }
        if (col > 0) fail("the dict's line is indented");
    }

    // After the dict: whitespace and comments, a backslash line join that does not end the
    // text, blank lines. A last line of only spaces after a newline is an indentation error in
    // Python, but numpy's filter of format 1.0 and 2.0 headers (a tokenize round trip) drops it.
    void trailing() {
        while (at(' ') || at('\t') || at('\f')) ++p_;
        if (at('\\')) {
            if (!newline_at(p_ + 1)) fail("unexpected text after the dict");
            p_ = after_newline(p_ + 1);
            if (p_ == s_.size()) fail("a backslash line join at the end of the header");
            while (at(' ') || at('\t') || at('\f')) ++p_;
        }
        if (at('#'))
            while (p_ < s_.size() && !newline_at(p_)) ++p_;
        if (p_ == s_.size()) return;
        if (!newline_at(p_)) fail("unexpected text after the dict");
        while (p_ < s_.size()) {  // one line after a newline each time round
            p_ = after_newline(p_);
            int col = 0;
            while (at(' ') || at('\t') || at('\f')) col = at(' ') ? col + 1 : at('\t') ? (col / 8 + 1) * 8 : 0, ++p_;
            if (at('#'))
                while (p_ < s_.size() && !newline_at(p_)) ++p_;
            else if (p_ == s_.size() && col > 0 && !drop_l_)
                fail("a last line of only whitespace is an indentation error in Python");
            if (p_ < s_.size() && !newline_at(p_)) fail("unexpected text after the dict");
        }
    }

    Value value() {
        if (p_ >= s_.size()) fail("the header ends inside the dict");
        const char c = s_[p_];
        if (c == '(' || c == '[') return sequence(c);
        if (c == '{') return dict_or_set();
        if (c == '+' || c == '-') return signed_number();
        if (c >= '0' && c <= '9') return number();
        if (c == '\'' || c == '"') return strings();
        if (is_ident_char(c)) {
            const std::size_t b = p_;
            while (p_ < s_.size() && is_ident_char(s_[p_])) ++p_;
            const std::string name = s_.substr(b, p_ - b);
            if (at('\'') || at('"')) {
                if (name.size() == 1 && (name == "u" || name == "U" || name == "r" || name == "R")) return strings();
                p_ = b;
                fail("a string with prefix " + name + " (only u and r give a str)");
            }
            Value v;
            if (name == "True" || name == "False") {
                v.kind = Value::Bool;
                v.num = name == "True";
            } else if (name != "None") {
                p_ = b;
                fail("the name " + name + " (only True, False and None are literals)");
            }
            return v;
        }
        fail(std::string("unexpected character '") + c + "'");
    }

    void open_bracket() {
        if (++depth_ > kMaxNesting) fail("more than " + std::to_string(kMaxNesting) + " brackets open at once");
        ++p_;
    }

    // ( ... ) is a tuple, or a value in parentheses; [ ... ] a list.
    Value sequence(char open) {
        const char close = open == '(' ? ')' : ']';
        open_bracket();
        Value v;
        v.kind = open == '(' ? Value::Tuple : Value::List;
        bool comma = false;
        skip_inside();
        while (!at(close)) {
            v.items.push_back(value());
            skip_inside();
            if (at(',')) {
                ++p_, comma = true;
                skip_inside();
            } else if (!at(close)) {
                fail(std::string("expected ',' or '") + close + "'");
            }
        }
        ++p_, --depth_;
        if (open == '(' && v.items.size() == 1 && !comma) return v.items[0];
        return v;
    }

    Value dict_or_set() {
        open_bracket();
        Value v;
        v.kind = Value::Dict;
        skip_inside();
        bool first = true;
        while (!at('}')) {
            Value key = value();
            skip_inside();
            if (first) v.kind = at(':') ? Value::Dict : Value::Set;
            first = false;
            v.items.push_back(key);
            if (v.kind == Value::Dict) {
                if (!at(':')) fail("expected ':' after a key");
                ++p_;
                skip_inside();
                v.items.push_back(value());
                skip_inside();
            }
            if (at(',')) {
                ++p_;
                skip_inside();
            } else if (!at('}')) {
                fail("expected ',' or '}'");
            }
        }
        ++p_, --depth_;
        return v;
    }

    // One sign, then an integer literal or True/False (ast.literal_eval allows nothing more).
    Value signed_number() {
        const bool minus = s_[p_] == '-';
        ++p_;
        skip_inside();
        if (p_ >= s_.size() || !is_ident_char(s_[p_])) fail("a sign not followed by a number");
        Value v = value();
        if (v.kind != Value::Int && v.kind != Value::Bool) fail("a sign before " + std::string(kind_name(v.kind)));
        v.kind = Value::Int;
        if (minus) v.num = -v.num;
        return v;
    }

    // An integer literal: decimal (no leading zeros), 0x, 0o or 0b, with single '_' between digits.
    Value number() {
        int base = 10;
        if (s_[p_] == '0' && p_ + 1 < s_.size()) {
            const char b = static_cast<char>(s_[p_ + 1] | 0x20);
            base = b == 'x' ? 16 : b == 'o' ? 8 : b == 'b' ? 2 : 10;
            if (base != 10) p_ += 2;
        }
        const bool leading_zero = base == 10 && s_[p_] == '0';
        Value v;
        v.kind = Value::Int;
        int digits = 0;
        bool nonzero = false, underscore_ok = base != 10;
        while (p_ < s_.size()) {
            const char c = s_[p_];
            int d = -1;
            if (c >= '0' && c <= '9') d = c - '0';
            else if (base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') d = (c | 0x20) - 'a' + 10;
            if (c == '_' && underscore_ok && p_ + 1 < s_.size() && s_[p_ + 1] != '_') {
                ++p_, underscore_ok = false;
                continue;
            }
            if (d < 0 || d >= base) break;
            ++p_, ++digits, underscore_ok = true;
            nonzero = nonzero || d != 0;
            v.num = v.num >= kBig / base ? kBig : v.num * base + d;
        }
        if (digits == 0 || s_[p_ - 1] == '_') fail("a malformed integer");
        if (leading_zero && nonzero) fail("an integer with a leading zero");
        if (at('.') || at('e') || at('E') || at('j') || at('J')) fail("a number that is not an integer");
        if (drop_l_) {  // numpy drops a Python 2 'L' after an integer in formats 1.0 and 2.0
            std::size_t q = p_;
            while (q < s_.size() && (s_[q] == ' ' || s_[q] == '\t' || s_[q] == '\f')) ++q;
            if (q < s_.size() && s_[q] == 'L' && (q + 1 == s_.size() || !is_ident_char(s_[q + 1]))) p_ = q + 1;
        }
        if (p_ < s_.size() && is_ident_char(s_[p_])) fail("a malformed integer");
        return v;
    }

    // One string literal, or several side by side (Python joins them).
    Value strings() {
        Value v;
        v.kind = Value::Str;
        while (true) {
            if (at('u') || at('U') || at('r') || at('R')) ++p_;
            const char q = s_[p_];
            const bool triple = p_ + 2 < s_.size() && s_[p_ + 1] == q && s_[p_ + 2] == q;
            p_ += triple ? 3 : 1;
            while (true) {
                if (p_ >= s_.size()) fail("a string that does not end");
                const char c = s_[p_];
                if (c == '\\') fail("a backslash in a string (escapes are not read here)");
                if (!triple && (c == '\n' || c == '\r')) fail("a string that does not end on its line");
                if (c == q && (!triple || (p_ + 2 < s_.size() && s_[p_ + 1] == q && s_[p_ + 2] == q))) break;
                v.str.push_back(c);
                ++p_;
            }
            p_ += triple ? 3 : 1;
            const std::size_t save = p_;
            skip_inside();
            const bool prefix = (at('u') || at('U') || at('r') || at('R')) && p_ + 1 < s_.size() &&
                                (s_[p_ + 1] == '\'' || s_[p_ + 1] == '"');
            if (!(at('\'') || at('"') || prefix)) {
                p_ = save;
                return v;
            }
        }
    }

    const std::string& s_;
    const std::string& path_;
    bool drop_l_;
    std::size_t p_ = 0;
    int depth_ = 0;
};

std::string hex_byte(unsigned char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", c);
    return buf;
}

}  // namespace

NpyHeader parse_npy_header(const std::string& bytes, const std::string& path) {
    const std::size_t magic_seen = std::min(bytes.size(), kMagicLen);
    if (bytes.compare(0, magic_seen, kMagic, magic_seen) != 0) throw Error(path + ": not a .npy file (bad magic)");
    if (bytes.size() < kMagicLen + 2)
        throw Error(path + ": truncated: " + std::to_string(bytes.size()) + " bytes, too short for a .npy preamble");
    const int major = static_cast<unsigned char>(bytes[6]), minor = static_cast<unsigned char>(bytes[7]);
    if ((major != 1 && major != 2 && major != 3) || minor != 0)
        throw Error(path + ": unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                    " (numpy writes 1.0, 2.0 and 3.0)");
    const std::size_t len_bytes = major == 1 ? 2 : 4;
    const std::size_t header_at = kMagicLen + 2 + len_bytes;
    if (bytes.size() < header_at)
        throw Error(path + ": truncated: " + std::to_string(bytes.size()) + " bytes, too short for a .npy preamble");
    std::uint64_t header_len = 0;
    for (std::size_t i = len_bytes; i-- > 0;) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + i]);
    if (header_len > kNpyMaxHeader)
        throw Error(path + ": a .npy header of " + std::to_string(header_len) + " bytes, over the limit of " +
                    std::to_string(kNpyMaxHeader) + " (numpy's)");
    if (header_at + header_len > bytes.size())
        throw Error(path + ": truncated .npy header: " + std::to_string(header_len) + " bytes promised, " +
                    std::to_string(bytes.size() - header_at) + " in the file");
    const std::string header = bytes.substr(header_at, static_cast<std::size_t>(header_len));
    for (std::size_t i = 0; i < header.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(header[i]);
        if (c == 0) throw Error(path + ": a NUL byte in the .npy header (at byte " + std::to_string(i) + " of it)");
        if (c >= 0x80)
            throw Error(path + ": a non-ASCII byte " + hex_byte(c) + " in the .npy header (at byte " + std::to_string(i) +
                        " of it)");
    }
    const Value dict = LiteralParser(header, path, major < 3).parse();
    if (dict.kind != Value::Dict) throw Error(path + ": the .npy header is " + kind_name(dict.kind) + ", not a dict");

    const Value* descr = nullptr;
    const Value* fortran = nullptr;
    const Value* shape = nullptr;
    for (std::size_t i = 0; i < dict.items.size(); i += 2) {
        const Value& key = dict.items[i];
        const Value** slot = nullptr;
        if (key.kind == Value::Str && key.str == "descr") slot = &descr;
        if (key.kind == Value::Str && key.str == "fortran_order") slot = &fortran;
        if (key.kind == Value::Str && key.str == "shape") slot = &shape;
        if (slot == nullptr)
            throw Error(path + ": the .npy header has the key " + (key.kind == Value::Str ? "'" + key.str + "'" : kind_name(key.kind)) +
                        "; it must have exactly 'descr', 'fortran_order' and 'shape'");
        if (*slot != nullptr) throw Error(path + ": the .npy header gives '" + key.str + "' twice");
        *slot = &dict.items[i + 1];
    }
    for (const auto& [v, name] : {std::pair{descr, "descr"}, {fortran, "fortran_order"}, {shape, "shape"}})
        if (v == nullptr) throw Error(path + ": the .npy header has no '" + name + "'");

    NpyHeader h;
    h.data_at = header_at + static_cast<std::size_t>(header_len);
    if (descr->kind != Value::Str)
        throw Error(path + ": dtype is " + kind_name(descr->kind) + " (a structured array), expected '<f4' (float32)");
    const std::string& d = descr->str;
    if (d == ">f4" || d == ">f") {
        h.big_endian = true;
    } else if (!(d == "<f4" || d == "=f4" || d == "|f4" || d == "f4" || d == "<f" || d == "=f" || d == "f" ||
                 d == "float32" || d == "single")) {
        throw Error(path + ": dtype '" + d + "', expected '<f4' (float32); wi reads float32 only");
    }
    if (fortran->kind != Value::Bool)
        throw Error(path + ": fortran_order is " + kind_name(fortran->kind) + ", not True or False");
    h.fortran_order = fortran->num != 0;
    if (shape->kind != Value::Tuple) throw Error(path + ": shape is " + kind_name(shape->kind) + ", not a tuple");
    long long elements = 1;
    for (const Value& dim : shape->items) {
        if (dim.kind != Value::Int) throw Error(path + ": a dimension in the shape is " + kind_name(dim.kind) + ", not an integer");
        if (dim.num < 0) throw Error(path + ": negative dimension " + std::to_string(dim.num) + " in the shape");
        if (dim.num != 0 && (dim.num >= kBig || elements > kMaxElements / dim.num))
            throw Error(path + ": the shape holds more than " + std::to_string(kMaxElements) + " elements, the limit");
        elements *= dim.num;
        h.shape.push_back(dim.num);
    }
    return h;
}

}  // namespace wi
